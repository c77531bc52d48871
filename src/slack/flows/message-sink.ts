import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../lib/logger.ts';
import type { SlackMessage } from '../ui/blocks.ts';

/** One message that is posted once and then replaced in place (progress, then a summary). */
export interface MessageSink {
  post(message: SlackMessage): Promise<void>;
  /** Replaces the posted message; `final` updates are never skipped. */
  update(message: SlackMessage, options?: { final?: boolean }): Promise<void>;
}

/**
 * A direct message from the app, updated with chat.update: a real message, the one kind Slack lets
 * an app edit in place (ephemeral replies cannot be). Posting to a user id opens the DM with
 * chat:write alone, and the App Home Messages tab must be on; chat.update then takes the DM's
 * channel id from the post's answer, never the user id.
 * https://docs.slack.dev/reference/methods/chat.postMessage
 * https://docs.slack.dev/reference/methods/chat.update
 */
export function directMessageSink(client: WebClient, userId: string): MessageSink {
  let posted: { channel: string; ts: string } | undefined;
  return {
    async post(message) {
      const answer = await client.chat.postMessage({
        channel: userId,
        text: message.text,
        blocks: message.blocks,
      });
      if (answer.channel && answer.ts) posted = { channel: answer.channel, ts: answer.ts };
    },
    async update(message) {
      if (!posted) {
        await this.post(message);
        return;
      }
      await client.chat.update({
        channel: posted.channel,
        ts: posted.ts,
        text: message.text,
        blocks: message.blocks,
      });
    },
  };
}

/**
 * A slash command's response_url used for one answer only, the final one, as a new ephemeral
 * message. Slack allows a response_url 5 uses within 30 minutes, and `replace_original` is
 * documented for messages with interactive components, not for a command's ephemeral reply — so
 * nothing here ever replaces, and progress is skipped rather than stacked.
 * https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 */
export function finalAnswerSink(respond: RespondFn): MessageSink {
  let answered = false;
  return {
    async post() {},
    async update(message, options) {
      if (!options?.final || answered) return;
      answered = true;
      await respond({ response_type: 'ephemeral', ...message });
    },
  };
}

/**
 * `/pulse fetch`: progress in a DM updated in place, with one response_url answer that says where
 * to look. If Slack refuses the DM (Messages tab off, DMs blocked), the command still gets its
 * summary as the single final response_url answer.
 */
export function commandFetchSink(options: {
  client: WebClient;
  userId: string;
  respond: RespondFn;
  logger: Logger;
  pointer: SlackMessage;
}): MessageSink {
  const dm = directMessageSink(options.client, options.userId);
  const fallback = finalAnswerSink(options.respond);
  let active: MessageSink | undefined;
  return {
    async post(message) {
      if (active) return active.post(message);
      try {
        await dm.post(message);
        active = dm;
      } catch (error) {
        options.logger.warn({ err: error }, 'fetch progress DM refused; answering through the response_url');
        active = fallback;
        return;
      }
      await options.respond({ response_type: 'ephemeral', ...options.pointer });
    },
    async update(message, updateOptions) {
      await (active ?? fallback).update(message, updateOptions);
    },
  };
}

import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from '../ui/blocks.ts';

/** One message that is posted once and then replaced in place (progress, then a summary). */
export interface MessageSink {
  post(message: SlackMessage): Promise<void>;
  /** Replaces the posted message; `final` updates are never skipped. */
  update(message: SlackMessage, options?: { final?: boolean }): Promise<void>;
}

/**
 * Through a slash command's response_url: ephemeral, replaced with `replace_original`. Slack's
 * older documentation allows 5 uses of a response_url, so progress updates stop one short of that
 * and the final summary always has its turn.
 * https://docs.slack.dev/interactivity/handling-user-interaction#message_responses
 */
export function responseUrlSink(respond: RespondFn, maxUses = 5): MessageSink {
  let uses = 0;
  return {
    async post(message) {
      uses += 1;
      await respond({ response_type: 'ephemeral', replace_original: false, ...message });
    },
    async update(message, options) {
      if (!options?.final && uses >= maxUses - 1) return;
      uses += 1;
      await respond({ response_type: 'ephemeral', replace_original: true, ...message });
    },
  };
}

/**
 * A direct message from the app, updated with chat.update (for buttons on the App Home, which has
 * no response_url). Posting to a user id opens the DM with chat:write alone.
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

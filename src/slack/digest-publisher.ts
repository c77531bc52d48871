import type { WebClient } from '@slack/web-api';
import type { DigestPublisher, PublishResult } from '../modules/digest/digest.types.ts';
import type { BotClientFor } from './bot-client.ts';
import { presentDigest } from './ui/digest.ui.ts';
import { slackUserNotifier } from './user-notifier.ts';

type Failure = Extract<PublishResult, { ok: false }>;

/**
 * What a failed Web API call means for a digest. Slack answering `ok: false` (or 429) means nothing
 * was posted, so a retry is safe; a request that failed midway may have been posted, so it is not
 * retried (a digest goes out at most once).
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#handle-errors
 */
export function classifySlackError(error: unknown): Failure {
  const coded = error as { code?: string; data?: { error?: string } };
  if (coded?.code === 'slack_webapi_platform_error') {
    return { ok: false, error: coded.data?.error ?? 'unknown_error', retryable: true };
  }
  if (coded?.code === 'slack_webapi_rate_limited_error')
    return { ok: false, error: 'ratelimited', retryable: true };
  return { ok: false, error: 'request_failed', retryable: false };
}

/**
 * Posts a digest: the first message in the channel, the rest as replies in its thread, in order,
 * about one a second (Slack's pace for one channel).
 * https://docs.slack.dev/reference/methods/chat.postMessage
 */
export function slackDigestPublisher(
  clientFor: BotClientFor,
  options: { replyGapMs?: number } = {},
): DigestPublisher {
  const replyGapMs = options.replyGapMs ?? 1000;
  const notifier = slackUserNotifier(clientFor);
  return {
    async publish(target, content) {
      const [first, ...replies] = presentDigest(content);
      let client: WebClient;
      try {
        client = await clientFor(target.workspaceId);
      } catch {
        // No bot token for the workspace (uninstalled, or an install not finished): nothing was posted.
        return { ok: false, error: 'not_installed', retryable: true };
      }
      let ts: string;
      try {
        const posted = await client.chat.postMessage({
          channel: target.channelId,
          text: first!.text,
          blocks: first!.blocks,
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!posted.ts) return { ok: false, error: 'request_failed', retryable: false };
        ts = posted.ts;
      } catch (error) {
        return classifySlackError(error);
      }
      // The digest is out once the first message is: a failed reply is recorded, never re-posted.
      for (const reply of replies) {
        if (replyGapMs > 0) await new Promise((resolve) => setTimeout(resolve, replyGapMs));
        try {
          await client.chat.postMessage({
            channel: target.channelId,
            thread_ts: ts,
            text: reply.text,
            blocks: reply.blocks,
            unfurl_links: false,
            unfurl_media: false,
          });
        } catch (error) {
          return { ok: true, ts, messages: 1 + replies.length, replyError: classifySlackError(error).error };
        }
      }
      return { ok: true, ts, messages: 1 + replies.length };
    },
    notifyUser: (workspaceId, userId, text) => notifier.notifyUser(workspaceId, userId, text),
  };
}

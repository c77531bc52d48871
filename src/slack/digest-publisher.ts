import type { WebClient } from '@slack/web-api';
import type { DigestPublisher, PublishResult } from '../modules/digest/digest.types.ts';
import type { BotClientFor } from './bot-client.ts';
import { presentDigest } from './ui/digest.ui.ts';
import { slackUserNotifier } from './user-notifier.ts';

type Failure = Extract<PublishResult, { ok: false }>;

/**
 * Answers that no retry can change: the token is bad, revoked, or its user deactivated. Only a
 * reinstall (a new token) helps, and that brings the schedules back by itself.
 * https://docs.slack.dev/reference/methods/chat.postMessage#errors
 */
export const FINAL_SLACK_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'account_inactive',
]);

/**
 * What a failed Web API call means for a digest. Slack answering `ok: false` (or 429) means nothing
 * was posted, so a later attempt is safe, unless the token itself is refused; a request that failed
 * midway (network error, 5xx) may have been posted, so it is not retried (a digest goes out at most
 * once). The Web API client never repeats a post on its own (slack-retry-policy.ts).
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#handle-errors
 */
export function classifySlackError(error: unknown): Failure {
  const coded = error as { code?: string; data?: { error?: string } };
  if (coded?.code === 'slack_webapi_platform_error') {
    const code = coded.data?.error ?? 'unknown_error';
    return { ok: false, error: code, retryable: !FINAL_SLACK_ERRORS.has(code) };
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

import type { UserNotifier } from '../modules/sync/scheduled-sync.job.ts';
import type { BotClientFor } from './bot-client.ts';

/**
 * Direct messages from jobs to one person (a source's owner, a digest's admin). Posting to a user
 * id opens the DM with `chat:write` alone.
 * https://docs.slack.dev/reference/methods/chat.postMessage#channels
 */
export function slackUserNotifier(clientFor: BotClientFor): UserNotifier {
  return {
    async notifyUser(workspaceId, userId, text) {
      const client = await clientFor(workspaceId);
      await client.chat.postMessage({ channel: userId, text, unfurl_links: false, unfurl_media: false });
    },
  };
}

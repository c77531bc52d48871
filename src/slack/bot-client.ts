import type { InstallationStore } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { slackClientOptions } from './slack-fetch.ts';
import type { SlackMode } from './slack-mode.ts';

/** A Web API client with the bot token of one workspace, for work outside a Slack request (jobs). */
export type BotClientFor = (teamId: string) => Promise<WebClient>;

/**
 * Single-workspace and Socket Mode: the configured bot token. OAuth: the token the installation
 * store keeps for the team. Jobs must finish in bounded time and a digest must never be posted
 * twice: slackClientOptions turns web-api's own retries off (see slack-retry-policy.ts).
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#handle-rate-limits
 */
export function botClientResolver(options: {
  mode: SlackMode;
  slackApiUrl: string;
  installationStore?: InstallationStore;
}): BotClientFor {
  const { mode, installationStore } = options;
  const clientOptions = slackClientOptions(options.slackApiUrl);
  if (mode.kind !== 'oauth') {
    const client = new WebClient(mode.botToken, clientOptions);
    return async () => client;
  }
  return async (teamId) => {
    if (!installationStore) throw new Error('the OAuth install needs an installation store');
    const installation = await installationStore.fetchInstallation({
      teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    return new WebClient(installation.bot?.token, clientOptions);
  };
}

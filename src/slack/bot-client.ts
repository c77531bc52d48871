import type { App, InstallationStore } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { SlackMode } from '../config/config.ts';

/** A Web API client with the bot token of one workspace, for work outside a Slack request (jobs). */
export type BotClientFor = (teamId: string) => Promise<WebClient>;

/**
 * Single-workspace and Socket Mode: the app's own client carries the bot token. OAuth: the token
 * stored for the team by the installation store. Jobs must finish in bounded time, so rate-limited
 * calls are retried a few times only.
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#handle-rate-limits
 */
export function botClientResolver(options: {
  app: App;
  mode: SlackMode;
  slackApiUrl: string;
  installationStore?: InstallationStore;
}): BotClientFor {
  const { app, mode, installationStore } = options;
  return async (teamId) => {
    if (mode.kind !== 'oauth') return app.client;
    if (!installationStore) throw new Error('the OAuth install needs an installation store');
    const installation = await installationStore.fetchInstallation({
      teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    return new WebClient(installation.bot?.token, {
      slackApiUrl: options.slackApiUrl,
      retryConfig: { retries: 3, maxTimeout: 10_000 },
    });
  };
}

import { App, type CustomRoute, HTTPReceiver, type InstallationStore } from '@slack/bolt';
import { boltLogger } from './bolt-logger.ts';
import type { BotIdentity } from './bot-token-check.ts';
import type { SlackDeps } from './deps.ts';
import { exactlyOnce, type SeenRequests, signedRequestProperties } from './exactly-once.ts';
import { register as registerActions } from './listeners/actions/index.ts';
import { register as registerCommands } from './listeners/commands/index.ts';
import { register as registerEvents } from './listeners/events/index.ts';
import { register as registerOptions } from './listeners/options/index.ts';
import { register as registerViews } from './listeners/views/index.ts';
import { reinstatedOnContact } from './reinstall.ts';
import { slackClientOptions } from './slack-fetch.ts';
import type { SlackMode } from './slack-mode.ts';

export interface SlackAppOptions {
  mode: SlackMode;
  slackApiUrl: string;
  port: number;
  routes: CustomRoute[];
  deps: SlackDeps;
  /** Where OAuth installations are kept (multi-workspace mode only). */
  installationStore?: InstallationStore;
  /** Who the bot token belongs to (checkBotToken at start-up), so Bolt does not ask Slack again. */
  botIdentity?: BotIdentity;
  /** Requests already acted on, shared by every replica (retries and replays are acted on once). */
  seenRequests: SeenRequests;
}

/** Bot scopes requested by the OAuth install; the same list, with reasons, is in slack-app-manifest.yml. */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'users:read.email',
  'channels:read',
  'groups:read',
];

/**
 * The Bolt app: HTTP mode (`POST /slack/events`) or Socket Mode when an app-level token is set.
 * Probes are custom routes on the same port in both modes.
 * https://docs.slack.dev/tools/bolt-js/reference
 */
export function createSlackApp(options: SlackAppOptions): App {
  const { mode, deps } = options;
  // Token modes pass tokenVerificationEnabled: false. Otherwise Bolt calls auth.test in its
  // constructor and keeps the promise: when Slack is unreachable it rejects with nobody listening
  // and the process dies. auth.test then runs on the first request, and at start from
  // reinstateConfiguredWorkspace, which handles a failure.
  const common = {
    logger: boltLogger(deps.logger),
    // No blind retries (a post is never repeated); 429s wait for Retry-After within a bound.
    clientOptions: slackClientOptions(options.slackApiUrl),
    customRoutes: options.routes,
    // Never developerMode: it logs whole request bodies.
    developerMode: false,
  };
  let app: App;
  const identity = options.botIdentity ?? {};
  if (mode.kind === 'socket') {
    app = new App({
      ...common,
      tokenVerificationEnabled: false,
      socketMode: true,
      appToken: mode.appToken,
      token: mode.botToken,
      ...identity,
      installerOptions: { port: options.port },
    });
  } else {
    // Our own HTTPReceiver (the one Bolt would build, plus the signature headers in the context) so
    // a replayed signed request can be recognised.
    // https://docs.slack.dev/tools/bolt-js/reference#receiver-options
    const logger = common.logger;
    const receiverCommon = {
      signingSecret: mode.signingSecret,
      port: options.port,
      customRoutes: options.routes,
      logger,
      customPropertiesExtractor: signedRequestProperties,
    };
    const { customRoutes: _routes, ...appCommon } = common;
    if (mode.kind === 'oauth') {
      if (!options.installationStore) throw new Error('the OAuth install needs an installation store');
      const receiver = new HTTPReceiver({
        ...receiverCommon,
        clientId: mode.clientId,
        clientSecret: mode.clientSecret,
        stateSecret: mode.stateSecret,
        scopes: BOT_SCOPES,
        installationStore: options.installationStore,
        // /slack/install redirects straight to Slack's consent page; oauth.v2.access goes to SLACK_API_URL.
        installerOptions: { directInstall: true, clientOptions: common.clientOptions },
      });
      app = new App({ ...appCommon, receiver });
    } else {
      app = new App({
        ...appCommon,
        receiver: new HTTPReceiver(receiverCommon),
        token: mode.botToken,
        tokenVerificationEnabled: false,
        ...identity,
      });
    }
  }
  // Shutdown waits for listeners in flight (they run on after the ack) before the database closes.
  app.use(async ({ next }) => deps.background.track(next()));
  // Before every listener: a retry or replay is acknowledged and goes no further.
  app.use(exactlyOnce(options.seenRequests, deps.logger));
  // Token and Socket Mode: a request from an uninstalled workspace means it installed the app again.
  if (mode.kind !== 'oauth') app.use(reinstatedOnContact(deps.services.installations, deps.logger));
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerOptions(app, deps);
  registerEvents(app, deps);
  app.error(async (error) => {
    deps.logger.error({ err: error }, 'unhandled Slack listener error');
  });
  return app;
}

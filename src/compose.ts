import { hostname } from 'node:os';
import type { Dispatcher } from 'undici';
import { type Config, loadConfig } from './config/config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { createGitLabDispatcher } from './gitlab/index.ts';
import { type CronJobs, startCronJobs } from './jobs/cron.ts';
import { activityPulseJobs } from './jobs/jobs.ts';
import { BackgroundTasks } from './lib/background-tasks.ts';
import { resolveEncryptionKey } from './lib/encryption-key.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { createMetrics } from './lib/metrics.ts';
import { SecretBox } from './lib/secret-box.ts';
import { ActivityQueryService } from './modules/activity/activity-query.service.ts';
import { teamWeekReader } from './modules/activity/team-week.repository.ts';
import { DashboardService } from './modules/dashboard/dashboard.service.ts';
import { DigestService } from './modules/digest/digest.service.ts';
import { DigestBuilder } from './modules/digest/digest-builder.service.ts';
import { DigestDeliveries } from './modules/digest/digest-delivery.service.ts';
import { entities } from './modules/entities.ts';
import { DataSourceRepository } from './modules/sources/data-source.repository.ts';
import { SourceClients } from './modules/sources/source-clients.ts';
import { SourcesService } from './modules/sources/sources.service.ts';
import { SyncService } from './modules/sync/sync.service.ts';
import { syncRunsReader } from './modules/sync/sync-run.repository.ts';
import { MappingSuggestionsService } from './modules/teammates/mapping-suggestions.service.ts';
import { TeammatesService } from './modules/teammates/teammates.service.ts';
import {
  forgetInstallation,
  markInstalled,
  workspaceInstallationStore,
} from './modules/workspaces/installation.repository.ts';
import { SeenRequestRepository } from './modules/workspaces/seen-request.repository.ts';
import { WorkspacesService } from './modules/workspaces/workspaces.service.ts';
import { createSlackApp } from './slack/app.ts';
import { botClientResolver } from './slack/bot-client.ts';
import { type BotIdentity, checkBotToken } from './slack/bot-token-check.ts';
import { slackDigestPublisher } from './slack/digest-publisher.ts';
import { healthRoutes } from './slack/health-routes.ts';
import { reinstateConfiguredWorkspace } from './slack/reinstall.ts';
import { SlackUserDirectory } from './slack/slack-user-directory.ts';
import { slackUserNotifier } from './slack/user-notifier.ts';

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  /** The configuration already parsed from `env` (main parses it before loading this module). */
  config?: Config;
  /** Where log lines go (tests capture them to prove no token is logged). */
  logDestination?: { write(line: string): unknown };
  /** The undici dispatcher for GitLab requests (tests, benchmarks). */
  gitlabDispatcher?: Dispatcher;
  now?: () => Date;
  /** See SlackDeps.ackBudgetMs (tests shorten it to exercise the slow path). */
  slackAckBudgetMs?: number;
  /** Pause between a digest's thread replies (default 1 s, Slack's pace for one channel); tests shorten it. */
  digestReplyGapMs?: number;
  /** Schedule the cron jobs (scheduled sync, digest tick); default on. Tests run them via `jobs.runNow`. */
  startJobs?: boolean;
  /** The bot token's identity, already checked with Slack (main does it before loading this module). */
  botIdentity?: BotIdentity;
}

export interface RunningApp {
  config: Config;
  port: number;
  database: Database;
  logger: Logger;
  /** The GitLab sync engine (tests, the scheduled sync). */
  sync: SyncService;
  /** The cron jobs (scheduled, unless `startJobs` is false; `runNow` works either way). */
  jobs: CronJobs;
  stop(): Promise<void>;
}

/**
 * The composition root: builds every part, starts it, and owns shutdown. `main.ts` loads this module
 * only after the configuration parsed, so a bad setting is reported before Bolt and MikroORM load.
 */
export async function startActivityPulse(options: StartOptions): Promise<RunningApp> {
  const config = options.config ?? loadConfig(options.env);
  const logger = createLogger({
    level: config.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const now = options.now ?? (() => new Date());
  const metrics = createMetrics();
  // Before the database starts: a token Slack refuses stops start-up with nothing left running.
  const botIdentity =
    options.botIdentity ??
    (config.slack.kind === 'oauth'
      ? undefined
      : await checkBotToken({ botToken: config.slack.botToken, slackApiUrl: config.slackApiUrl }));
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    entities,
    logger,
  });
  try {
    const key = await resolveEncryptionKey({
      configured: config.encryptionKey,
      dataDir: config.dataDir,
      logger,
    });
    const box = new SecretBox(key);
    const background = new BackgroundTasks(logger);
    const sources = new DataSourceRepository(box);
    // Every GitLab request goes through the SSRF guard unless a test hands in its own dispatcher.
    const ownDispatcher = options.gitlabDispatcher
      ? undefined
      : createGitLabDispatcher({ allowedHosts: config.gitlabAllowedHosts });
    const gitlabDispatcher = options.gitlabDispatcher ?? ownDispatcher!;
    const orm = database.orm;
    const clients = new SourceClients({
      dispatcher: gitlabDispatcher,
      repository: sources,
      logger,
      limits: config.limits,
    });
    const sourcesService = new SourcesService({ orm, repository: sources, clients, logger, now });
    const teammatesService = new TeammatesService({ orm, repository: sources, clients, logger });
    const activityService = new ActivityQueryService(orm);
    const sync = new SyncService({
      orm,
      sources,
      dispatcher: gitlabDispatcher,
      logger,
      metrics,
      now,
      limits: config.limits,
    });
    const installationStore = workspaceInstallationStore(database.orm, box);
    // Jobs post and DM outside any Slack request: they need the bot token of each workspace.
    const botClients = botClientResolver({
      mode: config.slack,
      slackApiUrl: config.slackApiUrl,
      installationStore,
    });
    const replicaId = `${hostname()}:${process.pid}`;
    const digestBuilder = new DigestBuilder({ orm, engine: sync, logger });
    const digestDeliveries = new DigestDeliveries({
      orm,
      builder: digestBuilder,
      publisher: slackDigestPublisher(
        botClients,
        options.digestReplyGapMs === undefined ? {} : { replyGapMs: options.digestReplyGapMs },
      ),
      logger,
      metrics,
      replicaId,
      now,
    });
    const digests = new DigestService({ orm, builder: digestBuilder, deliveries: digestDeliveries });
    const installations = {
      forget: (teamId: string) => forgetInstallation(orm, teamId),
      markInstalled: (teamId: string) => markInstalled(orm, teamId),
    };
    const slackServices = {
      sync,
      workspaces: new WorkspacesService(orm),
      sources: sourcesService,
      teammates: teammatesService,
      mappings: new MappingSuggestionsService({ orm, repository: sources, clients, logger }),
      activity: activityService,
      dashboard: new DashboardService({
        sources: sourcesService,
        teammates: teammatesService,
        activity: activityService,
        digests,
        runs: syncRunsReader(orm),
        teamWeek: teamWeekReader(orm),
      }),
      digests,
    };

    const app = createSlackApp({
      mode: config.slack,
      slackApiUrl: config.slackApiUrl,
      port: config.port,
      routes: healthRoutes({
        checkDatabase: async () => {
          await database.orm.em.getConnection().execute('select 1');
        },
        registry: metrics.registry,
      }),
      deps: {
        logger,
        metrics,
        now,
        background,
        users: new SlackUserDirectory({ now: () => now().getTime() }),
        services: {
          installations,
          ...slackServices,
        },
        ...(options.slackAckBudgetMs === undefined ? {} : { ackBudgetMs: options.slackAckBudgetMs }),
      },
      installationStore,
      ...(botIdentity ? { botIdentity } : {}),
      seenRequests: new SeenRequestRepository(orm),
    });
    const server = await app.start(config.port);
    const address =
      server && typeof server === 'object' && 'address' in server ? server.address() : undefined;
    const port = address && typeof address === 'object' ? address.port : config.port;
    logger.info({ port, mode: config.slack.kind }, 'ActivityPulse is listening');
    if (config.slack.kind !== 'oauth') {
      // A new token after an uninstall brings the workspace's schedules back. In the background: a
      // slow Slack must not hold the start up.
      background.run('reinstate', () => reinstateConfiguredWorkspace(app.client, installations, logger));
    }
    const jobs = startCronJobs(
      activityPulseJobs({
        syncCron: config.syncCron,
        orm,
        engine: sync,
        notifier: slackUserNotifier(botClients),
        deliveries: digestDeliveries,
        logger,
        now,
        replicaId,
        syncConcurrency: config.limits.sourceConcurrency,
      }),
      logger,
      { schedule: options.startJobs !== false },
    );

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        logger.info('shutting down');
        await app
          .stop()
          .catch((error: unknown) => logger.warn({ err: error }, 'Slack app did not stop cleanly'));
        // Jobs and post-ack work wind down together, inside the 30 s hard stop of main().
        const [jobsStopped, drained] = await Promise.all([jobs.stop(20_000), background.drain(20_000)]);
        if (!jobsStopped) logger.warn('a scheduled job was still running at shutdown');
        if (!drained) logger.warn('background work still running at shutdown; it was abandoned');
        await ownDispatcher?.close().catch(() => undefined);
        await database.close();
        logger.info('stopped');
      })();
      return stopping;
    };
    return { config, port, database, logger, sync, jobs, stop };
  } catch (error) {
    await database.close();
    throw error;
  }
}

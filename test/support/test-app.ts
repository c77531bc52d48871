import type { Dispatcher } from 'undici';
import { type RunningApp, startActivityPulse } from '../../src/main.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { BOT_TOKEN, FakeSlack, SIGNING_SECRET, SLACK_API_URL } from './slack.ts';

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestApp {
  app: RunningApp;
  baseUrl: string;
  db: TestDatabase;
  slack: FakeSlack;
  /** Every log line written so far. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The real application (Bolt HTTP receiver, real PostgreSQL) on a free loopback port, with the
 * Slack Web API intercepted. `env` overrides the defaults.
 */
export async function startTestApp(
  options: {
    env?: NodeJS.ProcessEnv;
    gitlabDispatcher?: Dispatcher;
    now?: () => Date;
    /** Shortens the view-submission ack budget so a slow fake GitLab takes the "Testing…" path. */
    slackAckBudgetMs?: number;
    /** Pause between a digest's thread replies (the app's default is 1 s). */
    digestReplyGapMs?: number;
    /** Schedule the cron jobs; off by default: a test runs them with `app.jobs.runNow` on its own clock. */
    startJobs?: boolean;
    /** The Slack app manifest the fake Slack obeys (default: the shipped slack-app-manifest.yml). */
    slackManifest?: string;
    /** Set up Slack answers the app needs while starting (e.g. apps.connections.open in Socket Mode). */
    beforeStart?: (slack: FakeSlack) => void;
  } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const slack = new FakeSlack(options.slackManifest ? { manifest: options.slackManifest } : {});
  options.beforeStart?.(slack);
  const logs: string[] = [];
  const app = await startActivityPulse({
    env: {
      DATABASE_URL: db.url,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL,
      PORT: '0',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      LOG_LEVEL: 'debug',
      SYNC_CRON: '0 0 1 1 *',
      ...options.env,
    },
    logDestination: { write: (line: string) => logs.push(line) },
    ...(options.gitlabDispatcher ? { gitlabDispatcher: options.gitlabDispatcher } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.slackAckBudgetMs === undefined ? {} : { slackAckBudgetMs: options.slackAckBudgetMs }),
    startJobs: options.startJobs ?? false,
    ...(options.digestReplyGapMs === undefined ? {} : { digestReplyGapMs: options.digestReplyGapMs }),
  });
  return {
    app,
    baseUrl: `http://127.0.0.1:${app.port}`,
    db,
    slack,
    logs,
    async close() {
      await app.stop();
      slack.close();
      await db.drop();
    },
  };
}

import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { rawSlackEnv, type SlackMode, slackMode } from './slack-mode.ts';

/**
 * The one parse of `process.env`. Every other module receives the typed `Config`;
 * nothing else reads the environment.
 */

const emptyToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A whole number setting between `min` and `max`, `fallback` when unset (RELIABILITY.md lists them). */
const wholeNumber = (fallback: number, min: number, max: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

const envSchema = z.object({
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
        message: 'must be a PostgreSQL URL such as postgres://user:password@host:5432/activitypulse',
      })
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((value) => value.startsWith('xoxb-'), { message: 'must be a bot token starting with xoxb-' })
      .optional(),
  ),
  SLACK_APP_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((value) => value.startsWith('xapp-'), {
        message: 'must be an app-level token starting with xapp- (with the connections:write scope)',
      })
      .optional(),
  ),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  SLACK_API_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
        message: 'must be an http(s) URL such as https://slack.com/api/',
      })
      .transform((value) => (value.endsWith('/') ? value : `${value}/`))
      .default('https://slack.com/api/'),
  ),
  PORT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(3000),
  ),
  ENCRYPTION_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((value) => /^[A-Za-z0-9+/=_-]+$/.test(value) && Buffer.from(value, 'base64').length === 32, {
        message: 'must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)',
      })
      .optional(),
  ),
  GITLAB_ALLOWED_HOSTS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((host) => host.trim().toLowerCase())
          .filter((host) => host.length > 0),
      ),
  ),
  SYNC_CRON: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((value) => validateCron(value), {
        message: 'must be a cron expression such as "*/15 * * * *"',
      })
      .default('*/15 * * * *'),
  ),
  LOG_LEVEL: z.preprocess(
    (value) => (typeof value === 'string' ? emptyToUndefined(value.toLowerCase()) : value),
    z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
  ),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().trim().default('.data')),
  GITLAB_REQUEST_TIMEOUT_MS: wholeNumber(60_000, 1_000, 3_600_000),
  GITLAB_MAX_RESPONSE_BYTES: wholeNumber(10 * 1024 * 1024, 64 * 1024, 256 * 1024 * 1024),
  GITLAB_MAX_PAGES: wholeNumber(1_000, 1, 1_000_000),
  SYNC_MAX_REQUESTS_PER_RUN: wholeNumber(20_000, 10, 10_000_000),
  SYNC_RUN_DEADLINE_MS: wholeNumber(30 * 60_000, 10_000, 24 * 3_600_000),
  SYNC_CONCURRENCY: wholeNumber(4, 1, 64),
});

export interface Config {
  databaseUrl: string | undefined;
  slack: SlackMode;
  slackApiUrl: string;
  port: number;
  encryptionKey: Buffer | undefined;
  gitlabAllowedHosts: string[];
  syncCron: string;
  logLevel: (typeof logLevels)[number];
  dataDir: string;
  limits: SyncLimits;
}

/** What one GitLab may cost (issue 14): see RELIABILITY.md. */
export interface SyncLimits {
  requestTimeoutMs: number;
  maxResponseBytes: number;
  maxPages: number;
  maxRequestsPerRun: number;
  runDeadlineMs: number;
  /** Sources synced at the same time (scheduled sync, and a fetch of every source). */
  sourceConcurrency: number;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(
      `ActivityPulse cannot start; fix these settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses the environment once; throws a `ConfigError` naming every problem at the same time. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.') || 'environment'} ${issue.message}`);
    }
    // Report missing Slack credentials in the same message as the malformed values.
    slackMode(rawSlackEnv(env), problems);
    throw new ConfigError(dedupe(problems));
  }
  const slack = slackMode(parsed.data, problems);
  if (!slack || problems.length > 0) throw new ConfigError(problems);
  const data = parsed.data;
  return {
    databaseUrl: data.DATABASE_URL,
    slack,
    slackApiUrl: data.SLACK_API_URL,
    port: data.PORT,
    encryptionKey: data.ENCRYPTION_KEY ? Buffer.from(data.ENCRYPTION_KEY, 'base64') : undefined,
    gitlabAllowedHosts: data.GITLAB_ALLOWED_HOSTS,
    syncCron: data.SYNC_CRON,
    logLevel: data.LOG_LEVEL,
    dataDir: data.DATA_DIR,
    limits: {
      requestTimeoutMs: data.GITLAB_REQUEST_TIMEOUT_MS,
      maxResponseBytes: data.GITLAB_MAX_RESPONSE_BYTES,
      maxPages: data.GITLAB_MAX_PAGES,
      maxRequestsPerRun: data.SYNC_MAX_REQUESTS_PER_RUN,
      runDeadlineMs: data.SYNC_RUN_DEADLINE_MS,
      sourceConcurrency: data.SYNC_CONCURRENCY,
    },
  };
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The settings of tools that use the database but never Slack (`npm run migrate`, the MikroORM
 * CLI): stand-ins satisfy the Slack part of the parse unless real values are set.
 */
export function loadConfigWithoutSlack(env: NodeJS.ProcessEnv): Config {
  return loadConfig({ SLACK_SIGNING_SECRET: 'unused', SLACK_BOT_TOKEN: 'xoxb-unused', ...env });
}

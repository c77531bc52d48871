import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

const http = { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-1-2' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('applies the documented defaults with only the Slack HTTP credentials', () => {
    const config = loadConfig(http);
    expect(config).toMatchObject({
      databaseUrl: undefined,
      slack: { kind: 'http', signingSecret: 'secret', botToken: 'xoxb-1-2' },
      slackApiUrl: 'https://slack.com/api/',
      port: 3000,
      encryptionKey: undefined,
      gitlabAllowedHosts: [],
      syncCron: '*/15 * * * *',
      logLevel: 'info',
    });
  });

  it('reads every variable of the contract', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const config = loadConfig({
      ...http,
      DATABASE_URL: 'postgres://u:p@db:5432/pulse',
      SLACK_API_URL: 'http://127.0.0.1:9000/api',
      PORT: '8080',
      ENCRYPTION_KEY: key,
      GITLAB_ALLOWED_HOSTS: 'gitlab.internal, 10.0.0.5 ,',
      SYNC_CRON: '*/5 * * * *',
      LOG_LEVEL: 'WARN',
    });
    expect(config.databaseUrl).toBe('postgres://u:p@db:5432/pulse');
    expect(config.slackApiUrl).toBe('http://127.0.0.1:9000/api/');
    expect(config.port).toBe(8080);
    expect(config.encryptionKey?.equals(Buffer.alloc(32, 1))).toBe(true);
    expect(config.gitlabAllowedHosts).toEqual(['gitlab.internal', '10.0.0.5']);
    expect(config.syncCron).toBe('*/5 * * * *');
    expect(config.logLevel).toBe('warn');
  });

  it('chooses Socket Mode when an app-level token is set', () => {
    expect(loadConfig({ SLACK_APP_TOKEN: 'xapp-1-A', SLACK_BOT_TOKEN: 'xoxb-1' }).slack).toEqual({
      kind: 'socket',
      appToken: 'xapp-1-A',
      botToken: 'xoxb-1',
    });
  });

  it('chooses the OAuth install when client credentials are set, and names what is missing', () => {
    const config = loadConfig({
      SLACK_CLIENT_ID: '1.2',
      SLACK_CLIENT_SECRET: 'cs',
      SLACK_STATE_SECRET: 'ss',
      SLACK_SIGNING_SECRET: 'sig',
    });
    expect(config.slack.kind).toBe('oauth');
    expect(problemsOf({ SLACK_CLIENT_ID: '1.2' }).join('\n')).toMatch(
      /SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_SIGNING_SECRET/,
    );
  });

  it('names the missing Slack variables and points at the README', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN/);
    expect(problems[0]).toMatch(/README/);
  });

  it('reports every bad value in one error', () => {
    const problems = problemsOf({
      ...http,
      SLACK_BOT_TOKEN: 'not-a-bot-token',
      DATABASE_URL: 'mysql://x',
      PORT: 'eighty',
      ENCRYPTION_KEY: 'short',
      SYNC_CRON: 'every minute',
      LOG_LEVEL: 'loud',
      SLACK_API_URL: 'ftp://x',
    });
    const text = problems.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'DATABASE_URL',
      'PORT',
      'ENCRYPTION_KEY',
      'SYNC_CRON',
      'LOG_LEVEL',
      'SLACK_API_URL',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/openssl rand -base64 32/);
  });

  it('reads the GitLab and sync limits, with defaults far below the 512 MiB pod limit (issue 14)', () => {
    expect(loadConfig(http).limits).toEqual({
      requestTimeoutMs: 60_000,
      maxResponseBytes: 10 * 1024 * 1024,
      maxPages: 1_000,
      maxRequestsPerRun: 20_000,
      runDeadlineMs: 30 * 60_000,
      sourceConcurrency: 4,
    });
    expect(
      loadConfig({
        ...http,
        GITLAB_REQUEST_TIMEOUT_MS: '5000',
        GITLAB_MAX_RESPONSE_BYTES: '1048576',
        GITLAB_MAX_PAGES: '50',
        SYNC_MAX_REQUESTS_PER_RUN: '500',
        SYNC_RUN_DEADLINE_MS: '60000',
        SYNC_CONCURRENCY: '2',
      }).limits,
    ).toEqual({
      requestTimeoutMs: 5_000,
      maxResponseBytes: 1_048_576,
      maxPages: 50,
      maxRequestsPerRun: 500,
      runDeadlineMs: 60_000,
      sourceConcurrency: 2,
    });
    expect(problemsOf({ ...http, GITLAB_MAX_PAGES: '0', SYNC_RUN_DEADLINE_MS: '10s' })).toEqual([
      'GITLAB_MAX_PAGES must be at least 1',
      'SYNC_RUN_DEADLINE_MS must be a whole number',
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...http, DATABASE_URL: '', PORT: ' ', LOG_LEVEL: '' }).port).toBe(3000);
  });
});

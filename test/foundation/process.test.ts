import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { launch, listeningPort } from '../support/app-process.ts';
import { startFakeSlackServer } from '../support/fake-slack-server.ts';

describe('the ActivityPulse process', () => {
  const dirs: string[] = [];
  // Start-up checks the bot token with Slack: a Slack API on loopback answers it.
  let slack: Awaited<ReturnType<typeof startFakeSlackServer>>;
  beforeAll(async () => {
    slack = await startFakeSlackServer();
  });
  afterAll(async () => {
    await slack.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('refuses to start without Slack credentials, naming the variables', async () => {
    const started = launch({ SLACK_SIGNING_SECRET: 'only-this' });
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(/set SLACK_BOT_TOKEN/);
    expect(started.output()).toMatch(/README/);
  });

  it('refuses to start when DATABASE_URL cannot be reached, without printing its password', async () => {
    const started = launch({
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_API_URL: slack.apiUrl,
      DATABASE_URL: 'postgres://pulse:hunter2-password@127.0.0.1:1/pulse',
    });
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(/Cannot use the database at 127\.0\.0\.1:1\/pulse/);
    expect(started.output()).toMatch(/Check DATABASE_URL/);
    expect(started.output()).not.toContain('hunter2-password');
  });

  it('starts on the embedded PostgreSQL with only the Slack secrets, shuts down on SIGTERM, and keeps its data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'activitypulse-process-'));
    dirs.push(dataDir);
    const env = {
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_BOT_TOKEN: 'xoxb-1-2',
      SLACK_API_URL: slack.apiUrl,
      DATA_DIR: dataDir,
    };

    const first = launch(env);
    const port = await listeningPort(first);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    expect(first.output()).toMatch(/generated a development key file/);

    // Leave a mark in the stopped app's database, as a user's data would be.
    const server = await startEmbeddedPostgres({ dataDir });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query("insert into workspace (id, name) values ('TKEEP', 'kept')");
    await client.end();
    await server.stop();

    const second = launch(env);
    const secondPort = await listeningPort(second);
    expect((await fetch(`http://127.0.0.1:${secondPort}/readyz`)).status).toBe(200);
    expect(second.output()).not.toMatch(/generated a development key file/);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);

    const again = await startEmbeddedPostgres({ dataDir });
    const check = new pg.Client({ connectionString: again.url });
    await check.connect();
    const rows = await check.query("select name from workspace where id = 'TKEEP'");
    await check.end();
    await again.stop();
    expect(rows.rows).toEqual([{ name: 'kept' }]);
  }, 120_000);
});

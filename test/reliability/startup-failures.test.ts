import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, launch, postmasterPid } from '../support/app-process.ts';
import { startFakeSlackServer } from '../support/fake-slack-server.ts';

/** Slack as it answers a token it does not accept. https://docs.slack.dev/reference/methods/auth.test */
async function slackRefusingTokens(): Promise<{ apiUrl: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: false, error: 'invalid_auth' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SECRETS = { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-wrong-token-123' };

/** An expected failure: one short message besides the JSON log lines, and no stack trace anywhere. */
function expectCleanFailure(output: string) {
  expect(output).not.toMatch(/^\s+at |\\n\s+at /m);
  const plain = output
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('{'));
  expect(plain).toHaveLength(1);
}

describe('start-up failures an operator can fix', () => {
  const dirs: string[] = [];
  const newDataDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'activitypulse-startup-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('a bot token Slack refuses: names SLACK_BOT_TOKEN, exits 1, starts no PostgreSQL', async () => {
    const slack = await slackRefusingTokens();
    try {
      const dataDir = await newDataDir();
      const started = launch({ ...SECRETS, SLACK_API_URL: slack.apiUrl, DATA_DIR: dataDir });
      expect(await started.exited).toBe(1);
      expect(started.output()).toMatch(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
      expect(started.output()).not.toContain('xoxb-wrong-token-123');
      expectCleanFailure(started.output());
      expect(await postmasterPid(dataDir)).toBeUndefined();
    } finally {
      await slack.close();
    }
  });

  it('a Slack API that cannot be reached: names SLACK_API_URL, exits 1, starts no PostgreSQL', async () => {
    const dataDir = await newDataDir();
    const started = launch({ ...SECRETS, SLACK_API_URL: 'http://127.0.0.1:1/api/', DATA_DIR: dataDir });
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(/Check SLACK_API_URL/);
    expectCleanFailure(started.output());
    expect(await postmasterPid(dataDir)).toBeUndefined();
  });

  describe('a data directory the database cannot use', () => {
    let slack: Awaited<ReturnType<typeof startFakeSlackServer>>;
    beforeAll(async () => {
      slack = await startFakeSlackServer();
    });
    afterAll(async () => {
      await slack.close();
    });

    it('says why and what to do (DATA_DIR, permissions, DATABASE_URL) and leaves nothing running', async () => {
      const parent = await newDataDir();
      // Closed to everyone but its owner: root can create inside it, the postgres user cannot enter.
      const closed = path.join(parent, 'closed');
      await mkdir(closed, { mode: 0o700 });
      await chmod(closed, 0o700);
      if (process.getuid?.() !== 0) await chmod(closed, 0o500); // as a normal user: not writable
      const dataDir = path.join(closed, 'data');
      const started = launch({ ...SECRETS, SLACK_API_URL: slack.apiUrl, DATA_DIR: dataDir });
      expect(await started.exited).toBe(1);
      const output = started.output();
      expect(output).toMatch(/cannot use DATA_DIR/);
      expect(output).toMatch(/chmod o\+x/);
      expect(output).toMatch(/DATABASE_URL/);
      expect(output).not.toMatch(/spawn .*EACCES/);
      expectCleanFailure(output);
      const pid = await postmasterPid(dataDir);
      if (pid) expect(isAlive(pid)).toBe(false);
      await chmod(closed, 0o700);
    }, 60_000);
  });
});

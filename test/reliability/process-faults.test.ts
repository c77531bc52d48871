import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, launch, listeningPort, postmasterPid } from '../support/app-process.ts';
import { eventually } from '../support/eventually.ts';
import { startFakeSlackServer } from '../support/fake-slack-server.ts';

/**
 * A bug we have not met yet, injected into the real process: on SIGUSR2 a promise is rejected that
 * nobody awaits. The process must log it once, stop cleanly and exit non-zero.
 */
const DRILL = `process.on('SIGUSR2', () => { Promise.reject(new Error('drill: a rejection nobody awaited')); });`;
const DRILL_IMPORT = `--import=data:text/javascript,${encodeURIComponent(DRILL)}`;

/** The same kind of bug while the app is still starting, as soon as its PostgreSQL runs. */
const START_DRILL = `import { readFileSync } from 'node:fs';
const pidFile = process.env.DATA_DIR + '/postgres/postmaster.pid';
const timer = setInterval(() => {
  let pid = 0;
  try { pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10); } catch {}
  if (!(pid > 0)) return; // initdb's bootstrap backend writes a negative pid
  clearInterval(timer);
  Promise.reject(new Error('drill: a rejection during start-up'));
}, 5);`;

describe('the process on an unexpected failure', () => {
  let slack: Awaited<ReturnType<typeof startFakeSlackServer>>;
  const dirs: string[] = [];
  // Both drills run on one data directory: creating a PostgreSQL cluster (initdb) costs seconds,
  // and neither drill needs a new one (each works on a fresh directory too, if run alone).
  let shared: string | undefined;
  const clusterDir = async () => {
    if (!shared) {
      shared = await mkdtemp(path.join(os.tmpdir(), 'activitypulse-crash-'));
      dirs.push(shared);
    }
    return shared;
  };
  beforeAll(async () => {
    slack = await startFakeSlackServer();
  });
  afterAll(async () => {
    await slack.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('logs an unhandled rejection once, stops the embedded PostgreSQL and exits non-zero', async () => {
    const dataDir = await clusterDir();
    const started = launch(
      {
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_BOT_TOKEN: 'xoxb-1-2',
        SLACK_API_URL: slack.apiUrl,
        DATA_DIR: dataDir,
      },
      [DRILL_IMPORT],
    );
    await listeningPort(started);
    const postgres = await postmasterPid(dataDir);
    expect(postgres).toBeDefined();
    expect(isAlive(postgres!)).toBe(true);

    started.child.kill('SIGUSR2');
    started.child.kill('SIGUSR2'); // a second failure while stopping is not logged again

    expect(await started.exited).toBe(1);
    const fatal = started
      .output()
      .split('\n')
      .filter((line) => line.includes('unexpected failure'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain('drill: a rejection nobody awaited');
    expect(started.output()).toContain('"msg":"stopped"');
    await eventually(() => !isAlive(postgres!), 5_000);
  }, 90_000);

  it('stops the embedded PostgreSQL it started when the failure comes while starting', async () => {
    const dataDir = await clusterDir();
    const started = launch(
      {
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_BOT_TOKEN: 'xoxb-1-2',
        SLACK_API_URL: slack.apiUrl,
        DATA_DIR: dataDir,
      },
      [`--import=data:text/javascript,${encodeURIComponent(START_DRILL)}`],
    );
    let postgres: number | undefined;
    while (started.child.exitCode === null && postgres === undefined) {
      postgres = await postmasterPid(dataDir);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('drill: a rejection during start-up');
    expect(started.output().match(/drill: a rejection during start-up/g)?.length).toBeLessThanOrEqual(2);
    expect(postgres).toBeDefined();
    await eventually(() => !isAlive(postgres!), 15_000);
  }, 90_000);
});

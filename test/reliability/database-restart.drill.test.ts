import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { createFakeGitLab, type FakeGitLab, faults } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendCommand } from '../support/slack.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { mixedScenario, SYNC_TOKEN } from '../sync/mixed-scenario.ts';

/**
 * Drill: the app's PostgreSQL goes away in the middle of a `/pulse fetch` and comes back, as in a
 * failover or `pg_ctl restart`. The app runs on a PostgreSQL of its own so the drill can stop it.
 */
describe('PostgreSQL restarted in the middle of a sync', () => {
  let dataDir: string;
  let postgres: EmbeddedPostgres;
  let gitlab: FakeGitLab;
  let t: TestApp;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'activitypulse-restart-'));
    postgres = await startEmbeddedPostgres({ dataDir });
    gitlab = await createFakeGitLab(mixedScenario());
    t = await startTestApp({ env: { DATABASE_URL: postgres.url, GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
    t.slack.addUser({ id: 'U0ADMIN', is_admin: true });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const mapTeam = async (teamId: string) => {
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: SYNC_TOKEN });
    for (const [user, username] of [
      ['U0ADA', 'ada'],
      ['U0GRACE', 'grace'],
    ] as const) {
      t.slack.addUser({ id: user, name: username });
      const { respondId } = await sendCommand(t.baseUrl, { text: `map <@${user}> ${username}`, teamId });
      await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    }
  };
  /**
   * A fetch's last word: the final update of the direct message that reports it, or (when Slack
   * refuses the DM) its single response_url answer.
   */
  const finalReply = (sent: { respondId: string; before: number }, timeoutMs = 20_000) =>
    t.slack.waitFor(
      () =>
        [
          ...t.slack.calls.slice(sent.before).filter((call) => call.method === 'chat.update'),
          ...t.slack.responses(sent.respondId),
        ].find((call) =>
          /Fetch finished|fetch failed|fetch stopped|database/i.test(String(call.body['text'])),
        ),
      timeoutMs,
    );
  const fetchCommand = async (text: string, teamId: string) => {
    const before = t.slack.calls.length;
    return { ...(await sendCommand(t.baseUrl, { text, teamId })), before };
  };
  const readyz = async () => (await fetch(`${t.baseUrl}/readyz`)).status;
  const stored = (teamId: string) =>
    sql<{ row: string }>(
      t,
      `select a.kind || ' ' || a.natural_key || ' ' || a.title as row from activity a
       where a.workspace_id = ? order by 1`,
      [teamId],
    );

  it('keeps the app alive, answers plainly while down, is ready again within 30 s, and loses nothing', async () => {
    await mapTeam('TDRILL1');
    gitlab.setFault({ ...faults.slow(2_000, 2), match: { endpoint: 'GET /users/:id/events' } });
    const first = await fetchCommand('fetch 2024-05-01', 'TDRILL1');
    await t.slack.waitFor(() => gitlab.requests.some((r) => r.endpoint === 'GET /users/:id/events'));

    await postgres.stop();

    // Alive, not ready, and a command that needs the database says so.
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    expect(await readyz()).toBe(503);
    const during = await sendCommand(t.baseUrl, { text: 'sources', teamId: 'TDRILL1' });
    const answer =
      during.ack?.['text'] ??
      (await t.slack.waitFor(() => t.slack.responses(during.respondId)[0])).body['text'];
    expect(String(answer)).toBe('The database is unavailable right now — try again in a minute.');
    // The interrupted fetch ends with a message, not silence.
    const interrupted = await finalReply(first);
    expect(JSON.stringify(interrupted.body)).toMatch(/database/i);

    const restartedAt = Date.now();
    postgres = await startEmbeddedPostgres({ dataDir, port: postgres.port });
    while ((await readyz()) !== 200) {
      expect(Date.now() - restartedAt).toBeLessThan(30_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const readyAfterMs = Date.now() - restartedAt;
    expect(readyAfterMs).toBeLessThan(30_000);

    // A second fetch completes; no run is left 'running'.
    const second = await fetchCommand('fetch 2024-05-01', 'TDRILL1');
    expect(String((await finalReply(second)).body['text'])).toMatch(/^Fetch finished: gitlab succeeded/);
    const runs = await sql<{ status: string }>(
      t,
      'select status from sync_run where workspace_id = ? order by started_at',
      ['TDRILL1'],
    );
    expect(runs.map((run) => run.status)).not.toContain('running');
    expect(runs.at(-1)?.status).toBe('succeeded');

    // Nothing lost: the same rows as a clean fetch of the same week in another workspace.
    await mapTeam('TDRILL2');
    const clean = await fetchCommand('fetch 2024-05-01', 'TDRILL2');
    expect(String((await finalReply(clean)).body['text'])).toMatch(/^Fetch finished: gitlab succeeded/);
    const cleanRows = await stored('TDRILL2');
    expect(cleanRows.length).toBeGreaterThan(5);
    expect(await stored('TDRILL1')).toEqual(cleanRows);
    console.info(
      `drill: /readyz back to 200 ${readyAfterMs} ms after PostgreSQL restarted; runs ${runs.map((run) => run.status).join(', ')}; first fetch said: ${String(interrupted.body['text'])}`,
    );
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffUntil } from '../../src/modules/sources/source-backoff.ts';
import { rows } from '../support/domain-rows.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendCommand, sendEvent } from '../support/slack.ts';
import { blocksOf, nthCallAfter, viewOf } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const unix = (date: Date) => Math.floor(date.getTime() / 1000);

/** A source backing off after failed syncs says why, when it is tried again (in the reader's zone), and what to do. */
describe('a failing source in /pulse sources and on the App Home', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  let team = 0;
  const nextTeam = () => {
    team += 1;
    return `TBACK${String(team).padStart(3, '0')}`;
  };

  const sources = async (teamId: string, userId = 'U0ADMIN') => {
    const { respondId } = await sendCommand(t.baseUrl, { text: 'sources', teamId, userId });
    const reply = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    return { text: String(reply.body['text']), blocks: JSON.stringify(blocksOf(reply.body)) };
  };

  /** A source stored as the scheduled sync leaves it after `failures` failed runs. */
  const backingOff = async (
    teamId: string,
    state: { status: 'failing' | 'ok'; failures: number; code: string; error: string; nextSyncAfter: Date },
  ) => {
    const make = rows(await t.db.orm());
    await make.workspace({ id: teamId });
    const source = await make.source(teamId, { name: 'gitlab', status: state.status });
    await sql(
      t,
      `update data_source set failure_count = ?, last_error_code = ?, last_error = ?, next_sync_after = ?
        where id = ?`,
      [state.failures, state.code, state.error, state.nextSyncAfter, source.id],
    );
    return source;
  };

  beforeAll(async () => {
    gitlab = await createFakeGitLab(buildScenario());
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' }, now: () => NOW });
    t.slack
      .addUser({ id: 'U0ADMIN', is_admin: true, tz: 'Europe/Paris' })
      .addUser({ id: 'U0MEMBER', tz: 'America/New_York' })
      .addUser({ id: 'U0ALICE', tz: 'Europe/Paris' });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  it('after the scheduled sync is refused by GitLab, says why, when it tries again and to edit the token', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const { respondId } = await sendCommand(t.baseUrl, { text: 'map <@U0ALICE> ada', teamId });
    await t.slack.waitFor(() => t.slack.responses(respondId)[0]);

    gitlab.setFault({ kind: 'status', status: 401, body: { message: '401 Unauthorized' } });
    try {
      await t.app.jobs.runNow('scheduled-sync');
    } finally {
      gitlab.setFault();
    }
    // A token problem waits the longest back-off: 6 hours.
    const retryAt = new Date(NOW.getTime() + 6 * HOUR);
    const [stored] = await sql<{ status: string; failure_count: number; next_ms: string }>(
      t,
      `select status, failure_count, (extract(epoch from next_sync_after) * 1000)::bigint::text as next_ms
         from data_source where workspace_id = ?`,
      [teamId],
    );
    expect(stored).toEqual({ status: 'failing', failure_count: 1, next_ms: String(retryAt.getTime()) });

    const admin = await sources(teamId);
    expect(admin.blocks).toContain(':x: Failing: GitLab did not accept the token (401 Unauthorized)');
    expect(admin.blocks).toContain(
      `:hourglass_flowing_sand: Paused after 1 failed sync in a row: next try <!date^${unix(retryAt)}^{date_short_pretty} at {time}|Tue 10 Mar 19:00 Europe/Paris> (in 6 hours).`,
    );
    expect(admin.blocks).toContain(
      '*What to do:* create a new GitLab personal access token with the `read_api` scope and paste it with Edit (or `/pulse source edit gitlab`).',
    );
    expect(admin.text).toBe('1 data source, 1 failing: gitlab (failing, next try Tue 10 Mar 19:00)');
  });

  it('writes the fallback time in the reader’s own zone, and tells someone who is not an admin whom to ask', async () => {
    const teamId = nextTeam();
    const retryAt = new Date(NOW.getTime() + 2 * HOUR);
    await backingOff(teamId, {
      status: 'failing',
      failures: 3,
      code: 'GITLAB_TOKEN_EXPIRED',
      error:
        'The GitLab token has expired: create a new personal access token with the read_api scope and edit the source.',
      nextSyncAfter: retryAt,
    });
    const member = await sources(teamId, 'U0MEMBER');
    // New York is already on daylight saving time (since 8 March), Paris not yet.
    expect(member.blocks).toContain(
      `Paused after 3 failed syncs in a row: next try <!date^${unix(retryAt)}^{date_short_pretty} at {time}|Tue 10 Mar 10:00 America/New_York> (in 2 hours).`,
    );
    expect(member.blocks).toContain(
      '*What to do:* ask a workspace admin to give `gitlab` a new GitLab token with `/pulse source edit gitlab`.',
    );
    expect(member.text).toContain('gitlab (failing, next try Tue 10 Mar 10:00)');
    const admin = await sources(teamId);
    expect(admin.blocks).toContain('|Tue 10 Mar 15:00 Europe/Paris> (in 2 hours)');
  });

  it('says what to do for an unreachable server, and that a passing problem is retried on its own', async () => {
    const unreachable = nextTeam();
    await backingOff(unreachable, {
      status: 'failing',
      failures: 2,
      code: 'GITLAB_UNREACHABLE',
      error: 'ActivityPulse could not reach GitLab at gitlab.example.com (the connection was refused).',
      nextSyncAfter: new Date(NOW.getTime() + 30 * 60_000),
    });
    expect((await sources(unreachable)).blocks).toContain(
      '*What to do:* check the GitLab URL with Edit (or `/pulse source edit gitlab`) and that the server is reachable from ActivityPulse',
    );
    const busy = nextTeam();
    await backingOff(busy, {
      status: 'failing',
      failures: 1,
      code: 'GITLAB_SERVER_ERROR',
      error: 'GitLab answered with a server error (502) and kept failing.',
      nextSyncAfter: new Date(NOW.getTime() + 15 * 60_000),
    });
    const answer = await sources(busy);
    expect(answer.blocks).toContain('(in 15 minutes)');
    expect(answer.blocks).toContain(
      '*What to do:* this is often temporary and is retried on its own; Test connection, or `/pulse fetch gitlab`, tries now.',
    );
  });

  it('shows no wait for a source that is ok again, or whose back-off is over', async () => {
    const fixed = nextTeam();
    await backingOff(fixed, {
      status: 'ok',
      failures: 2,
      code: 'GITLAB_BAD_TOKEN',
      error: 'old news',
      nextSyncAfter: new Date(NOW.getTime() + 3 * HOUR),
    });
    const ok = await sources(fixed);
    expect(ok.blocks).toContain(':white_check_mark: OK');
    expect(ok.blocks).not.toContain('Paused');
    expect(ok.text).toBe('1 data source: gitlab (ok)');

    const due = nextTeam();
    await backingOff(due, {
      status: 'failing',
      failures: 4,
      code: 'GITLAB_BAD_TOKEN',
      error: 'GitLab did not accept the token (401 Unauthorized).',
      nextSyncAfter: new Date(NOW.getTime() - HOUR),
    });
    const failing = await sources(due);
    expect(failing.blocks).toContain(':x: Failing: GitLab did not accept the token (401 Unauthorized).');
    expect(failing.blocks).toContain('*What to do:* create a new GitLab personal access token');
    expect(failing.blocks).not.toContain('Paused');
  });

  it('shows the same on the App Home, in the viewer’s zone', async () => {
    const teamId = nextTeam();
    const retryAt = new Date(NOW.getTime() + HOUR);
    await backingOff(teamId, {
      status: 'failing',
      failures: 1,
      code: 'GITLAB_FORBIDDEN',
      error: 'GitLab refused access to GET /users/:id/events (403 Forbidden).',
      nextSyncAfter: retryAt,
    });
    const before = t.slack.calls.length;
    await sendEvent(
      t.baseUrl,
      { type: 'app_home_opened', user: 'U0ADMIN', channel: 'D0HOME', tab: 'home' },
      { teamId },
    );
    const home = JSON.stringify(viewOf(await nthCallAfter(t.slack, 'views.publish', before)));
    expect(home).toContain(':x: Failing: GitLab refused access to GET /users/:id/events (403 Forbidden).');
    expect(home).toContain(
      `Paused after 1 failed sync in a row: next try <!date^${unix(retryAt)}^{date_short_pretty} at {time}|Tue 10 Mar 14:00 Europe/Paris> (in 1 hour).`,
    );
    expect(home).toContain(
      "*What to do:* make sure the token's GitLab user can see the projects (at least Reporter)",
    );
  });
});

describe('backoffUntil: the scheduled sync’s rule for a waiting source', () => {
  const later = new Date(NOW.getTime() + 1);
  it('is the next try only for a source that is not ok, has failed, and must still wait', () => {
    expect(backoffUntil({ status: 'failing', failureCount: 1, nextSyncAfter: later }, NOW)).toEqual(later);
    expect(backoffUntil({ status: 'ok', failureCount: 1, nextSyncAfter: later }, NOW)).toBeNull();
    expect(backoffUntil({ status: 'failing', failureCount: 0, nextSyncAfter: later }, NOW)).toBeNull();
    expect(backoffUntil({ status: 'failing', failureCount: 2, nextSyncAfter: null }, NOW)).toBeNull();
    expect(backoffUntil({ status: 'failing', failureCount: 2, nextSyncAfter: NOW }, NOW)).toBeNull();
  });
});

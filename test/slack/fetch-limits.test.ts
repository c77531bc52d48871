import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onePushScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab, faults } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendCommand } from '../support/slack.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 14, point 2, through the real app: a limit set in the environment is what the sync obeys,
 * and what `/pulse fetch` says when it is hit names the source, what happened and the setting.
 */
describe('/pulse fetch against a GitLab that never stops paginating', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;

  beforeAll(async () => {
    gitlab = await createFakeGitLab(onePushScenario({ message: 'Change 0', additions: 12, deletions: 3 }));
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1', GITLAB_MAX_PAGES: '20' } });
    t.slack.addUser({ id: 'U0ADMIN', is_admin: true }).addUser({ id: 'U0ALICE', name: 'alice' });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  /** `/pulse fetch`; its summary is the last update of the direct message that reports it. */
  const fetch = async (teamId: string) => {
    const before = t.slack.calls.length;
    await sendCommand(t.baseUrl, { text: 'fetch', teamId });
    const summary = await t.slack.waitFor(() =>
      t.slack.calls
        .slice(before)
        .find(
          (call) =>
            call.method === 'chat.update' && /Fetch finished|fetch failed/i.test(String(call.body['text'])),
        ),
    );
    return JSON.stringify(summary.body);
  };

  it('stops at GITLAB_MAX_PAGES, says so naming the source, and a later fetch stores everything', async () => {
    const teamId = 'TLIMITS01';
    const sourceId = await addSourceThroughModal(t, {
      teamId,
      name: 'acme-gitlab',
      url: gitlab.url,
      token: TOKENS.ada,
    });
    const { respondId } = await sendCommand(t.baseUrl, { text: 'map <@U0ALICE> ada', teamId });
    await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    gitlab.setFault(faults.endlessPages({ endpoint: 'GET /users/:id/events' }));
    const before = gitlab.count('GET /users/:id/events');

    const text = await fetch(teamId);
    expect(gitlab.count('GET /users/:id/events') - before).toBe(20);
    expect(text).toContain(':x: *acme-gitlab*: failed');
    expect(text).toContain('GitLab source “acme-gitlab” (127.0.0.1:');
    expect(text).toContain(
      'still announced a next page of GET /users/:id/events after 20 pages (GITLAB_MAX_PAGES)',
    );
    const [run] = await sql<{ status: string; error: string }>(
      t,
      'select status, error from sync_run where data_source_id = ? order by started_at desc limit 1',
      [sourceId],
    );
    expect(run).toMatchObject({ status: 'failed' });
    expect(run!.error).toContain('“acme-gitlab”');

    gitlab.setFault();
    const again = await fetch(teamId);
    expect(again).toContain(':white_check_mark: *acme-gitlab*: done');
    // The first page was stored by the stopped fetch; nothing is missing and nothing doubled.
    const rows = await sql<{ kind: string; title: string }>(
      t,
      'select kind, title from activity where workspace_id = ? order by kind',
      [teamId],
    );
    expect(rows).toEqual([{ kind: 'commit_pushed', title: 'Change 0' }]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onePushScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab, faults } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendCommand, sendInteraction } from '../support/slack.ts';
import { blockActionPayload } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('/pulse fetch and the Fetch now button, through the real sync engine', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  let team = 0;
  const nextTeam = () => {
    team += 1;
    return `TFETCH${String(team).padStart(2, '0')}`;
  };

  const mapped = async (teamId: string) => {
    const sourceId = await addSourceThroughModal(t, {
      teamId,
      name: 'gitlab',
      url: gitlab.url,
      token: TOKENS.ada,
    });
    const { respondId } = await sendCommand(t.baseUrl, { text: 'map <@U0ALICE> ada', teamId });
    await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    return sourceId;
  };
  /** `/pulse fetch …`; the run's summary is the last update of its DM (found from `before`). */
  const fetchCommand = async (text: string, teamId: string) => {
    const before = t.slack.calls.length;
    const sent = await sendCommand(t.baseUrl, { text, teamId });
    return { ...sent, before };
  };
  const finalReply = (before: number) =>
    t.slack.waitFor(() =>
      t.slack.calls
        .slice(before)
        .find(
          (call) =>
            call.method === 'chat.update' &&
            /Fetch finished|fetch failed|nothing to fetch/i.test(String(call.body['text'])),
        ),
    );

  beforeAll(async () => {
    gitlab = await createFakeGitLab(onePushScenario({ message: 'Change 0', additions: 12, deletions: 3 }));
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
    t.slack.addUser({ id: 'U0ADMIN', is_admin: true }).addUser({ id: 'U0ALICE', name: 'alice' });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  it('acks at once, reports in one direct message updated in place, and ends with a summary per teammate', async () => {
    const teamId = nextTeam();
    await mapped(teamId);
    const { ack, respondId, before } = await fetchCommand('fetch gitlab 7d', teamId);
    expect(ack).toBeUndefined();
    const summary = await finalReply(before);
    const dms = t.slack.calls.slice(before).filter((call) => call.method === 'chat.postMessage');
    expect(dms).toHaveLength(1);
    expect(dms[0]!.body['channel']).toBe('U0ADMIN');
    expect(String(dms[0]!.body['text'])).toMatch(/^Fetching GitLab activity from `gitlab` since /);
    // The command's response_url: one answer pointing to the DM, never a replace.
    const replies = t.slack.responses(respondId);
    expect(replies).toHaveLength(1);
    expect(String(replies[0]!.body['text'])).toContain('in your direct messages with ActivityPulse');
    expect(replies[0]!.body['replace_original']).toBeUndefined();
    expect(t.slack.refusedResponses).toEqual([]);
    expect(summary.body['channel']).toBe('DU0ADMIN');
    const text = JSON.stringify(summary.body);
    expect(String(summary.body['text'])).toMatch(/^Fetch finished: gitlab (succeeded|partial)/);
    // The asker is an admin: request counts only in the details line.
    expect(text).toMatch(/Details \(admins\): \d+ GitLab API calls?/);
    expect(text).toContain('• <@U0ALICE>: 1 commit');
    const stored = await sql<{ n: number }>(
      t,
      'select count(*)::int as n from activity where workspace_id = ?',
      [teamId],
    );
    expect(stored[0]?.n).toBeGreaterThan(0);
  });

  it('says so instead of starting a second fetch while one runs', async () => {
    const teamId = nextTeam();
    await mapped(teamId);
    gitlab.setFault({ ...faults.slow(1_500, 1), match: { endpoint: 'GET /users/:id/events' } });
    // Earlier tests' requests are in the log too: only this fetch's events request counts.
    const requestsBefore = gitlab.requests.length;
    const first = await fetchCommand('fetch', teamId);
    await t.slack.waitFor(() => t.slack.responses(first.respondId)[0]);
    await t.slack.waitFor(() =>
      gitlab.requests.slice(requestsBefore).some((request) => request.endpoint === 'GET /users/:id/events'),
    );
    const second = await sendCommand(t.baseUrl, { text: 'fetch gitlab', teamId });
    const busy = await t.slack.waitFor(() => t.slack.responses(second.respondId)[0]);
    expect(String(busy.body['text'])).toContain('is already running, so I did not start another');
    await finalReply(first.before);
    gitlab.setFault();
  });

  it('checks the source name and the since argument before starting', async () => {
    const teamId = nextTeam();
    await mapped(teamId);
    const unknown = await sendCommand(t.baseUrl, { text: 'fetch nope', teamId });
    const reply = await t.slack.waitFor(() => t.slack.responses(unknown.respondId)[0]);
    expect(String(reply.body['text'])).toContain('There is no data source called `nope`');
    const future = await sendCommand(t.baseUrl, { text: 'fetch 2999-01-01', teamId });
    const futureReply = await t.slack.waitFor(() => t.slack.responses(future.respondId)[0]);
    expect(String(futureReply.body['text'])).toContain('That date is in the future');
    const twice = await sendCommand(t.baseUrl, { text: 'fetch 7d 30d', teamId });
    expect(String(twice.ack?.['text'])).toContain('/pulse fetch [source] [since]');
  });

  it('reports a failing source in the summary with the reason', async () => {
    const teamId = nextTeam();
    const sourceId = await mapped(teamId);
    await sql(t, 'update data_source set base_url = ? where id = ?', [`http://127.0.0.2:9`, sourceId]);
    const { before } = await fetchCommand('fetch', teamId);
    const summary = await finalReply(before);
    expect(JSON.stringify(summary.body)).toMatch(/will not connect to 127\.0\.0\.2/);
  });

  it('runs Fetch now from a button and reports by direct message, updated in place', async () => {
    const teamId = nextTeam();
    const sourceId = await mapped(teamId);
    const before = t.slack.calls.length;
    const click = blockActionPayload({
      actionId: 'source_fetch',
      value: sourceId,
      teamId,
      userId: 'U0ADMIN',
    });
    await sendInteraction(t.baseUrl, click.payload);
    const posted = await t.slack.waitFor(() =>
      t.slack.calls
        .slice(before)
        .find((call) => call.method === 'chat.postMessage' && call.body['channel'] === 'U0ADMIN'),
    );
    expect(String(posted.body['text'])).toContain('Fetching GitLab activity from `gitlab`');
    const final = await t.slack.waitFor(() =>
      t.slack.calls
        .slice(before)
        .find(
          (call) => call.method === 'chat.update' && String(call.body['text']).startsWith('Fetch finished'),
        ),
    );
    expect(final.body['ts']).toBeDefined();
  });
});

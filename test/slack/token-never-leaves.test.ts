import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab, faults } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal } from '../support/pulse-flows.ts';
import { sendCommand, sendEvent, sendInteraction } from '../support/slack.ts';
import {
  blockActionPayload,
  nthCallAfter,
  sourceFormValues,
  viewOf,
  viewSubmissionPayload,
} from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Every path that touches a stored token, with a token that has no recognisable shape (so the
 * log masking of `glpat-…` cannot hide a leak) and one that has: afterwards neither appears in
 * anything sent to Slack or in any log line.
 */
describe('a stored GitLab token never leaves the server', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  let graceGitlab: FakeGitLab;
  let spareGitlab: FakeGitLab;
  const teamId = 'TSECRET';
  const secrets = [TOKENS.plain, TOKENS.grace, TOKENS.revoked];

  beforeAll(async () => {
    gitlab = await createFakeGitLab(buildScenario());
    // One source per GitLab: the second source and the failed add use other servers, same people.
    graceGitlab = await createFakeGitLab(gitlab.scenario);
    spareGitlab = await createFakeGitLab(gitlab.scenario);
    t = await startTestApp({
      env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1', LOG_LEVEL: 'trace' },
      slackAckBudgetMs: 100,
    });
    t.slack.addUser({ id: 'U0ADMIN', is_admin: true }).addUser({ id: 'U0ALICE', name: 'alice' });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
    await graceGitlab?.close();
    await spareGitlab?.close();
  });

  it('is in no Slack request and no log line after add, edit, test, map, fetch, list, home and failures', async () => {
    const sourceId = await addSourceThroughModal(t, {
      teamId,
      name: 'plain',
      url: gitlab.url,
      token: TOKENS.plain,
    });
    await addSourceThroughModal(t, { teamId, name: 'grace', url: graceGitlab.url, token: TOKENS.grace });

    // A failed add (revoked token), on the slow path so the result travels by views.update.
    spareGitlab.setFault({ ...faults.slow(600, 1), match: { endpoint: 'GET /user' } });
    let before = t.slack.calls.length;
    await sendInteraction(
      t.baseUrl,
      viewSubmissionPayload({
        callbackId: 'source_form',
        teamId,
        privateMetadata: JSON.stringify({ mode: 'add' }),
        values: sourceFormValues({ name: 'revoked', url: spareGitlab.url, token: TOKENS.revoked }),
      }),
    );
    expect(JSON.stringify(viewOf(await nthCallAfter(t.slack, 'views.update', before)))).toContain(
      'token was revoked',
    );

    // Edit: the form comes back without the token; saving with an empty token reuses it server-side.
    before = t.slack.calls.length;
    await sendInteraction(
      t.baseUrl,
      blockActionPayload({ actionId: 'source_edit', value: sourceId, teamId }).payload,
    );
    const form = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    const saved = await sendInteraction(
      t.baseUrl,
      viewSubmissionPayload({
        callbackId: 'source_form',
        teamId,
        privateMetadata: String(form['private_metadata']),
        values: sourceFormValues({ name: 'plain', url: gitlab.url, token: '' }),
      }),
    );
    // Within the 100 ms budget the ack says so; on a busy machine the result comes by views.update.
    if (!JSON.stringify(saved.body).includes('Source saved')) {
      await t.slack.waitFor(() =>
        t.slack.calls
          .slice(before)
          .find(
            (call) => call.method === 'views.update' && JSON.stringify(call.body).includes('Source saved'),
          ),
      );
    }

    const replies: string[] = [];
    for (const text of [
      'source test plain',
      'map <@U0ALICE> ada plain',
      'sources',
      'teammates',
      'fetch plain 7d',
    ]) {
      const { respondId } = await sendCommand(t.baseUrl, { text, teamId });
      replies.push(respondId);
      await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    }
    // The fetch reports in a DM updated in place.
    await t.slack.waitFor(() =>
      t.slack.calls.find(
        (call) => call.method === 'chat.update' && String(call.body['text']).startsWith('Fetch finished'),
      ),
    );
    before = t.slack.calls.length;
    await sendEvent(
      t.baseUrl,
      { type: 'app_home_opened', user: 'U0ADMIN', channel: 'D1', tab: 'home' },
      { teamId },
    );
    await nthCallAfter(t.slack, 'views.publish', before);

    // A token that stops working mid-life: the test and the sync report it without echoing it.
    gitlab.scenario.tokens[TOKENS.plain]!.revoked = true;
    const failing = await sendCommand(t.baseUrl, { text: 'source test plain', teamId });
    const failure = await t.slack.waitFor(() => t.slack.responses(failing.respondId)[0]);
    expect(JSON.stringify(failure.body)).toContain('connection failed');

    expect(gitlab.requests.length).toBeGreaterThan(10);
    // Fewer than before users.info answers were cached, but every path above spoke to Slack.
    expect(t.slack.calls.length).toBeGreaterThan(12);
    const traffic = t.slack.allTraffic();
    const logs = t.logs.join('\n');
    // The paths that handle the token and its errors did log.
    for (const line of [
      'source added',
      'source edited',
      'connection test failed',
      'source test failed',
      'teammate mapped',
    ]) {
      expect(logs).toContain(`"msg":"${line}"`);
    }
    for (const secret of secrets) {
      expect(traffic).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});

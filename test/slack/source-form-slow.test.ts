import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab, faults } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal } from '../support/pulse-flows.ts';
import { sendInteraction } from '../support/slack.ts';
import {
  blockSuggestionPayload,
  nthCallAfter,
  sourceFormValues,
  viewOf,
  viewSubmissionPayload,
} from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A Test Connection slower than the ack budget (shortened here to 150 ms, 2.2 s in production):
 * Slack gets a "Testing…" update of the same form in time, the result follows by views.update.
 */
describe('a source form whose connection test outlasts Slack’s 3 seconds', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;

  beforeAll(async () => {
    gitlab = await createFakeGitLab(buildScenario());
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' }, slackAckBudgetMs: 150 });
    t.slack.addUser({ id: 'U0ADMIN', is_admin: true });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  const submit = (viewId: string, teamId: string, token: string) =>
    sendInteraction(
      t.baseUrl,
      viewSubmissionPayload({
        callbackId: 'source_form',
        viewId,
        teamId,
        privateMetadata: JSON.stringify({ mode: 'add' }),
        values: sourceFormValues({ name: 'gitlab', url: gitlab.url, token }),
      }),
    );

  it('answers with the same form marked "Testing…", refuses a resubmit meanwhile, then shows the saved source', async () => {
    gitlab.setFault({ ...faults.slow(1_200, 1), match: { endpoint: 'GET /user' } });
    const before = t.slack.calls.length;
    const { body } = await submit('VSLOW1', 'TSLOW1', TOKENS.ada);
    expect(body?.['response_action']).toBe('update');
    const testing = body?.['view'] as Record<string, unknown>;
    expect(JSON.stringify(testing)).toContain('Testing the connection');
    // Same block and action ids as the form, so Slack keeps what was typed.
    const ids = (testing['blocks'] as Array<{ block_id?: string }>).map((block) => block.block_id);
    expect(ids).toEqual(
      expect.arrayContaining(['source_name', 'source_url', 'source_token', 'source_jira_url']),
    );
    expect(JSON.stringify(testing)).not.toContain(TOKENS.ada);

    const again = await submit('VSLOW1', 'TSLOW1', TOKENS.ada);
    expect(again.body?.['response_action']).toBe('errors');
    expect(JSON.stringify(again.body)).toContain('Still testing');

    const update = await nthCallAfter(t.slack, 'views.update', before);
    expect(update.body['view_id']).toBe('VSLOW1');
    expect(JSON.stringify(viewOf(update))).toContain('Source added');
    expect(t.slack.allTraffic()).not.toContain(TOKENS.ada);
  });

  it('brings a slow failure back into the form, naming the field, without the token', async () => {
    gitlab.setFault({ ...faults.slow(1_200, 1), match: { endpoint: 'GET /user' } });
    const before = t.slack.calls.length;
    const { body } = await submit('VSLOW2', 'TSLOW2', TOKENS.revoked);
    expect(body?.['response_action']).toBe('update');
    const update = await nthCallAfter(t.slack, 'views.update', before);
    const view = viewOf(update);
    expect(view['callback_id']).toBe('source_form');
    expect(JSON.stringify(view)).toMatch(/:x: \*API token\*: The GitLab token was revoked/);
    expect(JSON.stringify(view)).not.toContain(TOKENS.revoked);
    const rows = await t.app.database.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ n: number }>>(
        "select count(*)::int as n from data_source where workspace_id = 'TSLOW2'",
      );
    expect(rows[0]?.n).toBe(0);
  });

  it('answers a GitLab user search that outlasts the budget in time, asking for more letters', async () => {
    const sourceId = await addSourceThroughModal(t, {
      teamId: 'TSLOW3',
      name: 'gitlab',
      url: gitlab.url,
      token: TOKENS.ada,
    });
    gitlab.setFault({ ...faults.slow(600, 1), match: { endpoint: 'GET /users' } });
    const started = Date.now();
    const { body } = await sendInteraction(
      t.baseUrl,
      blockSuggestionPayload({ teamId: 'TSLOW3', blockId: `teammate_source:${sourceId}`, value: 'gra' }),
    );
    expect(Date.now() - started).toBeLessThan(600);
    expect(body).toEqual({
      options: [
        {
          text: { type: 'plain_text', text: '⚠ GitLab is slow to answer: type a little more.', emoji: true },
          value: '!message',
        },
      ],
    });
  });
});

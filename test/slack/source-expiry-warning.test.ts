import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { sql } from '../support/pulse-flows.ts';
import { sendInteraction } from '../support/slack.ts';
import { blockActionPayload, sourceFormValues, viewSubmissionPayload } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
/** Expires 30 days after NOW: the last day Test Connection still calls "soon". */
const THIRTY_DAYS = 'glpat-AdaThirtyDaysLeft01';
const THIRTY_ONE_DAYS = 'glpat-AdaThirtyOneDays001';

/** The "expires in N days" warning after Add source and Test connection, decided by Test Connection. */
describe('the token expiry warning on the source confirmation', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  let team = 0;
  const nextTeam = () => {
    team += 1;
    return `TEXPY${String(team).padStart(3, '0')}`;
  };

  const add = async (teamId: string, token: string) => {
    const { body } = await sendInteraction(
      t.baseUrl,
      viewSubmissionPayload({
        callbackId: 'source_form',
        teamId,
        viewId: `VEXP${randomBytes(4).toString('hex').toUpperCase()}`,
        privateMetadata: JSON.stringify({ mode: 'add' }),
        values: sourceFormValues({ name: 'gitlab', url: gitlab.url, token }),
      }),
    );
    expect(body?.['response_action']).toBe('update');
    return JSON.stringify(body);
  };

  beforeAll(async () => {
    const scenario = buildScenario();
    scenario.tokens[THIRTY_DAYS] = { userId: 41, scopes: ['read_api'], expires_at: '2026-04-09' };
    scenario.tokens[THIRTY_ONE_DAYS] = { userId: 41, scopes: ['read_api'], expires_at: '2026-04-10' };
    gitlab = await createFakeGitLab(scenario, { now: () => NOW.getTime() });
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' }, now: () => NOW });
    t.slack.addUser({ id: 'U0ADMIN', is_admin: true });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  it('warns once, in its own words, when Test Connection says the token expires soon (30 days included)', async () => {
    const saved = await add(nextTeam(), THIRTY_DAYS);
    expect(saved).toContain('Source added');
    expect(saved).toContain(
      ':warning: The token expires in 30 days: create a new one before then and edit the source.',
    );
    // GitLab's own sentence is not repeated under it.
    expect(saved).not.toContain('The GitLab token expires');
    expect(saved.match(/:warning:/g)).toHaveLength(1);
  });

  it('states a later expiry without a warning', async () => {
    const saved = await add(nextTeam(), THIRTY_ONE_DAYS);
    expect(saved).toContain('The token expires in 31 days.');
    expect(saved).not.toContain(':warning:');
  });

  it('shows the other warnings, e.g. a project token whose scopes GitLab does not tell', async () => {
    const saved = await add(nextTeam(), TOKENS.projectToken);
    expect(saved).toContain('The token has no expiry date GitLab could tell.');
    expect(saved).toContain(':warning: GitLab did not say which scopes this token has or when it expires');
  });

  it('gives the same warning after Test connection on a stored source', async () => {
    const teamId = nextTeam();
    await add(teamId, THIRTY_DAYS);
    const [source] = await sql<{ id: string }>(t, 'select id from data_source where workspace_id = ?', [
      teamId,
    ]);
    const click = blockActionPayload({ actionId: 'source_test', value: source!.id, teamId });
    await sendInteraction(t.baseUrl, click.payload);
    const reply = await t.slack.waitFor(() => t.slack.responses(click.respondId)[0]);
    const text = JSON.stringify(reply.body);
    expect(text).toContain('connection OK');
    expect(text).toContain(':warning: The token expires in 30 days: create a new one before then');
    expect(text).not.toContain('The GitLab token expires');
  });
});

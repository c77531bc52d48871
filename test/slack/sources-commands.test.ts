import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendCommand, sendInteraction } from '../support/slack.ts';
import { blockActionPayload, blocksOf, nthCallAfter, viewOf } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TESTED = 'glpat-TestedThenRevoked0051';

describe('/pulse sources, source test, source remove and the source buttons', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  let team = 0;
  const nextTeam = () => {
    team += 1;
    return `TSRC${String(team).padStart(3, '0')}`;
  };

  beforeAll(async () => {
    const scenario = buildScenario();
    scenario.tokens[TESTED] = { userId: 42, scopes: ['read_api'], expires_at: '2099-01-01' };
    gitlab = await createFakeGitLab(scenario);
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
    t.slack.addUser({ id: 'U0ADMIN', name: 'admin', is_admin: true, tz: 'Europe/Berlin' });
    t.slack.addUser({ id: 'U0OWNER', name: 'owner', is_owner: true });
    t.slack.addUser({ id: 'U0MEMBER', name: 'member' });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  it('lists sources with their health and every button for admins', async () => {
    const teamId = nextTeam();
    const id = await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const { respondId } = await sendCommand(t.baseUrl, { text: 'sources', teamId });
    const reply = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    expect(reply.body['response_type']).toBe('ephemeral');
    expect(String(reply.body['text'])).toContain('gitlab (ok)');
    const text = JSON.stringify(reply.body);
    expect(text).toContain(':white_check_mark: OK');
    expect(text).toContain('token of @ada');
    expect(text).toContain('token expires 31 Dec 2099');
    expect(text).toContain('never synced');
    const actions = blocksOf(reply.body).find((block) => block['type'] === 'actions') as {
      block_id: string;
      elements: Array<{ action_id: string; value: string; confirm?: unknown }>;
    };
    expect(actions.block_id).toBe(`source:${id}`);
    expect(actions.elements.map((element) => element.action_id)).toEqual([
      'source_test',
      'source_fetch',
      'source_edit',
      'source_remove',
    ]);
    expect(actions.elements.every((element) => element.value === id)).toBe(true);
    expect(actions.elements[3]?.confirm).toBeDefined();
  });

  it('shows people who are not admins only the buttons they may use', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const { respondId } = await sendCommand(t.baseUrl, { text: 'sources', teamId, userId: 'U0MEMBER' });
    const reply = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    const text = JSON.stringify(reply.body);
    // Every source button uses the stored token or changes the source: admins only.
    expect(text).not.toContain('source_fetch');
    expect(text).not.toContain('source_test');
    expect(text).not.toContain('source_edit');
    expect(text).not.toContain('source_remove');
  });

  it('says how to start when there is no source', async () => {
    const { respondId } = await sendCommand(t.baseUrl, { text: 'sources', teamId: nextTeam() });
    const reply = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    expect(reply.body['text']).toBe('No GitLab data sources yet.');
    expect(JSON.stringify(reply.body)).toContain('source_add');
  });

  it('tests a source from text, and records a failure as the status with its reason', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TESTED });
    const ok = await sendCommand(t.baseUrl, { text: 'source test gitlab', teamId });
    const okReply = await t.slack.waitFor(() => t.slack.responses(ok.respondId)[0]);
    // One answer, a new message: a slash command's ephemeral reply cannot be replaced in place.
    expect(t.slack.responses(ok.respondId)).toHaveLength(1);
    expect(okReply.body['replace_original']).toBeUndefined();
    expect(JSON.stringify(okReply.body)).toContain('connection OK');
    expect(JSON.stringify(okReply.body)).toContain('@grace');

    gitlab.scenario.tokens[TESTED]!.revoked = true;
    const failed = await sendCommand(t.baseUrl, { text: 'source test GITLAB', teamId, userId: 'U0OWNER' });
    const failedReply = await t.slack.waitFor(() => t.slack.responses(failed.respondId)[0]);
    expect(JSON.stringify(failedReply.body)).toMatch(/connection failed.*token was revoked/);
    const rows = await sql<{ status: string; last_error_code: string }>(
      t,
      'select status, last_error_code from data_source where workspace_id = ?',
      [teamId],
    );
    expect(rows).toEqual([{ status: 'failing', last_error_code: 'GITLAB_TOKEN_REVOKED' }]);

    const list = await sendCommand(t.baseUrl, { text: 'sources', teamId });
    const listed = await t.slack.waitFor(() => t.slack.responses(list.respondId)[0]);
    expect(JSON.stringify(listed.body)).toMatch(/:x: Failing: The GitLab token was revoked/);
  });

  it('names the existing sources when asked to test one that does not exist', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const { respondId } = await sendCommand(t.baseUrl, { text: 'source test gitlba', teamId });
    const reply = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    expect(reply.body['text']).toBe(
      'There is no data source called `gitlba`. Did you mean `gitlab`? Sources: `gitlab`.',
    );
  });

  it('removes a source from text only after the confirmed click, with its mappings and activity', async () => {
    const teamId = nextTeam();
    const id = await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const asked = await sendCommand(t.baseUrl, { text: 'source remove gitlab', teamId });
    const question = await t.slack.waitFor(() => t.slack.responses(asked.respondId)[0]);
    expect(JSON.stringify(question.body)).toContain(
      'This deletes 0 teammate mappings and 0 stored activities',
    );
    const button = blocksOf(question.body)
      .flatMap((block) => (block['elements'] as Array<Record<string, unknown>> | undefined) ?? [])
      .find((element) => element['action_id'] === 'source_remove');
    expect(button?.['value']).toBe(id);
    expect(button?.['style']).toBe('danger');
    expect(button?.['confirm']).toMatchObject({ confirm: { text: 'Remove' } });
    expect(await sql(t, 'select id from data_source where id = ?', [id])).toHaveLength(1);

    const click = blockActionPayload({ actionId: 'source_remove', value: id, teamId });
    await sendInteraction(t.baseUrl, click.payload);
    const done = await t.slack.waitFor(() => t.slack.responses(click.respondId)[0]);
    expect(done.body['replace_original']).toBe(true);
    expect(String(done.body['text'])).toContain('Removed the data source gitlab');
    expect(await sql(t, 'select id from data_source where id = ?', [id])).toHaveLength(0);
  });

  it('refuses removal to people who are not admins, by text and by button', async () => {
    const teamId = nextTeam();
    const id = await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const asked = await sendCommand(t.baseUrl, { text: 'source remove gitlab', teamId, userId: 'U0MEMBER' });
    const refusal = await t.slack.waitFor(() => t.slack.responses(asked.respondId)[0]);
    expect(String(refusal.body['text'])).toContain('Only workspace admins and owners');

    const click = blockActionPayload({ actionId: 'source_remove', value: id, teamId, userId: 'U0MEMBER' });
    await sendInteraction(t.baseUrl, click.payload);
    const refused = await t.slack.waitFor(() => t.slack.responses(click.respondId)[0]);
    expect(String(refused.body['text'])).toContain('Only workspace admins and owners');
    expect(await sql(t, 'select id from data_source where id = ?', [id])).toHaveLength(1);
  });

  it('lets a workspace owner remove a source', async () => {
    const teamId = nextTeam();
    const id = await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const click = blockActionPayload({ actionId: 'source_remove', value: id, teamId, userId: 'U0OWNER' });
    await sendInteraction(t.baseUrl, click.payload);
    await t.slack.waitFor(() => t.slack.responses(click.respondId)[0]);
    expect(await sql(t, 'select id from data_source where id = ?', [id])).toHaveLength(0);
  });

  it('tests a source from its button and replies under the list', async () => {
    const teamId = nextTeam();
    const id = await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const click = blockActionPayload({ actionId: 'source_test', value: id, teamId, userId: 'U0ADMIN' });
    const { response } = await sendInteraction(t.baseUrl, click.payload);
    expect(response.status).toBe(200);
    const reply = await t.slack.waitFor(() => t.slack.responses(click.respondId)[0]);
    expect(reply.body['replace_original']).toBe(false);
    expect(JSON.stringify(reply.body)).toContain('gitlab*: connection OK');
  });

  it('opens the edit modal from the Edit button with the trigger it came with', async () => {
    const teamId = nextTeam();
    const id = await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const before = t.slack.calls.length;
    const click = blockActionPayload({ actionId: 'source_edit', value: id, teamId });
    await sendInteraction(t.baseUrl, click.payload);
    const opened = await nthCallAfter(t.slack, 'views.open', before);
    expect(opened.body['trigger_id']).toBe(`trigger-${click.respondId}`);
    const form = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    expect(JSON.parse(String(form['private_metadata']))).toEqual({ mode: 'edit', sourceId: id });
  });

  it('answers a button for a source removed meanwhile with a clear message', async () => {
    const click = blockActionPayload({
      actionId: 'source_test',
      value: '00000000-0000-4000-8000-000000000000',
      teamId: nextTeam(),
    });
    await sendInteraction(t.baseUrl, click.payload);
    const reply = await t.slack.waitFor(() => t.slack.responses(click.respondId)[0]);
    expect(String(reply.body['text'])).toContain('There is no data source behind that button any more');
    // Someone else's removal is not our failure: logged at info, without a stack.
    const line = t.logs
      .map((entry) => JSON.parse(entry) as Record<string, unknown>)
      .find((entry) => entry['msg'] === 'button failed' && entry['code'] === 'SOURCE_NOT_FOUND');
    expect(line?.['level']).toBe(30);
    expect(line?.['err']).toBeUndefined();
  });

  it('asks which source when `source edit`, `test` or `remove` have no name', async () => {
    for (const text of ['source edit', 'source test', 'source remove']) {
      const { ack } = await sendCommand(t.baseUrl, { text, teamId: nextTeam() });
      expect(String(ack?.['text'])).toContain(`/pulse ${text} <name>`);
    }
  });
});

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { sendCommand, sendInteraction } from '../support/slack.ts';
import { nthCallAfter, sourceFormValues, viewOf, viewSubmissionPayload } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const SOON_TOKEN = 'glpat-AdaSoonToExpire0042';
const DAY = 86_400_000;

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the Add/Edit GitLab source modal', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  let oldGitlab: FakeGitLab;
  let team = 0;
  const nextTeam = () => {
    team += 1;
    return `TFORM${String(team).padStart(3, '0')}`;
  };

  const countSources = async (teamId: string) => {
    const rows = await t.app.database.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ n: number }>>('select count(*)::int as n from data_source where workspace_id = ?', [
        teamId,
      ]);
    return rows[0]?.n ?? 0;
  };

  const submit = (
    fields: { name?: string; url?: string; token?: string; jiraUrl?: string },
    options: { teamId: string; userId?: string; metadata?: string; viewId?: string },
  ) =>
    sendInteraction(
      t.baseUrl,
      viewSubmissionPayload({
        callbackId: 'source_form',
        teamId: options.teamId,
        userId: options.userId ?? 'U0ADMIN',
        privateMetadata: options.metadata ?? JSON.stringify({ mode: 'add' }),
        ...(options.viewId ? { viewId: options.viewId } : {}),
        values: sourceFormValues(fields),
      }),
    );

  beforeAll(async () => {
    const expiresSoon = new Date(Date.now() + 10 * DAY).toISOString().slice(0, 10);
    const scenario = buildScenario();
    scenario.tokens[SOON_TOKEN] = { userId: 41, scopes: ['read_api', 'read_user'], expires_at: expiresSoon };
    gitlab = await createFakeGitLab(scenario);
    oldGitlab = await createFakeGitLab(buildScenario({ version: { version: '14.2.5', revision: 'abc' } }));
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
    t.slack.addUser({ id: 'U0ADMIN', name: 'admin', is_admin: true, tz: 'Europe/Berlin' });
    t.slack.addUser({ id: 'U0MEMBER', name: 'member', tz: 'UTC' });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
    await oldGitlab?.close();
  });

  it('opens the modal at once with a loading view, then fills in the form without any token', async () => {
    const before = t.slack.calls.length;
    const { ack } = await sendCommand(t.baseUrl, { text: 'source add', teamId: nextTeam() });
    expect(ack).toBeUndefined();
    const opened = await nthCallAfter(t.slack, 'views.open', before);
    expect(opened.body['trigger_id']).toMatch(/^trigger-/);
    const filled = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    expect(filled['callback_id']).toBe('source_form');
    expect((filled['title'] as { text: string }).text).toBe('Add GitLab source');
    const blocks = filled['blocks'] as Array<{ block_id?: string; element?: Record<string, unknown> }>;
    const ids = blocks.map((block) => block.block_id).filter(Boolean);
    expect(ids).toEqual(['source_name', 'source_url', 'source_token', 'source_jira_url']);
    const token = blocks.find((block) => block.block_id === 'source_token');
    expect(token?.element?.['initial_value']).toBeUndefined();
    expect(JSON.stringify(filled)).toContain('read_api');
  });

  it('saves a valid source after testing it and names the GitLab user, scopes and expiry', async () => {
    const teamId = nextTeam();
    const { body } = await submit(
      { name: 'gitlab', url: `${gitlab.url}/api/v4/`, token: TOKENS.ada },
      { teamId },
    );
    expect(body?.['response_action']).toBe('update');
    const text = JSON.stringify(body);
    expect(text).toContain('Source added');
    expect(text).toContain('Ada Example');
    expect(text).toContain('@ada');
    expect(text).toContain('`read_api`');
    expect(text).toMatch(/expires in \d+ days/);
    expect(text).not.toContain(TOKENS.ada);
    const rows = await t.app.database.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ base_url: string; token_sealed: string; status: string; token_username: string }>>(
        'select base_url, token_sealed, status, token_username from data_source where workspace_id = ?',
        [teamId],
      );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.base_url).toBe(gitlab.url);
    expect(rows[0]?.status).toBe('ok');
    expect(rows[0]?.token_username).toBe('ada');
    expect(rows[0]?.token_sealed).toMatch(/^v1:/);
    expect(rows[0]?.token_sealed).not.toContain(TOKENS.ada);
  });

  it('warns when the token expires within 30 days', async () => {
    const { body } = await submit(
      { name: 'soon', url: gitlab.url, token: SOON_TOKEN },
      { teamId: nextTeam() },
    );
    expect(body?.['response_action']).toBe('update');
    expect(JSON.stringify(body)).toMatch(/:warning: The token expires in (9|10) days/);
  });

  const invalid: Array<{
    case: string;
    fields: () => Promise<{ name?: string; url?: string; token?: string; jiraUrl?: string }>;
    block: string;
    says: RegExp;
  }> = [
    {
      case: 'a malformed GitLab URL',
      fields: async () => ({ name: 'gitlab', url: 'not a url', token: TOKENS.ada }),
      block: 'source_url',
      says: /GitLab URL contains spaces/,
    },
    {
      case: 'a GitLab URL that is not http(s)',
      fields: async () => ({ name: 'gitlab', url: 'ftp://gitlab.example.com', token: TOKENS.ada }),
      block: 'source_url',
      says: /must start with https:\/\//,
    },
    {
      case: 'a host the network guard refuses (127.0.0.2)',
      fields: async () => ({
        name: 'gitlab',
        url: `http://127.0.0.2:${await closedPort()}`,
        token: TOKENS.ada,
      }),
      block: 'source_url',
      says: /will not connect to 127\.0\.0\.2.*GITLAB_ALLOWED_HOSTS/,
    },
    {
      case: 'a host the network guard refuses ([::1])',
      fields: async () => ({ name: 'gitlab', url: 'http://[::1]:9', token: TOKENS.ada }),
      block: 'source_url',
      says: /will not connect to \[::1\]/,
    },
    {
      case: 'a host the network guard refuses (0.0.0.0)',
      fields: async () => ({ name: 'gitlab', url: 'http://0.0.0.0:9', token: TOKENS.ada }),
      block: 'source_url',
      says: /will not connect to 0\.0\.0\.0/,
    },
    {
      case: 'an unreachable GitLab',
      fields: async () => ({
        name: 'gitlab',
        url: `http://127.0.0.1:${await closedPort()}`,
        token: TOKENS.ada,
      }),
      block: 'source_url',
      says: /could not reach GitLab at 127\.0\.0\.1.*refused/,
    },
    {
      case: 'a token GitLab does not know',
      fields: async () => ({ name: 'gitlab', url: gitlab.url, token: 'glpat-NotAToken0000000000' }),
      block: 'source_token',
      says: /did not accept the token \(401 Unauthorized\)/,
    },
    {
      case: 'an expired token',
      fields: async () => ({ name: 'gitlab', url: gitlab.url, token: TOKENS.expired }),
      block: 'source_token',
      says: /token has expired/,
    },
    {
      case: 'a revoked token',
      fields: async () => ({ name: 'gitlab', url: gitlab.url, token: TOKENS.revoked }),
      block: 'source_token',
      says: /token was revoked/,
    },
    {
      case: 'a token with read_user but not read_api',
      fields: async () => ({ name: 'gitlab', url: gitlab.url, token: TOKENS.readUserOnly }),
      block: 'source_token',
      says: /needs the read_api scope \(it has read_user\)/,
    },
    {
      case: 'a token without any API scope',
      fields: async () => ({ name: 'gitlab', url: gitlab.url, token: TOKENS.noApiScope }),
      block: 'source_token',
      says: /lacks a scope.*read_api/,
    },
    {
      case: 'a GitLab older than 15.0',
      fields: async () => ({ name: 'gitlab', url: oldGitlab.url, token: TOKENS.ada }),
      block: 'source_url',
      says: /runs version 14\.2\.5; ActivityPulse needs GitLab 15\.0 or newer/,
    },
    {
      case: 'a Jira URL that is not http(s)',
      fields: async () => ({
        name: 'gitlab',
        url: gitlab.url,
        token: TOKENS.ada,
        jiraUrl: 'ftp://jira.example.com',
      }),
      block: 'source_jira_url',
      says: /Jira URL must start with https:\/\//,
    },
    {
      case: 'a name with spaces',
      fields: async () => ({ name: 'my gitlab', url: gitlab.url, token: TOKENS.ada }),
      block: 'source_name',
      says: /no spaces/,
    },
    {
      case: 'no token',
      fields: async () => ({ name: 'gitlab', url: gitlab.url, token: '' }),
      block: 'source_token',
      says: /Paste a GitLab personal access token/,
    },
  ];

  for (const example of invalid) {
    it(`answers ${example.case} with an inline error on that field and saves nothing`, async () => {
      const teamId = nextTeam();
      const { body } = await submit(await example.fields(), { teamId });
      expect(body?.['response_action']).toBe('errors');
      const errors = body?.['errors'] as Record<string, string>;
      expect(Object.keys(errors)).toEqual([example.block]);
      expect(errors[example.block]).toMatch(example.says);
      expect(JSON.stringify(body)).not.toContain(TOKENS.ada);
      expect(await countSources(teamId)).toBe(0);
    });
  }

  it('refuses a second source with the same name, whatever its case', async () => {
    const teamId = nextTeam();
    const first = await submit({ name: 'gitlab', url: gitlab.url, token: TOKENS.ada }, { teamId });
    expect(first.body?.['response_action']).toBe('update');
    const requestsBefore = gitlab.requests.length;
    // Another GitLab (never contacted: the name is refused first); the same one would be offered as an update.
    const { body } = await submit(
      { name: 'GitLab', url: 'https://gitlab.example.com', token: TOKENS.grace },
      { teamId },
    );
    expect(body).toEqual({
      response_action: 'errors',
      errors: { source_name: expect.stringMatching(/already exists/) },
    });
    expect(gitlab.requests.length).toBe(requestsBefore);
    expect(await countSources(teamId)).toBe(1);
  });

  it('edits a source: the form is filled in except the token, and an empty token keeps the stored one', async () => {
    const teamId = nextTeam();
    await submit(
      { name: 'gitlab', url: gitlab.url, token: TOKENS.ada, jiraUrl: 'https://acme.atlassian.net' },
      { teamId },
    );
    const before = t.slack.calls.length;
    await sendCommand(t.baseUrl, { text: 'source edit gitlab', teamId });
    const form = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    expect((form['title'] as { text: string }).text).toBe('Edit GitLab source');
    const blocks = form['blocks'] as Array<{
      block_id?: string;
      optional?: boolean;
      element?: Record<string, unknown>;
    }>;
    const byId = Object.fromEntries(blocks.map((block) => [block.block_id, block]));
    expect(byId['source_name']?.element?.['initial_value']).toBe('gitlab');
    expect(byId['source_url']?.element?.['initial_value']).toBe(gitlab.url);
    expect(byId['source_jira_url']?.element?.['initial_value']).toBe('https://acme.atlassian.net');
    expect(byId['source_token']?.element?.['initial_value']).toBeUndefined();
    expect(byId['source_token']?.optional).toBe(true);
    expect(JSON.stringify(form)).toContain('Leave empty to keep the stored token');
    const metadata = JSON.parse(String(form['private_metadata'])) as { mode: string; sourceId: string };
    expect(Object.keys(metadata).sort()).toEqual(['mode', 'sourceId']);

    const saved = await submit(
      { name: 'gitlab-main', url: gitlab.url, token: '', jiraUrl: '' },
      { teamId, metadata: String(form['private_metadata']) },
    );
    expect(saved.body?.['response_action']).toBe('update');
    expect(JSON.stringify(saved.body)).toContain('Source saved');
    const rows = await t.app.database.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ name: string; jira_url: string | null; token_username: string }>>(
        'select name, jira_url, token_username from data_source where workspace_id = ?',
        [teamId],
      );
    expect(rows).toEqual([{ name: 'gitlab-main', jira_url: null, token_username: 'ada' }]);

    const replaced = await submit(
      { name: 'gitlab-main', url: gitlab.url, token: TOKENS.grace },
      { teamId, metadata: String(form['private_metadata']) },
    );
    expect(JSON.stringify(replaced.body)).toContain('@grace');
  });

  it('does not send a stored token to another server: a new origin needs the token again', async () => {
    const teamId = nextTeam();
    await submit({ name: 'gitlab', url: gitlab.url, token: TOKENS.ada }, { teamId });
    const before = t.slack.calls.length;
    await sendCommand(t.baseUrl, { text: 'source edit gitlab', teamId });
    const form = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    const { body } = await submit(
      { name: 'gitlab', url: `http://127.0.0.1:${await closedPort()}`, token: '' },
      { teamId, metadata: String(form['private_metadata']) },
    );
    expect(body?.['response_action']).toBe('errors');
    expect(body?.['errors']).toEqual({ source_token: expect.stringMatching(/another server/) });
  });

  it('answers `source edit` for an unknown name inside the modal, listing the sources', async () => {
    const teamId = nextTeam();
    await submit({ name: 'gitlab', url: gitlab.url, token: TOKENS.ada }, { teamId });
    const before = t.slack.calls.length;
    await sendCommand(t.baseUrl, { text: 'source edit nope', teamId });
    const view = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    expect(JSON.stringify(view)).toContain('There is no data source called `nope`. Sources: `gitlab`.');
  });

  it('refuses people who are not admins: the modal says so, and a forged submission saves nothing', async () => {
    const teamId = nextTeam();
    const before = t.slack.calls.length;
    await sendCommand(t.baseUrl, { text: 'source add', teamId, userId: 'U0MEMBER' });
    const view = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    expect(JSON.stringify(view)).toContain('Only workspace admins and owners');
    expect(view['callback_id']).toBeUndefined();

    const { body } = await submit(
      { name: 'gitlab', url: gitlab.url, token: TOKENS.ada },
      { teamId, userId: 'U0MEMBER' },
    );
    expect(body?.['response_action']).toBe('update');
    expect(JSON.stringify(body)).toContain('Not allowed');
    expect(await countSources(teamId)).toBe(0);
  });

  it("lets people on the workspace's admin list manage sources although Slack does not call them admins", async () => {
    const teamId = nextTeam();
    await t.app.database.orm.em
      .fork()
      .getConnection()
      .execute("insert into workspace (id, admin_user_ids) values (?, '{U0MEMBER}')", [teamId]);
    const { body } = await submit(
      { name: 'gitlab', url: gitlab.url, token: TOKENS.ada },
      { teamId, userId: 'U0MEMBER' },
    );
    expect(JSON.stringify(body)).toContain('Source added');
    expect(await countSources(teamId)).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../src/slack/app.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendCommand, sendInteraction } from '../support/slack.ts';
import { botScopes, shippedManifest } from '../support/slack-manifest.ts';
import {
  blockActionPayload,
  blockSuggestionPayload,
  blocksOf,
  nthCallAfter,
  teammateFormValues,
  viewOf,
  viewSubmissionPayload,
} from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('teammates: /pulse map, unmap, teammates and the Edit teammate modal', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  /** A second GitLab with the same people: one source per GitLab, so `other` is another server. */
  let otherGitlab: FakeGitLab;
  /** A GitLab with 150 more people than fit in one select. */
  let crowdGitlab: FakeGitLab;
  let team = 0;
  const nextTeam = () => {
    team += 1;
    return `TMATE${String(team).padStart(3, '0')}`;
  };

  const reply = async (text: string, teamId: string, userId = 'U0ADMIN') => {
    const { respondId } = await sendCommand(t.baseUrl, { text, teamId, userId });
    return t.slack.waitFor(() => t.slack.responses(respondId)[0]);
  };
  const identities = (teamId: string) =>
    sql<{
      slack_user_id: string;
      username: string;
      external_user_id: string;
      display_name: string;
      timezone: string;
    }>(
      t,
      `select t.slack_user_id, i.username, i.external_user_id::text, t.display_name, t.timezone
         from external_identity i join teammate t on t.id = i.teammate_id
        where t.workspace_id = ? order by t.slack_user_id`,
      [teamId],
    );

  beforeAll(async () => {
    gitlab = await createFakeGitLab(buildScenario());
    otherGitlab = await createFakeGitLab(gitlab.scenario);
    const crowd = Array.from({ length: 150 }, (_, index) => ({
      id: 2_000 + index,
      username: `dev${String(index).padStart(3, '0')}`,
      name: `Developer with a remarkably long name that Slack must shorten, number ${index}`,
    }));
    crowdGitlab = await createFakeGitLab(buildScenario({ users: [...buildScenario().users, ...crowd] }));
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
    t.slack
      .addUser({ id: 'U0ADMIN', name: 'admin', is_admin: true })
      .addUser({ id: 'U0MEMBER', name: 'member' })
      .addUser({ id: 'U0ALICE', name: 'alice', tz: 'America/New_York' })
      .addUser({ id: 'U0BOB', name: 'bob' })
      .addUser({ id: 'U0CAROL', name: 'carol' })
      .addUser({ id: 'U0SAM1', name: 'sam' })
      .addUser({ id: 'U0SAM2', name: 'sam' })
      // For suggestions: ada by e-mail (GitLab's public e-mail), grace by full name; a bot and a
      // deactivated account that would match are never proposed.
      .addUser({ id: 'U0ADA', name: 'ada.l', real_name: 'Ada Lovelace', email: 'ada@example.test' })
      .addUser({ id: 'U0GRACE', name: 'gracie', real_name: 'Grace Example' })
      .addUser({ id: 'U0BOTX', name: 'gbot', real_name: 'Grace Example', is_bot: true })
      .addUser({ id: 'U0LEFT', name: 'left', email: 'ada@example.test', deleted: true });
    // Someone who left the workspace: Slack answers users.info with user_not_found.
    t.slack.on('users.info', (body) =>
      body['user'] === 'U0GONE' ? { ok: false, error: 'user_not_found' } : undefined,
    );
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
    await otherGitlab?.close();
    await crowdGitlab?.close();
  });

  it('maps an escaped mention with a name, checking the username on GitLab and keeping its id', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const answer = await reply('map <@U0ALICE|alice> ADA', teamId);
    expect(String(answer.body['text'])).toBe('Mapped <@U0ALICE> to ada on gitlab.');
    expect(JSON.stringify(answer.body)).toContain('*@ada* (Ada Example) on');
    // The GitLab id is for admins checking against GitLab (only admins map): a details line.
    expect(JSON.stringify(answer.body)).toContain('Details: GitLab user id 41');
    expect(await identities(teamId)).toEqual([
      {
        slack_user_id: 'U0ALICE',
        username: 'ada',
        external_user_id: '41',
        display_name: 'alice',
        timezone: 'America/New_York',
      },
    ]);
  });

  it('maps a mention without a name, and a bare @name looked up in the workspace', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    expect(String((await reply('map <@U0BOB> grace', teamId)).body['text'])).toContain(
      'Mapped <@U0BOB> to grace',
    );
    expect(String((await reply('map @Carol @hidden', teamId)).body['text'])).toContain(
      'Mapped <@U0CAROL> to hidden',
    );
    expect((await identities(teamId)).map((row) => `${row.slack_user_id}:${row.username}`)).toEqual([
      'U0BOB:grace',
      'U0CAROL:hidden',
    ]);
    expect(t.slack.callsTo('users.list').length).toBeGreaterThan(0);
  });

  it('says clearly when a bare @name matches nobody, or several people', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const nobody = await reply('map @nobody ada', teamId);
    expect(String(nobody.body['text'])).toContain('Nobody in this workspace is called `@nobody`');
    const several = await reply('map @sam ada', teamId);
    expect(String(several.body['text'])).toContain('Several people match `@sam` (<@U0SAM1>, <@U0SAM2>)');
    const notAPerson = await reply('map alice ada', teamId);
    expect(String(notAPerson.body['text'])).toContain('`alice` is not a person');
    expect(await identities(teamId)).toEqual([]);
  });

  it('refuses a GitLab username that does not exist on that GitLab', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const answer = await reply('map <@U0ALICE> nosuchuser', teamId);
    expect(String(answer.body['text'])).toBe(
      'There is no GitLab user `nosuchuser` on ' +
        `${new URL(gitlab.url).host} (source \`gitlab\`): check the spelling; it is the name after @ on their GitLab profile.`,
    );
    const invalid = await reply('map <@U0ALICE> not/valid', teamId);
    expect(String(invalid.body['text'])).toContain('That is not a GitLab username');
    expect(await identities(teamId)).toEqual([]);
  });

  it('asks which source when there are several, and names them', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    await addSourceThroughModal(t, { teamId, name: 'other', url: otherGitlab.url, token: TOKENS.grace });
    const ambiguous = await reply('map <@U0ALICE> ada', teamId);
    expect(String(ambiguous.body['text'])).toBe(
      'There are several data sources; say which one at the end: `gitlab`, `other`.',
    );
    const unknown = await reply('map <@U0ALICE> ada nope', teamId);
    expect(String(unknown.body['text'])).toContain('There is no data source called `nope`');
    const named = await reply('map <@U0ALICE> ada other', teamId);
    expect(String(named.body['text'])).toBe('Mapped <@U0ALICE> to ada on other.');
  });

  it('says when there is no source to map on yet', async () => {
    const answer = await reply('map <@U0ALICE> ada', nextTeam());
    expect(String(answer.body['text'])).toContain('No data source is set up yet');
  });

  it('refuses a username already mapped to someone else, and remaps the same person', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    await reply('map <@U0ALICE> ada', teamId);
    const taken = await reply('map <@U0BOB> ada', teamId);
    expect(String(taken.body['text'])).toContain('`ada` on `gitlab` is already mapped to <@U0ALICE>');
    const remapped = await reply('map <@U0ALICE> grace', teamId);
    expect(JSON.stringify(remapped.body)).toContain('(was @ada)');
    expect((await identities(teamId)).map((row) => row.username)).toEqual(['grace']);
  });

  it('unmaps on one source or on all, and says when there is nothing to unmap', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    await addSourceThroughModal(t, { teamId, name: 'other', url: otherGitlab.url, token: TOKENS.grace });
    await reply('map <@U0ALICE> ada gitlab', teamId);
    await reply('map <@U0ALICE> ada other', teamId);
    const one = await reply('unmap <@U0ALICE|alice> other', teamId);
    expect(String(one.body['text'])).toBe('Unmapped <@U0ALICE>: ada on other.');
    const all = await reply('unmap @alice', teamId);
    expect(String(all.body['text'])).toBe('Unmapped <@U0ALICE>: ada on gitlab.');
    const none = await reply('unmap <@U0ALICE>', teamId);
    expect(String(none.body['text'])).toContain('<@U0ALICE> is not mapped: nothing to remove');
    expect(await identities(teamId)).toEqual([]);
  });

  it('refuses map and unmap to people who are not admins', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    for (const text of ['map <@U0ALICE> ada', 'unmap <@U0ALICE>']) {
      expect(String((await reply(text, teamId, 'U0MEMBER')).body['text'])).toContain(
        'Only workspace admins and owners',
      );
    }
    expect(await identities(teamId)).toEqual([]);
  });

  it('answers wrong arguments with the usage', async () => {
    const { ack } = await sendCommand(t.baseUrl, { text: 'map <@U0ALICE>', teamId: nextTeam() });
    expect(String(ack?.['text'])).toContain('/pulse map @user <gitlab-username> [source]');
  });

  it('lists teammates with an Edit button for admins only', async () => {
    const teamId = nextTeam();
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    await reply('map <@U0ALICE> ada', teamId);
    await reply('map <@U0BOB> grace', teamId);
    const admin = await reply('teammates', teamId);
    expect(admin.body['text']).toBe('2 teammates mapped');
    const sections = blocksOf(admin.body).filter((block) => block['type'] === 'section');
    expect(sections.map((block) => (block['text'] as { text: string }).text)).toEqual([
      '<@U0ALICE> — gitlab: @ada',
      '<@U0BOB> — gitlab: @grace',
    ]);
    expect(sections.map((block) => (block['accessory'] as { value: string }).value)).toEqual([
      'U0ALICE',
      'U0BOB',
    ]);
    const member = await reply('teammates', teamId, 'U0MEMBER');
    expect(JSON.stringify(member.body)).not.toContain('teammate_edit');
    const empty = await reply('teammates', nextTeam());
    expect(empty.body['text']).toBe('Nobody is mapped to a GitLab user yet.');
  });

  it('edits a teammate in a modal: a users select and one username per source, checked before saving', async () => {
    const teamId = nextTeam();
    const gitlabId = await addSourceThroughModal(t, {
      teamId,
      name: 'gitlab',
      url: gitlab.url,
      token: TOKENS.ada,
    });
    const otherId = await addSourceThroughModal(t, {
      teamId,
      name: 'other',
      url: otherGitlab.url,
      token: TOKENS.grace,
    });
    await reply('map <@U0ALICE> ada gitlab', teamId);

    const before = t.slack.calls.length;
    const click = blockActionPayload({ actionId: 'teammate_edit', value: 'U0ALICE', teamId });
    await sendInteraction(t.baseUrl, click.payload);
    const form = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    expect(form['callback_id']).toBe('teammate_form');
    const blocks = form['blocks'] as Array<{ block_id: string; element: Record<string, unknown> }>;
    // A mapped source gets its GitLab user chosen and a "remove" checkbox under it.
    expect(blocks.map((block) => block.block_id)).toEqual([
      'teammate_user',
      `teammate_source:${gitlabId}`,
      `teammate_remove:${gitlabId}`,
      `teammate_source:${otherId}`,
    ]);
    expect(blocks[0]?.element['initial_user']).toBe('U0ALICE');
    expect(blocks[1]?.element).toMatchObject({
      type: 'external_select',
      action_id: 'value:U0ALICE',
      min_query_length: 2,
      initial_option: { value: 'ada' },
    });
    expect(blocks[2]?.element).toMatchObject({ type: 'checkboxes', action_id: 'remove:U0ALICE' });
    expect(blocks[3]?.element['initial_option']).toBeUndefined();

    const submit = (
      usernames: Record<string, string | null>,
      user: string | null = 'U0ALICE',
      remove: string[] = [],
    ) =>
      sendInteraction(
        t.baseUrl,
        viewSubmissionPayload({
          callbackId: 'teammate_form',
          teamId,
          values: teammateFormValues(user, usernames, { remove }),
        }),
      );
    const wrong = await submit({ [gitlabId]: 'ada', [otherId]: 'nosuchuser' }, 'U0ALICE', [gitlabId]);
    expect(wrong.body?.['response_action']).toBe('errors');
    expect(Object.keys(wrong.body?.['errors'] as object)).toEqual([`teammate_source:${otherId}`]);
    expect((await identities(teamId)).map((row) => row.username)).toEqual(['ada']);

    const noUser = await submit({}, null);
    expect(noUser.body).toEqual({ response_action: 'errors', errors: { teammate_user: 'Choose a person.' } });

    // A message option ("No GitLab user matches …") chosen by mistake is refused under its field.
    const message = await submit({ [gitlabId]: 'ada', [otherId]: '!message' });
    expect(message.body).toEqual({
      response_action: 'errors',
      errors: {
        [`teammate_source:${otherId}`]:
          'Choose a GitLab user from the list: type part of their name or username.',
      },
    });

    const saved = await submit({ [gitlabId]: 'ada', [otherId]: 'grace' }, 'U0ALICE', [gitlabId]);
    expect(saved.body?.['response_action']).toBe('update');
    expect(JSON.stringify(saved.body)).toContain('gitlab: mapping removed');
    expect(JSON.stringify(saved.body)).toContain('other: mapped to @grace');
    expect((await identities(teamId)).map((row) => row.username)).toEqual(['grace']);
  });

  it('refuses the teammate modal to people who are not admins', async () => {
    const teamId = nextTeam();
    const before = t.slack.calls.length;
    const click = blockActionPayload({
      actionId: 'teammate_edit',
      value: 'U0ALICE',
      teamId,
      userId: 'U0MEMBER',
    });
    await sendInteraction(t.baseUrl, click.payload);
    const view = viewOf(await nthCallAfter(t.slack, 'views.update', before));
    expect(JSON.stringify(view)).toContain('Only workspace admins and owners');
  });

  describe('mapping in a few clicks', () => {
    const suggest = async (teamId: string, userId = 'U0ADMIN') => {
      const before = t.slack.calls.length;
      const click = blockActionPayload({ actionId: 'teammate_suggest', teamId, userId });
      await sendInteraction(t.baseUrl, click.payload);
      return viewOf(await nthCallAfter(t.slack, 'views.update', before));
    };
    const type = (teamId: string, sourceId: string, value: string, userId = 'U0ADMIN') =>
      sendInteraction(
        t.baseUrl,
        blockSuggestionPayload({ teamId, userId, blockId: `teammate_source:${sourceId}`, value }),
      );
    const searches = (fake: FakeGitLab) =>
      fake.requests.filter((request) => 'search' in request.query).length;
    const optionsOf = (body: Record<string, unknown> | undefined) =>
      (body?.['options'] as Array<{ text: { text: string }; value: string }>) ?? [];

    it('looks GitLab users up on the chosen source as the admin types, within Slack’s limits', async () => {
      const teamId = nextTeam();
      const gitlabId = await addSourceThroughModal(t, {
        teamId,
        name: 'gitlab',
        url: gitlab.url,
        token: TOKENS.ada,
      });
      const crowdId = await addSourceThroughModal(t, {
        teamId,
        name: 'crowd',
        url: crowdGitlab.url,
        token: TOKENS.ada,
      });
      const searchesBefore = searches(gitlab);
      const started = Date.now();
      const grace = await type(teamId, gitlabId, 'gra');
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(optionsOf(grace.body)).toEqual([
        { text: { type: 'plain_text', text: 'Grace Example (@grace)', emoji: true }, value: 'grace' },
      ]);
      expect(optionsOf((await type(teamId, gitlabId, 'ada@example.test')).body).map((o) => o.value)).toEqual([
        'ada',
      ]);
      // Asked of that source's GitLab, with a bounded page.
      expect(searches(gitlab)).toBe(searchesBefore + 2);
      expect(gitlab.requests.at(-1)?.query).toMatchObject({ search: 'ada@example.test', per_page: '100' });
      expect(searches(crowdGitlab)).toBe(0);

      // Nothing found, or not an admin: one option says so (and the form refuses it if chosen).
      expect(optionsOf((await type(teamId, gitlabId, 'zzz')).body)).toEqual([
        {
          text: { type: 'plain_text', text: '⚠ No GitLab user matches “zzz”.', emoji: true },
          value: '!message',
        },
      ]);
      const member = optionsOf((await type(teamId, gitlabId, 'gra', 'U0MEMBER')).body);
      expect(member.map((o) => o.text.text)).toEqual(['⚠ Only admins can look up GitLab users.']);
      expect(searches(gitlab)).toBe(searchesBefore + 3);

      // 150 matches: 100 options, each text within 75 characters.
      const crowd = optionsOf((await type(teamId, crowdId, 'dev')).body);
      expect(crowd).toHaveLength(100);
      expect(Math.max(...crowd.map((o) => o.text.text.length))).toBe(75);
      expect(JSON.stringify([grace.body, crowd])).not.toContain(TOKENS.ada);
    });

    it('adds a new teammate with the GitLab user picked from the search, once however often it is sent', async () => {
      const teamId = nextTeam();
      const gitlabId = await addSourceThroughModal(t, {
        teamId,
        name: 'gitlab',
        url: gitlab.url,
        token: TOKENS.ada,
      });
      const before = t.slack.calls.length;
      await sendInteraction(t.baseUrl, blockActionPayload({ actionId: 'teammate_add', teamId }).payload);
      const form = viewOf(await nthCallAfter(t.slack, 'views.update', before));
      expect((form['title'] as { text: string }).text).toBe('Add teammate');
      const blocks = form['blocks'] as Array<{ block_id: string; element: Record<string, unknown> }>;
      expect(blocks.map((block) => [block.block_id, block.element['type']])).toEqual([
        ['teammate_user', 'users_select'],
        [`teammate_source:${gitlabId}`, 'external_select'],
      ]);
      expect(blocks[0]?.element['initial_user']).toBeUndefined();

      const submit = (user: string) =>
        sendInteraction(
          t.baseUrl,
          viewSubmissionPayload({
            callbackId: 'teammate_form',
            teamId,
            values: teammateFormValues(user, { [gitlabId]: 'grace' }),
          }),
        );
      const saved = await submit('U0CAROL');
      expect(JSON.stringify(saved.body)).toContain('gitlab: mapped to @grace');
      expect(JSON.stringify((await submit('U0CAROL')).body)).toContain('Nothing changed.');
      expect((await identities(teamId)).map((row) => `${row.slack_user_id}:${row.username}`)).toEqual([
        'U0CAROL:grace',
      ]);

      // Someone Slack no longer knows: said under the person field, nothing saved.
      expect((await submit('U0GONE')).body).toEqual({
        response_action: 'errors',
        errors: {
          teammate_user:
            'Slack does not know this person any more (they may have left the workspace): choose someone else.',
        },
      });
      expect(await identities(teamId)).toHaveLength(1);
    });

    it('suggests mappings by e-mail and by name and saves the ticked ones in one submission', async () => {
      const teamId = nextTeam();
      const gitlabId = await addSourceThroughModal(t, {
        teamId,
        name: 'gitlab',
        url: gitlab.url,
        token: TOKENS.ada,
      });
      await addSourceThroughModal(t, { teamId, name: 'other', url: otherGitlab.url, token: TOKENS.grace });
      await reply('map <@U0ALICE> hidden gitlab', teamId);
      // `other` refuses its token from now on: reported in the modal, the other source still proposes.
      otherGitlab.setFault({ kind: 'status', status: 401, match: { endpoint: 'GET /users' } });

      const view = await suggest(teamId);
      expect(JSON.stringify(view)).toContain(':warning: `other`: ');
      expect(view['callback_id']).toBe('mapping_suggestions');
      const groups = (view['blocks'] as Array<Record<string, unknown>>).filter(
        (block) => block['type'] === 'input',
      );
      expect(groups.map((group) => group['block_id'])).toEqual(['suggest:1']);
      const element = groups[0]!['element'] as {
        type: string;
        options: Array<{ text: { text: string }; description: { text: string }; value: string }>;
        initial_options: Array<{ value: string }>;
      };
      expect(element.type).toBe('checkboxes');
      expect(element.options.map((o) => [o.text.text, o.description.text])).toEqual([
        ['ada.l → @ada (Ada Example)', 'Same e-mail on Slack and GitLab'],
        ['gracie → @grace (Grace Example)', 'Same name on Slack and GitLab'],
      ]);
      expect(element.initial_options.map((o) => o.value)).toEqual([`${gitlabId}|U0ADA|ada`]);

      const confirm = (values: string[]) =>
        sendInteraction(
          t.baseUrl,
          viewSubmissionPayload({
            callbackId: 'mapping_suggestions',
            teamId,
            values: {
              'suggest:1': {
                picks: { type: 'checkboxes', selected_options: values.map((value) => ({ value })) },
              },
            },
          }),
        );
      expect((await confirm([])).body).toEqual({
        response_action: 'errors',
        errors: { 'suggest:1': 'Tick at least one proposal, or press Cancel.' },
      });
      const saved = await confirm(element.options.map((o) => o.value));
      expect(saved.body?.['response_action']).toBe('update');
      expect(JSON.stringify(saved.body)).toContain('Mapped 2 people');
      expect(JSON.stringify((await confirm(element.options.map((o) => o.value))).body)).toContain(
        'Nothing new: these mappings were saved already.',
      );
      expect((await identities(teamId)).map((row) => `${row.slack_user_id}:${row.username}`)).toEqual([
        'U0ADA:ada',
        'U0ALICE:hidden',
        'U0GRACE:grace',
      ]);

      // All or none: one taken user refuses the whole submission, under its group.
      const refused = await confirm([`${gitlabId}|U0CAROL|ada`, `${gitlabId}|U0BOB|project_7_bot`]);
      expect(refused.body?.['response_action']).toBe('errors');
      expect(JSON.stringify(refused.body)).toContain('`ada` on `gitlab` is already mapped to <@U0ADA>');
      expect(await identities(teamId)).toHaveLength(3);

      const again = await suggest(teamId);
      expect(JSON.stringify(again)).toContain('No new matches');
      otherGitlab.setFault();
      expect(t.slack.allTraffic()).not.toContain(TOKENS.ada);
      expect(t.logs.join('\n')).not.toContain(TOKENS.ada);
    });

    it('asks Slack for e-mails (users:read.email) and for options at the events URL', () => {
      const manifest = shippedManifest();
      expect(botScopes(manifest)).toEqual(BOT_SCOPES);
      expect(manifest).toMatch(/^\s*message_menu_options_url:\s*https:\/\/\S+\/slack\/events\s*$/m);
    });
  });
});

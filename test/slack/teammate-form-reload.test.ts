import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { type SlackCall, sendCommand, sendInteraction } from '../support/slack.ts';
import {
  blockActionPayload,
  nthCallAfter,
  teammateFormValues,
  viewOf,
  viewSubmissionPayload,
} from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

interface FormBlock {
  type: string;
  block_id: string;
  dispatch_action?: boolean;
  element: { type: string; action_id: string; initial_user?: string; initial_option?: { value: string } };
}

/** A block_actions payload as Slack sends it when someone is picked in the form's users select. */
function userPicked(options: {
  teamId: string;
  viewId: string;
  hash: string;
  selectedUser: string;
  blocks: FormBlock[];
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: options.teamId, domain: 'test' },
    user: { id: 'U0ADMIN', username: 'admin', team_id: options.teamId },
    api_app_id: 'A0PULSE',
    token: 'legacy-verification-token',
    trigger_id: `trigger-${randomBytes(4).toString('hex')}`,
    container: { type: 'view', view_id: options.viewId },
    view: {
      id: options.viewId,
      team_id: options.teamId,
      type: 'modal',
      callback_id: 'teammate_form',
      private_metadata: '',
      hash: options.hash,
      blocks: options.blocks,
      state: {
        values: {
          teammate_user: { value: { type: 'users_select', selected_user: options.selectedUser } },
        },
      },
    },
    actions: [
      {
        type: 'users_select',
        block_id: 'teammate_user',
        action_id: 'value',
        selected_user: options.selectedUser,
        action_ts: '1700000002.000300',
      },
    ],
  };
}

/** Picking another person in Edit teammate loads their GitLab usernames into the fields. */
describe('the Edit teammate form reloads when another person is picked', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  let otherGitlab: FakeGitLab;
  let team = 0;
  const nextTeam = () => {
    team += 1;
    return `TRELD${String(team).padStart(3, '0')}`;
  };

  const reply = async (text: string, teamId: string) => {
    const { respondId } = await sendCommand(t.baseUrl, { text, teamId });
    return t.slack.waitFor(() => t.slack.responses(respondId)[0]);
  };

  /** Two sources; Alice is ada on `gitlab`, Bob is grace on `other`. */
  const setUp = async () => {
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
    await reply('map <@U0BOB> grace other', teamId);
    return { teamId, gitlabId, otherId };
  };

  /** Clicks Edit on a teammate and returns the form as filled in by views.update. */
  const openForm = async (teamId: string, slackUserId: string) => {
    const before = t.slack.calls.length;
    const click = blockActionPayload({ actionId: 'teammate_edit', value: slackUserId, teamId });
    await sendInteraction(t.baseUrl, click.payload);
    const fill = await nthCallAfter(t.slack, 'views.update', before);
    return { viewId: String(fill.body['view_id']), blocks: blocksOfView(fill) };
  };

  const blocksOfView = (call: SlackCall) => viewOf(call)['blocks'] as FormBlock[];

  const pick = async (options: {
    teamId: string;
    viewId: string;
    hash: string;
    user: string;
    blocks: FormBlock[];
  }) => {
    const before = t.slack.calls.length;
    const { response } = await sendInteraction(
      t.baseUrl,
      userPicked({ ...options, selectedUser: options.user }),
    );
    expect(response.status).toBe(200);
    return nthCallAfter(t.slack, 'views.update', before);
  };

  beforeAll(async () => {
    gitlab = await createFakeGitLab(buildScenario());
    otherGitlab = await createFakeGitLab(gitlab.scenario);
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
    t.slack
      .addUser({ id: 'U0ADMIN', name: 'admin', is_admin: true })
      .addUser({ id: 'U0ALICE', name: 'alice' })
      .addUser({ id: 'U0BOB', name: 'bob' })
      .addUser({ id: 'U0CAROL', name: 'carol' });
    // Slack refuses an update whose hash is no longer the view's.
    t.slack.on('views.update', (body) =>
      body['hash'] === 'stale-hash' ? { ok: false, error: 'hash_conflict' } : undefined,
    );
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
    await otherGitlab?.close();
  });

  it('sends block_actions from the users select, and keys the username fields by the person shown', async () => {
    const { teamId } = await setUp();
    const form = await openForm(teamId, 'U0ALICE');
    expect(form.blocks[0]).toMatchObject({
      block_id: 'teammate_user',
      dispatch_action: true,
      element: { type: 'users_select', action_id: 'value', initial_user: 'U0ALICE' },
    });
    expect(form.blocks.slice(1).map((block) => block.element.action_id)).toEqual([
      'value:U0ALICE',
      'remove:U0ALICE',
      'value:U0ALICE',
    ]);
  });

  it('loads the picked person’s usernames with views.update on the same view and hash, block ids unchanged', async () => {
    const { teamId, gitlabId, otherId } = await setUp();
    const form = await openForm(teamId, 'U0ALICE');
    expect(form.blocks.map((block) => block.element.initial_option?.value)).toEqual([
      undefined,
      'ada',
      undefined,
      undefined,
    ]);

    const update = await pick({
      teamId,
      viewId: form.viewId,
      hash: '1700000000.h1',
      user: 'U0BOB',
      blocks: form.blocks,
    });
    expect(update.body['view_id']).toBe(form.viewId);
    expect(update.body['hash']).toBe('1700000000.h1');
    const view = viewOf(update);
    expect(view['callback_id']).toBe('teammate_form');
    const blocks = view['blocks'] as FormBlock[];
    expect(blocks.map((block) => block.block_id)).toEqual([
      'teammate_user',
      `teammate_source:${gitlabId}`,
      `teammate_source:${otherId}`,
      `teammate_remove:${otherId}`,
    ]);
    expect(blocks[0]).toMatchObject({
      dispatch_action: true,
      element: { action_id: 'value', initial_user: 'U0BOB' },
    });
    // New action ids for Bob: Slack shows these initial values instead of keeping Alice's.
    expect(blocks.slice(1).map((block) => block.element.action_id)).toEqual([
      'value:U0BOB',
      'value:U0BOB',
      'remove:U0BOB',
    ]);
    expect(blocks.slice(1).map((block) => block.element.initial_option?.value)).toEqual([
      undefined,
      'grace',
      undefined,
    ]);

    const nobody = viewOf(
      await pick({ teamId, viewId: form.viewId, hash: '1700000000.h2', user: 'U0CAROL', blocks }),
    )['blocks'] as FormBlock[];
    expect(nobody.slice(1).map((block) => [block.element.action_id, block.element.initial_option])).toEqual([
      ['value:U0CAROL', undefined],
      ['value:U0CAROL', undefined],
    ]);
  });

  it('saves the reloaded fields for the picked person', async () => {
    const { teamId, gitlabId, otherId } = await setUp();
    const values = teammateFormValues('U0BOB', { [gitlabId]: 'hidden', [otherId]: 'grace' });
    const { body } = await sendInteraction(
      t.baseUrl,
      viewSubmissionPayload({ callbackId: 'teammate_form', teamId, values }),
    );
    expect(body?.['response_action']).toBe('update');
    expect(JSON.stringify(body)).toContain('gitlab: mapped to @hidden');
    const mapped = await sql<{ username: string }>(
      t,
      `select i.username from external_identity i join teammate m on m.id = i.teammate_id
        where m.workspace_id = ? and m.slack_user_id = 'U0BOB' order by i.username`,
      [teamId],
    );
    expect(mapped.map((row) => row.username)).toEqual(['grace', 'hidden']);
  });

  it('refuses to save usernames still loaded for the person picked before', async () => {
    const { teamId, gitlabId, otherId } = await setUp();
    const values = teammateFormValues(
      'U0BOB',
      { [gitlabId]: 'ada', [otherId]: null },
      { loadedFor: 'U0ALICE' },
    );
    const { body } = await sendInteraction(
      t.baseUrl,
      viewSubmissionPayload({ callbackId: 'teammate_form', teamId, values }),
    );
    expect(body).toEqual({
      response_action: 'errors',
      errors: {
        teammate_user:
          'The GitLab users below belong to the person chosen before: choose this person again to load theirs.',
      },
    });
    const bob = await sql<{ username: string }>(
      t,
      `select i.username from external_identity i join teammate m on m.id = i.teammate_id
        where m.workspace_id = ? and m.slack_user_id = 'U0BOB'`,
      [teamId],
    );
    expect(bob.map((row) => row.username)).toEqual(['grace']);
  });

  it('leaves a form that changed meanwhile alone when Slack answers hash_conflict', async () => {
    const { teamId } = await setUp();
    const form = await openForm(teamId, 'U0ALICE');
    const update = await pick({
      teamId,
      viewId: form.viewId,
      hash: 'stale-hash',
      user: 'U0BOB',
      blocks: form.blocks,
    });
    expect(update.body['hash']).toBe('stale-hash');
    await t.slack.waitFor(() => t.logs.find((line) => line.includes('reload skipped')));
    const after = t.slack.calls.slice(t.slack.calls.indexOf(update) + 1);
    expect(after.filter((call) => call.method === 'views.update')).toEqual([]);
    expect(after.filter((call) => call.method === 'chat.postMessage')).toEqual([]);
    expect(t.logs.some((line) => line.includes('could not reload the teammate form'))).toBe(false);
  });
});

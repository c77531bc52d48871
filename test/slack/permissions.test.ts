import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGER_ONLY } from '../../src/slack/permissions.ts';
import { onePushScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendCommand, sendInteraction } from '../support/slack.ts';
import {
  blockActionPayload,
  sourceFormValues,
  teammateFormValues,
  viewSubmissionPayload,
} from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TEAM = 'T0PERMS';
const MEMBER = 'U0MEMBER';

type Answer = { ack?: Record<string, unknown> | undefined };
type Attempt = (ids: { sourceId: string; gitlabUrl: string }) => Promise<Answer>;

const command =
  (text: string): Attempt =>
  async () => {
    const { ack } = await sendCommand(t.baseUrl, { text, teamId: TEAM, userId: MEMBER });
    return { ack };
  };
const button =
  (actionId: string, surface: 'message' | 'home', value: 'source' | 'person' | 'none' = 'source'): Attempt =>
  async ({ sourceId }) => {
    const click = blockActionPayload({
      actionId,
      surface,
      teamId: TEAM,
      userId: MEMBER,
      ...(value === 'source' ? { value: sourceId } : value === 'person' ? { value: 'U0ALICE' } : {}),
    });
    const { body } = await sendInteraction(t.baseUrl, click.payload);
    return { ack: body };
  };
const submission =
  (build: (ids: { sourceId: string; gitlabUrl: string }) => Record<string, unknown>): Attempt =>
  async (ids) => {
    const { body } = await sendInteraction(t.baseUrl, build(ids));
    return { ack: body };
  };

/**
 * Everything that changes settings or uses a stored token, as someone who is not an admin: each
 * answers with the one MANAGER_ONLY message, calls no GitLab and changes no row.
 */
const GUARDED: Array<[string, Attempt]> = [
  ['/pulse source add', command('source add')],
  ['/pulse source edit', command('source edit gitlab')],
  ['/pulse source test', command('source test gitlab')],
  ['/pulse source remove', command('source remove gitlab')],
  ['/pulse map', command('map <@U0BOB> bob')],
  ['/pulse unmap', command('unmap <@U0ALICE>')],
  ['/pulse digest set', command('digest set <#C0NEW> 09:00 UTC')],
  ['/pulse digest off', command('digest off <#C0KEEP>')],
  ['/pulse digest send', command('digest send <#C0KEEP>')],
  ['/pulse fetch', command('fetch')],
  ['Add GitLab source button', button('source_add', 'home', 'none')],
  ['Test connection button (message)', button('source_test', 'message')],
  ['Test connection button (App Home)', button('source_test', 'home')],
  ['Edit source button', button('source_edit', 'message')],
  ['Remove source button (message)', button('source_remove', 'message')],
  ['Remove source button (App Home)', button('source_remove', 'home')],
  ['Fetch now button (message)', button('source_fetch', 'message')],
  ['Fetch now button (App Home)', button('source_fetch', 'home')],
  ['Edit teammate button', button('teammate_edit', 'home', 'person')],
  ['Suggest mappings button', button('teammate_suggest', 'message', 'none')],
  [
    'Suggested mappings submission',
    submission(({ sourceId }) =>
      viewSubmissionPayload({
        callbackId: 'mapping_suggestions',
        teamId: TEAM,
        userId: MEMBER,
        values: {
          'suggest:1': {
            picks: { type: 'checkboxes', selected_options: [{ value: `${sourceId}|U0BOB|grace` }] },
          },
        },
      }),
    ),
  ],
  [
    'Add source form submission',
    submission(({ gitlabUrl }) =>
      viewSubmissionPayload({
        callbackId: 'source_form',
        teamId: TEAM,
        userId: MEMBER,
        privateMetadata: JSON.stringify({ mode: 'add' }),
        values: sourceFormValues({ name: 'other', url: gitlabUrl, token: TOKENS.ada }),
      }),
    ),
  ],
  [
    'Edit source form submission',
    submission(({ sourceId, gitlabUrl }) =>
      viewSubmissionPayload({
        callbackId: 'source_form',
        teamId: TEAM,
        userId: MEMBER,
        privateMetadata: JSON.stringify({ mode: 'edit', sourceId }),
        values: sourceFormValues({ name: 'renamed', url: gitlabUrl, token: TOKENS.ada }),
      }),
    ),
  ],
  [
    'Edit teammate form submission',
    submission(({ sourceId }) =>
      viewSubmissionPayload({
        callbackId: 'teammate_form',
        teamId: TEAM,
        userId: MEMBER,
        values: teammateFormValues('U0ALICE', { [sourceId]: 'mallory' }),
      }),
    ),
  ],
];

let t: TestApp;

describe('permissions: every change and every use of a stored token is for admins', () => {
  let gitlab: FakeGitLab;
  let sourceId: string;

  /** Every row a refused attempt could touch, as text. */
  const snapshot = async () =>
    JSON.stringify(
      await Promise.all([
        sql(t, 'select * from data_source order by id'),
        sql(t, 'select * from external_identity order by id'),
        sql(t, 'select * from teammate order by id'),
        sql(t, 'select * from digest_schedule order by id'),
        sql(t, 'select * from digest_delivery order by id'),
      ]),
    );

  beforeAll(async () => {
    gitlab = await createFakeGitLab(onePushScenario({ message: 'Change 0', additions: 1, deletions: 0 }));
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
    t.slack
      .addUser({ id: 'U0ADMIN', is_admin: true })
      .addUser({ id: MEMBER, name: 'member' })
      .addUser({ id: 'U0ALICE', name: 'alice' })
      .addUser({ id: 'U0BOB', name: 'bob' });
    sourceId = await addSourceThroughModal(t, {
      teamId: TEAM,
      name: 'gitlab',
      url: gitlab.url,
      token: TOKENS.ada,
    });
    for (const text of ['map <@U0ALICE> ada', 'digest set <#C0KEEP> 09:00 UTC']) {
      const { respondId } = await sendCommand(t.baseUrl, { text, teamId: TEAM });
      await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    }
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  it.each(GUARDED)(
    '%s: refused with the one clear message, nothing called, nothing changed',
    async (_name, attempt) => {
      const rowsBefore = await snapshot();
      const gitlabBefore = gitlab.requests.length;
      const before = t.slack.calls.length;
      const { ack } = await attempt({ sourceId, gitlabUrl: gitlab.url });
      const told = () =>
        JSON.stringify(ack ?? {}).includes(JSON.stringify(MANAGER_ONLY).slice(1, -1)) ||
        t.slack.calls
          .slice(before)
          .some((call) => JSON.stringify(call.body).includes(JSON.stringify(MANAGER_ONLY).slice(1, -1)));
      await t.slack.waitFor(told);
      // Time for any work that slipped past the check to show.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gitlab.requests.length).toBe(gitlabBefore);
      expect(await snapshot()).toBe(rowsBefore);
      const posts = t.slack.calls
        .slice(before)
        .filter((call) => call.method === 'chat.postMessage' && call.body['channel'] !== MEMBER);
      expect(posts).toEqual([]);
    },
  );

  it('still lets the same person read: /pulse sources and /pulse teammates', async () => {
    for (const text of ['sources', 'teammates']) {
      const { respondId } = await sendCommand(t.baseUrl, { text, teamId: TEAM, userId: MEMBER });
      const reply = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
      expect(JSON.stringify(reply.body)).not.toContain('Only workspace admins');
    }
  });
});

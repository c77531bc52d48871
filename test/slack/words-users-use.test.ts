import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../support/domain-rows.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendCommand, sendInteraction } from '../support/slack.ts';
import {
  blockActionPayload,
  nthCallAfter,
  sourceFormValues,
  viewOf,
  viewSubmissionPayload,
} from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Issue 16, point 5: what people type, read the way they meant it, answered in their words. */
describe('words users use', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;
  let team = 0;
  const nextTeam = () => {
    team += 1;
    return `TWORD${String(team).padStart(3, '0')}`;
  };

  const ackText = async (text: string, teamId = 'TWORD000') => {
    const { ack } = await sendCommand(t.baseUrl, { text, teamId });
    return String(ack?.['text'] ?? '');
  };
  const reply = async (text: string, teamId: string) => {
    const { ack, respondId } = await sendCommand(t.baseUrl, { text, teamId });
    if (ack?.['text'] && !String(ack['text']).startsWith('Testing')) return String(ack['text']);
    const answer = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    return JSON.stringify(answer.body);
  };
  const submitSource = (teamId: string, fields: { name: string; url: string; token: string }) =>
    sendInteraction(
      t.baseUrl,
      viewSubmissionPayload({
        callbackId: 'source_form',
        teamId,
        userId: 'U0ADMIN',
        privateMetadata: JSON.stringify({ mode: 'add' }),
        values: sourceFormValues(fields),
      }),
    );

  beforeAll(async () => {
    gitlab = await createFakeGitLab(buildScenario());
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
    t.slack
      .addUser({ id: 'U0ADMIN', name: 'admin', is_admin: true })
      .addUser({ id: 'U0ALICE', name: 'alice' });
    // Slack answers users.info for someone who is not in the workspace with `user_not_found`.
    t.slack.on('users.info', (body) =>
      body['user'] === 'U0GONE' ? { ok: false, error: 'user_not_found' } : undefined,
    );
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  describe('did you mean', () => {
    it('corrects the second word of a two-word command: `source ad`', async () => {
      expect(await ackText('source ad')).toBe(
        'I don’t know `/pulse source ad`. Did you mean `/pulse source add`? (`/pulse help` lists every command.)',
      );
    });

    it('keeps the rest of what was typed, so the suggestion can be sent as it is', async () => {
      expect(await ackText('actvity <@U0ALICE|alice> 7d')).toContain(
        'Did you mean `/pulse activity <@U0ALICE|alice> 7d`?',
      );
      expect(await ackText('digest sett <#C0TEAM|team> 09:00')).toContain(
        'Did you mean `/pulse digest set <#C0TEAM|team> 09:00`?',
      );
      expect(await ackText('sorce remove old')).toContain('Did you mean `/pulse source remove old`?');
      expect(await ackText('teammate')).toContain('Did you mean `/pulse teammates`?');
    });

    it('lists the commands of a group named alone: `source`', async () => {
      expect(await ackText('source')).toContain(
        'Did you mean `/pulse sources`, `/pulse source add`, `/pulse source edit`, `/pulse source test` or `/pulse source remove`?',
      );
    });

    it('answers with the help when nothing is near, and never echoes a token', async () => {
      const { ack } = await sendCommand(t.baseUrl, { text: 'glpat-abcdefghijklmnop12', teamId: 'TWORD000' });
      expect(String(ack?.['text'])).toContain('ActivityPulse commands:');
      expect(JSON.stringify(ack)).not.toContain('abcdefghijklmnop12');
    });

    it('names the nearest data source when a name is misspelt, and logs it at info without a stack', async () => {
      const teamId = nextTeam();
      await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
      const before = t.logs.length;
      expect(await reply('source test gitlb', teamId)).toContain(
        'There is no data source called `gitlb`. Did you mean `gitlab`?',
      );
      const logged = t.logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
      const line = logged.find((entry) => entry['code'] === 'SOURCE_NOT_FOUND');
      expect(line?.['level']).toBe(30);
      expect(JSON.stringify(logged)).not.toContain('"stack"');
      expect(logged.some((entry) => Number(entry['level']) >= 50)).toBe(false);
    });
  });

  describe('time zones', () => {
    it('refuses an abbreviation with the IANA names it may mean, and stores nothing', async () => {
      const teamId = nextTeam();
      const text = await ackText('digest set <#C0TEAM|team> 09:00 CET', teamId);
      expect(text).toContain(
        '`CET` is an abbreviation, and several places use it: use an IANA name such as `Europe/Paris`, `Europe/Berlin`',
      );
      expect(text).not.toContain('Brussels');
      const stored = await sql(t, 'select 1 from digest_schedule where workspace_id = ?', [teamId]);
      expect(stored).toHaveLength(0);
    });

    it('takes an IANA name in any case and stores it as written by IANA', async () => {
      const teamId = nextTeam();
      expect(await reply('digest set <#C0TEAM|team> 09:00 europe/berlin', teamId)).toContain(
        'weekdays at 09:00 Europe/Berlin',
      );
    });
  });

  describe('Slack users', () => {
    it('says the Slack user was not found instead of "Something went wrong"', async () => {
      const teamId = nextTeam();
      await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
      const before = t.logs.length;
      const text = await reply('map <@U0GONE> ada', teamId);
      expect(text).toContain('Slack could not find the user you named');
      expect(text).not.toContain('Something went wrong');
      const logged = t.logs.slice(before).join('\n');
      expect(logged).not.toContain('"stack"');
      expect(logged).toContain('"level":30');
    });
  });

  describe('/pulse admins', () => {
    it('names the owners, the admins and the app’s own admin list, to anyone who asks', async () => {
      const teamId = nextTeam();
      t.slack
        .addUser({ id: 'U0OWNER', name: 'owner', is_owner: true, is_admin: true })
        .addUser({ id: 'U0LISTED', name: 'listed' });
      await rows(await t.db.orm()).workspace({ id: teamId, adminUserIds: ['U0LISTED', 'U0ADMIN'] });
      const { respondId } = await sendCommand(t.baseUrl, { text: 'admins', teamId, userId: 'U0ALICE' });
      const answer = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
      expect(answer.body['text']).toBe(
        [
          'These people can change data sources, teammate mappings and digests:',
          '• Workspace owners: <@U0OWNER>',
          '• Workspace admins: <@U0ADMIN>',
          '• ActivityPulse admin list: <@U0LISTED>',
        ].join('\n'),
      );
    });
  });

  describe('GitLab URLs', () => {
    it('tries https:// for a URL typed without a scheme, and says so when the server speaks plain http', async () => {
      const teamId = nextTeam();
      const bare = gitlab.url.replace(/^http:\/\//, '');
      const { body } = await submitSource(teamId, { name: 'gitlab', url: bare, token: TOKENS.ada });
      expect(body?.['response_action']).toBe('errors');
      const error = String((body?.['errors'] as Record<string, string> | undefined)?.['source_url']);
      expect(error).toContain('so I tried https://');
      expect(error).toContain('type the URL with http:// in front');
      expect(error).not.toContain('NODE_EXTRA_CA_CERTS');
    });

    it('keeps one source per GitLab: adding the same URL again offers to update that source’s token', async () => {
      const teamId = nextTeam();
      const sourceId = await addSourceThroughModal(t, {
        teamId,
        name: 'gitlab',
        url: gitlab.url,
        token: TOKENS.ada,
      });
      const { body } = await submitSource(teamId, {
        name: 'gitlab-again',
        url: `${gitlab.url}/api/v4/`,
        token: TOKENS.ada,
      });
      expect(body?.['response_action']).toBe('update');
      const view = JSON.stringify(body?.['view']);
      expect(view).toContain('is already the source *gitlab*');
      expect(view).toContain('source_update_token');
      expect(view).toContain(sourceId);
      const sources = await sql(t, 'select 1 from data_source where workspace_id = ?', [teamId]);
      expect(sources).toHaveLength(1);

      // The offer: the same modal becomes that source's edit form, token empty.
      const before = t.slack.calls.length;
      const { payload } = blockActionPayload({
        actionId: 'source_update_token',
        value: sourceId,
        teamId,
        surface: 'modal',
        viewId: 'VDUPLICATE',
      });
      await sendInteraction(t.baseUrl, payload);
      const update = await nthCallAfter(t.slack, 'views.update', before);
      expect(update.body['view_id']).toBe('VDUPLICATE');
      const form = viewOf(update);
      expect(form['callback_id']).toBe('source_form');
      expect(JSON.parse(String(form['private_metadata']))).toEqual({ mode: 'edit', sourceId });
      expect(JSON.stringify(form)).toContain('Paste the new token for *gitlab*');
      expect(JSON.stringify(form)).not.toContain(TOKENS.ada);
    });
  });
});

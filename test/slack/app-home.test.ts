import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../support/domain-rows.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal, sql } from '../support/pulse-flows.ts';
import { sendEvent, sendInteraction } from '../support/slack.ts';
import { blockActionPayload, nthCallAfter, viewOf } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const NOW = new Date('2026-03-11T12:00:00Z');

describe('the App Home dashboard', () => {
  let t: TestApp;
  let gitlab: FakeGitLab;

  const openHome = async (userId: string, teamId: string) => {
    const before = t.slack.calls.length;
    const response = await sendEvent(
      t.baseUrl,
      { type: 'app_home_opened', user: userId, channel: 'D0HOME', tab: 'home' },
      { teamId },
    );
    expect(response.status).toBe(200);
    return nthCallAfter(t.slack, 'views.publish', before);
  };

  beforeAll(async () => {
    gitlab = await createFakeGitLab(buildScenario());
    t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' }, now: () => NOW });
    t.slack
      .addUser({ id: 'U0ADMIN', is_admin: true, tz: 'Europe/Berlin' })
      .addUser({ id: 'U0MEMBER' })
      .addUser({ id: 'U0ALICE', tz: 'Europe/Berlin' });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  it('publishes sources and their health, my week, teammates, digests and the last sync', async () => {
    const teamId = 'THOME01';
    const orm = await t.db.orm();
    const make = rows(orm);
    await make.workspace({ id: teamId });
    const source = await make.source(teamId, { name: 'gitlab' });
    const alice = await make.teammate(teamId, source.id, { slackUserId: 'U0ALICE', username: 'ada' });
    await make.activity({
      workspaceId: teamId,
      teammateId: alice.id,
      sourceId: source.id,
      kind: 'mr_merged',
      occurredAt: new Date('2026-03-10T10:00:00Z'),
    });
    await make.activity({
      workspaceId: teamId,
      teammateId: alice.id,
      sourceId: source.id,
      kind: 'mr_merged',
      occurredAt: new Date('2026-03-01T10:00:00Z'),
    });
    await make.schedule(teamId, { channelId: 'C0DIGEST', localTime: '09:30', timezone: 'Europe/Berlin' });
    await make.syncRun({
      workspaceId: teamId,
      sourceId: source.id,
      finishedAt: new Date('2026-03-11T11:00:00Z'),
    });

    const publish = await openHome('U0ALICE', teamId);
    expect(publish.body['user_id']).toBe('U0ALICE');
    const view = viewOf(publish);
    expect(view['type']).toBe('home');
    const text = JSON.stringify(view);
    expect(text).toContain('*Your activity this week (9 Mar – 11 Mar 2026)*');
    expect(text).toContain('MRs: 0 opened, 1 merged');
    expect(text).toContain('Data sources (1)');
    expect(text).toContain('*gitlab* · https://gitlab.example.com');
    expect(text).toContain('Teammates mapped (1)');
    expect(text).toContain('<@U0ALICE> — gitlab: @ada');
    expect(text).toContain('<#C0DIGEST> at 09:30 Europe/Berlin on weekdays');
    expect(text).toContain('Last sync: `gitlab` succeeded, 1 hour ago');
    expect(text).toContain('source_fetch');
    // Test connection uses the stored token: admins only.
    expect(text).not.toContain('source_test');
    expect(text).not.toContain('source_remove');
    expect(text).not.toContain('source_add');
  });

  it('gives admins the buttons to add, edit and remove', async () => {
    const teamId = 'THOME02';
    await addSourceThroughModal(t, { teamId, name: 'gitlab', url: gitlab.url, token: TOKENS.ada });
    const text = JSON.stringify(viewOf(await openHome('U0ADMIN', teamId)));
    for (const action of [
      'source_add',
      'source_test',
      'source_fetch',
      'source_edit',
      'source_remove',
      'home_refresh',
    ]) {
      expect(text).toContain(action);
    }
    expect(text).toContain('You are not mapped to a GitLab user yet');
    expect(text).toContain('No digest yet');
    expect(text).toContain('No sync has run yet.');
  });

  it('ignores the Messages tab', async () => {
    const before = t.slack.calls.length;
    await sendEvent(
      t.baseUrl,
      { type: 'app_home_opened', user: 'U0ADMIN', channel: 'D0HOME', tab: 'messages' },
      { teamId: 'THOME03' },
    );
    await sendEvent(
      t.baseUrl,
      { type: 'app_home_opened', user: 'U0ADMIN', channel: 'D0HOME', tab: 'home' },
      { teamId: 'THOME03' },
    );
    await nthCallAfter(t.slack, 'views.publish', before);
    expect(t.slack.calls.slice(before).filter((call) => call.method === 'views.publish')).toHaveLength(1);
  });

  it('answers its buttons by republishing: Refresh, Test connection and Remove', async () => {
    const teamId = 'THOME04';
    const sourceId = await addSourceThroughModal(t, {
      teamId,
      name: 'gitlab',
      url: gitlab.url,
      token: TOKENS.ada,
    });
    let before = t.slack.calls.length;
    await sendInteraction(
      t.baseUrl,
      blockActionPayload({ actionId: 'home_refresh', teamId, surface: 'home' }).payload,
    );
    expect(JSON.stringify(viewOf(await nthCallAfter(t.slack, 'views.publish', before)))).toContain(
      'Data sources (1)',
    );

    before = t.slack.calls.length;
    await sendInteraction(
      t.baseUrl,
      blockActionPayload({ actionId: 'source_test', value: sourceId, teamId, surface: 'home' }).payload,
    );
    expect(JSON.stringify(viewOf(await nthCallAfter(t.slack, 'views.publish', before)))).toContain(
      ':white_check_mark: OK (tested',
    );

    before = t.slack.calls.length;
    await sendInteraction(
      t.baseUrl,
      blockActionPayload({ actionId: 'source_remove', value: sourceId, teamId, surface: 'home' }).payload,
    );
    expect(JSON.stringify(viewOf(await nthCallAfter(t.slack, 'views.publish', before)))).toContain(
      'Data sources (0)',
    );
    expect(await sql(t, 'select id from data_source where id = ?', [sourceId])).toHaveLength(0);
  });

  it('opens the Add GitLab source modal from the home button', async () => {
    const before = t.slack.calls.length;
    const click = blockActionPayload({ actionId: 'source_add', teamId: 'THOME05', surface: 'home' });
    await sendInteraction(t.baseUrl, click.payload);
    const opened = await nthCallAfter(t.slack, 'views.open', before);
    expect(opened.body['trigger_id']).toBe(`trigger-${click.respondId}`);
    expect(viewOf(await nthCallAfter(t.slack, 'views.update', before))['callback_id']).toBe('source_form');
  });

  it('stays within 100 blocks however many sources and teammates there are', async () => {
    const teamId = 'THOME06';
    const make = rows(await t.db.orm());
    await make.workspace({ id: teamId });
    for (let index = 0; index < 30; index += 1) {
      const source = await make.source(teamId, { name: `gitlab-${String(index).padStart(2, '0')}` });
      for (let person = 0; person < 3; person += 1) await make.teammate(teamId, source.id);
    }
    const view = viewOf(await openHome('U0ADMIN', teamId));
    const blocks = view['blocks'] as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view)).toContain('…and 15 more: see `/pulse sources`.');
    expect(JSON.stringify(view)).toContain('…and 65 more: see `/pulse teammates`.');
  });
});

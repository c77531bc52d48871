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
      .addUser({ id: 'U0ALICE', tz: 'Europe/Berlin' })
      .addUser({ id: 'U0BOB', tz: 'Europe/Berlin' });
  });
  afterAll(async () => {
    await t?.close();
    await gitlab?.close();
  });

  it('leads with the team’s week: failing pipelines, reviews waited for, who shipped what with a 14-day line', async () => {
    const teamId = 'THOME07';
    const orm = await t.db.orm();
    const make = rows(orm);
    await make.workspace({ id: teamId });
    const source = await make.source(teamId, { name: 'gitlab' });
    const alice = await make.teammate(teamId, source.id, { slackUserId: 'U0ALICE', username: 'ada' });
    const bob = await make.teammate(teamId, source.id, { slackUserId: 'U0BOB', username: 'bob' });
    const add = (
      teammateId: string,
      input: Omit<Parameters<typeof make.activity>[0], 'workspaceId' | 'sourceId' | 'teammateId'>,
    ) => make.activity({ workspaceId: teamId, sourceId: source.id, teammateId, ...input });
    const mr = 'https://gitlab.example.com/g/app/-/merge_requests/';
    await add(alice.id, {
      kind: 'mr_merged',
      occurredAt: new Date('2026-03-10T10:00:00Z'),
      title: 'Speed up search',
      url: `${mr}5`,
      mergeRequestRef: '1!5',
    });
    for (const day of [2, 3, 10, 10, 10]) {
      await add(alice.id, {
        kind: 'commit_pushed',
        occurredAt: new Date(`2026-03-${String(day).padStart(2, '0')}T09:00:00Z`),
      });
    }
    // Bob was asked to review !7 on Monday and has not; !8 he reviewed; !9 is merged already.
    await add(bob.id, {
      kind: 'mr_review_requested',
      occurredAt: new Date('2026-03-09T08:00:00Z'),
      title: 'Add invoices',
      url: `${mr}7`,
      mergeRequestRef: '1!7',
    });
    await add(bob.id, {
      kind: 'mr_review_requested',
      occurredAt: new Date('2026-03-09T08:00:00Z'),
      title: 'Fix totals',
      url: `${mr}8`,
      mergeRequestRef: '1!8',
    });
    await add(bob.id, {
      kind: 'mr_approved',
      occurredAt: new Date('2026-03-09T09:00:00Z'),
      url: `${mr}8`,
      mergeRequestRef: '1!8',
      isReview: true,
    });
    await add(bob.id, {
      kind: 'mr_review_requested',
      occurredAt: new Date('2026-03-09T08:00:00Z'),
      title: 'Old thing',
      url: `${mr}9`,
      mergeRequestRef: '1!9',
    });
    await add(alice.id, {
      kind: 'mr_merged',
      occurredAt: new Date('2026-03-09T12:00:00Z'),
      title: 'Old thing',
      url: `${mr}9`,
      mergeRequestRef: '1!9',
    });
    // main failed last; the feature branch failed and then passed.
    const pipeline = (status: string, ref: string, hour: number) =>
      add(alice.id, {
        kind: 'pipeline_run',
        occurredAt: new Date(`2026-03-10T${hour}:00:00Z`),
        project: 'g/app',
        url: `https://gitlab.example.com/g/app/-/pipelines/${hour}`,
        pipelineStatus: status,
        payload: { ref, status },
      });
    await pipeline('success', 'main', 10);
    await pipeline('failed', 'main', 11);
    await pipeline('failed', 'feature/x', 10);
    await pipeline('success', 'feature/x', 11);

    const text = JSON.stringify(viewOf(await openHome('U0BOB', teamId)));
    expect(text.indexOf('This week')).toBeLessThan(text.indexOf('Your activity'));
    expect(text).toContain(
      '*Failing pipelines*\\n• <https://gitlab.example.com/g/app/-/pipelines/11|g/app · main> — <@U0ALICE>',
    );
    expect(text).not.toContain('feature/x');
    expect(text).toContain(
      '*Waiting for review*\\n• <https://gitlab.example.com/g/app/-/merge_requests/7|Add invoices> — <@U0BOB>, asked 2 days ago',
    );
    expect(text).not.toContain('|Fix totals>');
    expect(text).not.toContain('|Old thing> — <@U0BOB>');
    // Alice: a commit on 2 and on 3 March, the 9 March merge, and on 10 March a merge, three commits
    // and four pipelines (the busiest day, a full bar); newest merge first.
    expect(text).toContain(
      '`▁▁▁▁▂▂▁▁▁▁▁▂█▁` <@U0ALICE> — merged <https://gitlab.example.com/g/app/-/merge_requests/5|Speed up search>, <https://gitlab.example.com/g/app/-/merge_requests/9|Old thing> · 3 commits',
    );
    expect(text).toContain('<@U0BOB> — reviewed 1 MR');
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
    // Only what happened: no zeros.
    expect(text).toContain('this week (9 Mar – 11 Mar 2026)*\\n1 MR merged\\n');
    expect(text).not.toContain('0 opened');
    expect(text).toContain('Data sources (1)');
    expect(text).toContain('*gitlab* · https://gitlab.example.com');
    expect(text).toContain('Teammates mapped (1)');
    expect(text).toContain('<@U0ALICE> — gitlab: @ada');
    expect(text).toContain('<#C0DIGEST> at 09:30 Europe/Berlin on weekdays');
    expect(text).toContain('Last sync: `gitlab` succeeded, 1 hour ago');
    // Fetch now and Test connection use the stored token: admins only.
    expect(text).not.toContain('source_fetch');
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

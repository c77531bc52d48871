import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActivityInput, rows } from '../support/domain-rows.ts';
import { sendCommand, sendInteraction } from '../support/slack.ts';
import { blockActionPayload, blocksOf } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Tuesday 10 March 2026, 08:00 in Los Angeles (PDT since 8 March), 15:00 UTC. */
const NOW = new Date('2026-03-10T15:00:00Z');
const TEAM = 'TACT001';

describe('/pulse activity answers from stored activity, in the asking user’s time zone', () => {
  let t: TestApp;
  let sourceId: string;
  let adaId: string;

  const ask = async (text: string, userId = 'U0ASKER', teamId = TEAM) => {
    const { respondId } = await sendCommand(t.baseUrl, { text, userId, teamId });
    return t.slack.waitFor(() => t.slack.responses(respondId)[0]);
  };

  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
    t.slack
      .addUser({ id: 'U0ASKER', name: 'asker', tz: 'America/Los_Angeles' })
      .addUser({ id: 'U0ALICE', name: 'alice', tz: 'Europe/Berlin' });
    const orm = await t.db.orm();
    const make = rows(orm);
    await make.workspace({ id: TEAM });
    const source = await make.source(TEAM, { name: 'gitlab', jiraUrl: 'https://acme.atlassian.net' });
    sourceId = source.id;
    adaId = (await make.teammate(TEAM, sourceId, { slackUserId: 'U0ALICE', username: 'ada' })).id;
    await make.teammate(TEAM, sourceId, { slackUserId: 'U0QUIET', username: 'quiet' });
    const add = (input: Omit<ActivityInput, 'workspaceId' | 'teammateId' | 'sourceId'>) =>
      make.activity({ workspaceId: TEAM, teammateId: adaId, sourceId, ...input });
    // Today in Los Angeles (09:00 PDT).
    await add({
      kind: 'mr_opened',
      occurredAt: new Date('2026-03-10T16:00:00Z'),
      title: 'ABC-12 Faster invoices',
      url: 'https://gitlab.example.com/acme/billing/-/merge_requests/5',
      project: 'acme/billing',
      jiraKeys: ['ABC-12'],
    });
    await add({
      kind: 'commit_pushed',
      occurredAt: new Date('2026-03-10T15:30:00Z'),
      title: 'Cache totals',
      linesAdded: 30,
      linesRemoved: 4,
    });
    // Yesterday in Los Angeles (Monday 23:00 PDT), already Tuesday in UTC.
    await add({
      kind: 'mr_merged',
      occurredAt: new Date('2026-03-10T06:00:00Z'),
      title: 'Monday late merge',
    });
    await add({ kind: 'time_logged', occurredAt: new Date('2026-03-09T18:00:00Z'), timeSpentSeconds: 5400 });
    await add({
      kind: 'pipeline_run',
      occurredAt: new Date('2026-03-09T19:00:00Z'),
      pipelineStatus: 'success',
    });
    await add({
      kind: 'pipeline_run',
      occurredAt: new Date('2026-03-09T19:30:00Z'),
      pipelineStatus: 'failed',
    });
    await add({
      kind: 'mr_approved',
      occurredAt: new Date('2026-03-09T20:00:00Z'),
      url: 'https://g/x/-/merge_requests/9',
    });
    await add({
      kind: 'mr_commented',
      occurredAt: new Date('2026-03-09T20:10:00Z'),
      url: 'https://g/x/-/merge_requests/9#note_1',
    });
    // Edges of "7d" (Wednesday 4 March, 00:00 PST = 08:00 UTC).
    await add({
      kind: 'issue_opened',
      occurredAt: new Date('2026-03-04T07:30:00Z'),
      title: 'Just before the week',
    });
    await add({
      kind: 'issue_closed',
      occurredAt: new Date('2026-03-04T08:30:00Z'),
      title: 'Just inside the week',
    });
    // Early in the month.
    await add({
      kind: 'issue_commented',
      occurredAt: new Date('2026-03-01T20:00:00Z'),
      title: 'First of March',
    });
  });
  afterAll(async () => t?.close());

  it('answers `today` with the summary line and the items, times in the asker’s zone, with GitLab and Jira links', async () => {
    const answer = await ask('activity <@U0ALICE|alice> today');
    const text = JSON.stringify(answer.body);
    expect(text).toContain(
      '*Activity of <@U0ALICE>* · today (Tue 10 Mar 2026) · times in America/Los_Angeles',
    );
    expect(text).toContain('1 MR opened · 1 commit (+30 −4)');
    // One section per piece of work: the MR with its link and Jira key, what was done, when.
    expect(text).toContain(
      '*<https://gitlab.example.com/acme/billing/-/merge_requests/5|!5 ABC-12 Faster invoices>* · acme/billing · <https://acme.atlassian.net/browse/ABC-12|ABC-12>\\nopened\\nlast Tue 10 Mar 09:00',
    );
    expect(text).toContain(
      '*Cache totals* · group/project\\npushed 1 commit (+30 −4)\\nlast Tue 10 Mar 08:30',
    );
    // Nothing for what did not happen.
    expect(text).not.toMatch(/\b0 (merged|reviewed|approvals|issues|comments)/);
    expect(text).not.toContain('Monday late merge');
    expect(String(answer.body['text'])).toMatch(/^Activity of <@U0ALICE>, today/);
  });

  it('puts an item at 23:00 local on Monday in `yesterday`, although it is Tuesday in UTC', async () => {
    const text = JSON.stringify((await ask('activity <@U0ALICE> yesterday')).body);
    expect(text).toContain('yesterday (Mon 9 Mar 2026)');
    expect(text).toContain('Monday late merge');
    expect(text).toContain(
      '1 MR merged · 1 MR reviewed · 1 approval · 1 comment · 1h 30m logged · pipelines 1 passed, 1 failed',
    );
    expect(text).not.toContain('Faster invoices');
  });

  it('starts `7d` at local midnight six days ago', async () => {
    const text = JSON.stringify((await ask('activity <@U0ALICE> 7d')).body);
    expect(text).toContain('last 7 days (4 Mar – 10 Mar 2026)');
    expect(text).toContain('Just inside the week');
    expect(text).not.toContain('Just before the week');
  });

  it('reads `30d` and explicit ranges, and a single date', async () => {
    expect(JSON.stringify((await ask('activity <@U0ALICE> 30d')).body)).toContain('First of March');
    const range = JSON.stringify((await ask('activity <@U0ALICE> 2026-03-01..2026-03-02')).body);
    expect(range).toContain('1 Mar – 2 Mar 2026');
    expect(range).toContain('First of March');
    expect(range).not.toContain('Just before the week');
    const day = JSON.stringify((await ask('activity <@U0ALICE> gitlab 2026-03-03')).body);
    expect(day).toContain('Just before the week');
  });

  it('defaults to the asker and the last 7 days', async () => {
    const text = JSON.stringify((await ask('activity', 'U0ALICE')).body);
    expect(text).toContain('*Activity of <@U0ALICE>* · last 7 days');
    expect(text).toContain('times in Europe/Berlin');
  });

  it('says so when a mapped person has no activity in the period', async () => {
    const answer = await ask('activity <@U0QUIET> today');
    expect(answer.body['text']).toBe('No activity for <@U0QUIET> in today (Tue 10 Mar 2026).');
    expect(JSON.stringify(answer.body)).toContain('run `/pulse fetch`');
  });

  it('says how to map someone who is not mapped', async () => {
    const answer = await ask('activity <@U0NOBODY>');
    expect(JSON.stringify(answer.body)).toContain('is not mapped to a GitLab user yet');
    expect(JSON.stringify(answer.body)).toContain('/pulse map <@U0NOBODY> <gitlab-username>');
  });

  it('explains ranges it cannot read', async () => {
    expect(String((await ask('activity <@U0ALICE> 2026-02-30')).body['text'])).toContain(
      'That date does not exist',
    );
    expect(String((await ask('activity <@U0ALICE> 2026-03-05..2026-03-01')).body['text'])).toContain(
      'The range ends before it starts',
    );
    expect(String((await ask('activity <@U0ALICE> 400d')).body['text'])).toContain('between 1 and 366 days');
    expect(String((await ask('activity <@U0ALICE> 7d 30d')).body['text'])).toContain(
      'at most one source and one range',
    );
    const word = JSON.stringify((await ask('activity <@U0ALICE> lastweek')).body);
    expect(word).toContain('There is no source or source type `lastweek`');
    const typo = JSON.stringify((await ask('activity <@U0ALICE> yesterdy')).body);
    expect(typo).toContain('There is no source or source type `yesterdy`. Did you mean `yesterday`?');
  });

  it('keeps a long answer within Slack’s limits and counts what it left out', async () => {
    const teamId = 'TACT002';
    const orm = await t.db.orm();
    const make = rows(orm);
    await make.workspace({ id: teamId });
    const source = await make.source(teamId, { name: 'gitlab' });
    const busy = await make.teammate(teamId, source.id, { slackUserId: 'U0BUSY', username: 'busy' });
    const values: string[] = [];
    const params: unknown[] = [];
    for (let index = 0; index < 600; index += 1) {
      values.push("(?, ?, ?, 'commit_pushed', ?, ?, ?, ?, 'acme/billing', 5, 1, '{}', '{}'::jsonb)");
      params.push(
        teamId,
        busy.id,
        source.id,
        `bulk:${index}`,
        new Date(NOW.getTime() - index * 60_000),
        `Commit number ${index} with a reasonably long title that takes some room in a line`,
        `https://gitlab.example.com/acme/billing/-/commit/${String(index).padStart(40, '0')}`,
      );
    }
    await orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into activity (workspace_id, teammate_id, data_source_id, kind, natural_key, occurred_at, title, url,
           project, lines_added, lines_removed, jira_keys, payload) values ${values.join(', ')}`,
        params,
      );
    const answer = await ask('activity <@U0BUSY> 7d', 'U0ASKER', teamId);
    const withinLimits = (body: Record<string, unknown>) => {
      const blocks = blocksOf(body);
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const block of blocks) {
        const text = (block['text'] as { text?: string } | undefined)?.text ?? '';
        expect(text.length).toBeLessThanOrEqual(3000);
      }
      expect(JSON.stringify(blocks).length).toBeLessThan(12_000);
      expect(String(body['text']).length).toBeLessThanOrEqual(4000);
      return blocks;
    };
    const blocks = withinLimits(answer.body);
    expect(JSON.stringify(answer.body)).toContain('600 commits (+3000 −600)');
    expect(JSON.stringify(answer.body)).toContain('Commit number 0 with');
    // Not cut: the rest is behind "Show more", which answers with the next page under the first.
    const button = blocks.at(-1) as { type: string; elements: Array<{ action_id: string; value: string }> };
    expect(button.type).toBe('actions');
    expect(button.elements[0]?.action_id).toBe('activity_more');
    const { payload, respondId } = blockActionPayload({
      actionId: 'activity_more',
      value: button.elements[0]!.value,
      userId: 'U0ASKER',
      teamId,
    });
    await sendInteraction(t.baseUrl, payload);
    const second = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    expect(second.body['replace_original']).toBe(false);
    withinLimits(second.body);
    const page = JSON.stringify(second.body);
    expect(page).toContain('continued: from piece of work');
    expect(page).not.toContain('Commit number 0 with');
    const shownFirst = (JSON.stringify(answer.body).match(/Commit number \d+ with/g) ?? []).length;
    expect(page).toContain(`Commit number ${shownFirst} with`);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBusyTeam } from '../../bench/busy-team.ts';
import { sendCommand, sendEvent, sendInteraction } from '../support/slack.ts';
import { blockActionPayload, blocksOf, nthCallAfter, viewOf } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The largest realistic team, read through Slack: 200 people at the density of the digest
 * benchmark's 1,000,000 rows a year (about 2,740 activities a day), the eight days the digest,
 * the App Home's week and a 7-day `/pulse activity` read. Every message and view goes through the fake Slack,
 * which refuses any Block Kit over Slack's limits (test/support/block-kit-limits.ts), so each step
 * below passing means Slack would have taken it.
 */
const TEAM = 'TLARGE1';
const NOW = new Date('2026-03-11T09:00:00Z'); // a Wednesday morning in Berlin
const PEOPLE = 200;
const DAYS = 8;
const ROWS = Math.round((1_000_000 / 365) * DAYS);

describe('the largest realistic week within Slack’s limits (200 people, 1M rows a year)', () => {
  let t: TestApp;
  let slackUserIds: string[];

  beforeAll(async () => {
    // Thread replies 20 ms apart instead of Slack's one a second: 20 of them would take 20 s here.
    t = await startTestApp({ now: () => NOW, digestReplyGapMs: 20 });
    t.slack.addUser({ id: 'U0ADMIN', is_admin: true, tz: 'Europe/Berlin' });
    const orm = await t.db.orm();
    ({ slackUserIds } = await seedBusyTeam(orm, {
      team: TEAM,
      zone: 'Europe/Berlin',
      teammates: PEOPLE,
      activities: ROWS,
      days: DAYS,
      anchor: NOW,
    }));
  });
  afterAll(async () => t?.close());

  it('posts the digest for all 200 as one message and thread replies', async () => {
    const before = t.slack.calls.length;
    const { respondId } = await sendCommand(t.baseUrl, {
      text: 'digest send <#C0LARGE>',
      userId: 'U0ADMIN',
      teamId: TEAM,
    });
    const answer = await t.slack.waitFor(() => t.slack.responses(respondId)[0], 30_000);
    expect(String(answer.body['text'])).toContain('Posted today’s digest in <#C0LARGE>');
    const posts = t.slack.calls
      .slice(before)
      .filter((call) => call.method === 'chat.postMessage' && call.body['channel'] === 'C0LARGE');
    const [main, ...replies] = posts;
    expect(main?.body['thread_ts']).toBeUndefined();
    expect(replies.length).toBeGreaterThan(0);
    const named = new Set(JSON.stringify(posts.map((post) => post.body['blocks'])).match(/Teammate \d+/g));
    // Everyone was busy yesterday: each of the 200 is in the digest, none left out to fit.
    expect(named.size).toBe(PEOPLE);
    expect(t.slack.blockKitRefusals).toEqual([]);
  });

  it('publishes the App Home’s team week for 200 people', async () => {
    const before = t.slack.calls.length;
    const response = await sendEvent(
      t.baseUrl,
      { type: 'app_home_opened', user: 'U0ADMIN', channel: 'D0HOME', tab: 'home' },
      { teamId: TEAM },
    );
    expect(response.status).toBe(200);
    const view = viewOf(await nthCallAfter(t.slack, 'views.publish', before));
    const blocks = view['blocks'] as unknown[];
    expect(blocks.length).toBeLessThanOrEqual(100);
    const text = JSON.stringify(blocks);
    expect(text).toContain('*The team this week*');
    expect(text).toMatch(/…and \d+ more people/);
    expect(t.slack.blockKitRefusals).toEqual([]);
  });

  it('answers `/pulse activity` for one person’s busy week and pages it with Show more', async () => {
    const person = slackUserIds[0]!;
    const { respondId } = await sendCommand(t.baseUrl, {
      text: `activity <@${person}> 7d`,
      userId: 'U0ADMIN',
      teamId: TEAM,
    });
    const first = await t.slack.waitFor(() => t.slack.responses(respondId)[0], 30_000);
    const blocks = blocksOf(first.body);
    const more = blocks.at(-1) as { type: string; elements?: Array<{ action_id: string; value: string }> };
    expect(more.type).toBe('actions');
    expect(more.elements?.[0]?.action_id).toBe('activity_more');
    const { payload, respondId: nextId } = blockActionPayload({
      actionId: 'activity_more',
      value: more.elements![0]!.value,
      userId: 'U0ADMIN',
      teamId: TEAM,
    });
    await sendInteraction(t.baseUrl, payload);
    const second = await t.slack.waitFor(() => t.slack.responses(nextId)[0], 30_000);
    expect(JSON.stringify(second.body)).toContain('continued');
    expect(t.slack.blockKitRefusals).toEqual([]);
  });
});

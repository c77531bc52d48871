import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { ActivityAnswer, ActivityItem } from '../../../src/modules/activity/activity-query.service.ts';
import { type ActivityPageRef, presentActivity, workSummaryLine } from '../../../src/slack/ui/activity.ui.ts';
import { buildItem, buildSummary } from './factories.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
const WINDOW = {
  start: new Date('2026-03-04T00:00:00Z'),
  end: new Date('2026-03-11T00:00:00Z'),
  label: 'last 7 days (4 Mar – 10 Mar 2026)',
  timeZone: 'Asia/Tokyo',
};
const MR = 'https://gitlab.example.com/acme/billing/-/merge_requests/5';

function answer(items: ActivityItem[], total = items.length): ActivityAnswer {
  const summary = buildSummary();
  for (const item of items) summary.counts[item.kind] += 1;
  summary.total = total;
  return { status: 'ok', slackUserId: 'U1', window: WINDOW, summary, items, sources: ['gitlab'] };
}

const texts = (blocks: KnownBlock[]) => blocks.map((block) => JSON.stringify(block)).join('\n');
const moreButton = (blocks: KnownBlock[]) =>
  blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block as { elements: Array<{ action_id: string; value?: string }> }).elements)
    .find((element) => element.action_id === 'activity_more');

describe('/pulse activity as pieces of work', () => {
  it('shows an MR once: link, Jira, what was done with commits ± and a comment snippet, its pipeline and time', () => {
    const message = presentActivity(
      answer([
        buildItem({
          kind: 'mr_opened',
          url: MR,
          title: 'Faster <invoices>',
          branch: 'feat/fast',
          occurredAt: new Date('2026-03-09T01:00:00Z'),
        }),
        buildItem({ kind: 'commit_pushed', branch: 'feat/fast', linesAdded: 30, linesRemoved: 4 }),
        buildItem({
          kind: 'pipeline_run',
          branch: 'feat/fast',
          status: 'success',
          durationSeconds: 250,
          url: 'https://gitlab.example.com/acme/billing/-/pipelines/9',
        }),
        buildItem({
          kind: 'mr_commented',
          url: `${MR}#note_1`,
          snippet:
            'Could we   cache the totals? The query runs once per line and that is slow on big invoices, really slow.',
        }),
        buildItem({ kind: 'time_logged', url: MR, timeSpentSeconds: 5400 }),
        buildItem({
          kind: 'mr_merged',
          url: MR,
          title: 'Faster <invoices>',
          jira: [{ key: 'ABC-12', url: 'https://acme.atlassian.net/browse/ABC-12' }],
          occurredAt: new Date('2026-03-10T10:30:00Z'),
        }),
      ]),
      { now: NOW, timeZone: 'Asia/Tokyo' },
    );
    expect(message.blocks).toHaveLength(2);
    const item = (message.blocks[1] as { text: { text: string } }).text.text;
    expect(item).toBe(
      [
        `*<${MR}|!5 Faster &lt;invoices&gt;>* · acme/billing · <https://acme.atlassian.net/browse/ABC-12|ABC-12>`,
        'opened · pushed 1 commit (+30 −4) · commented “Could we cache the totals? The query runs once per line and that is slow on big invoices,…” · merged',
        ':white_check_mark: pipeline passed in 4m (<https://gitlab.example.com/acme/billing/-/pipelines/9|latest>) · 1h 30m logged · last Tue 10 Mar 19:30',
      ].join('\n'),
    );
  });

  it('says reviewed with the time spent, and approved, on someone else’s MR', () => {
    const message = presentActivity(
      answer([
        buildItem({
          kind: 'mr_commented',
          url: `${MR}#note_2`,
          review: true,
          durationSeconds: 1500,
          snippet: 'nit',
        }),
        buildItem({ kind: 'mr_approved', url: MR, review: true }),
      ]),
      { now: NOW, timeZone: 'UTC' },
    );
    expect(texts(message.blocks)).toContain('reviewed (25m) · approved · commented “nit”');
  });

  it('names the latest commit of a branch without an MR, linked', () => {
    const message = presentActivity(
      answer([
        buildItem({
          kind: 'commit_pushed',
          branch: 'main',
          title: 'First step',
          occurredAt: new Date('2026-03-10T01:00:00Z'),
        }),
        buildItem({
          kind: 'commit_pushed',
          branch: 'main',
          title: 'PAY-42 Settle invoices nightly',
          url: 'https://gitlab.example.com/acme/billing/-/commit/def',
          occurredAt: new Date('2026-03-10T02:00:00Z'),
        }),
      ]),
      { now: NOW, timeZone: 'UTC' },
    );
    expect((message.blocks[1] as { text: { text: string } }).text.text).toBe(
      [
        '*Branch <https://gitlab.example.com/acme/billing/-/tree/main|main>* · acme/billing',
        'pushed 2 commits (+2 −0), latest: <https://gitlab.example.com/acme/billing/-/commit/def|PAY-42 Settle invoices nightly>',
        'last Tue 10 Mar 02:00',
      ].join('\n'),
    );
  });

  it('prints nothing for what did not happen', () => {
    const message = presentActivity(answer([buildItem({ kind: 'commit_pushed', branch: 'main' })]), {
      now: NOW,
      timeZone: 'UTC',
    });
    const all = `${message.text}\n${texts(message.blocks)}`;
    expect(all).not.toMatch(/\b0 (issues|MRs|approvals|comments|merged|closed|passed|failed)/);
    expect(all).not.toContain('0m logged');
    expect(all).toContain('1 commit (+1 −0)');
  });

  it('summarizes only what happened', () => {
    const summary = buildSummary({ mr_opened: 2, mr_merged: 1, issue_closed: 1, mr_commented: 1 });
    summary.pipelinesFailed = 1;
    summary.timeLoggedSeconds = 5400;
    expect(workSummaryLine(summary)).toBe(
      '2 MRs opened, 1 merged · 1 issue closed · 1 comment · 1h 30m logged · pipelines 1 failed',
    );
  });

  it('pages a long answer behind a "Show more" button instead of cutting it', () => {
    const items = Array.from({ length: 120 }, (_, index) =>
      buildItem({
        kind: 'mr_opened',
        url: `https://gitlab.example.com/acme/billing/-/merge_requests/${index + 1}`,
        title: `Change number ${index + 1}`,
        occurredAt: new Date(NOW.getTime() - index * 60_000),
      }),
    );
    const seen = new Set<string>();
    let from = 0;
    let pages = 0;
    for (;;) {
      const message = presentActivity(answer(items), { now: NOW, timeZone: 'UTC', source: 'gitlab', from });
      pages += 1;
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(10_000);
      for (const match of texts(message.blocks).matchAll(/merge_requests\/(\d+)\|/g)) {
        expect(seen.has(match[1]!)).toBe(false);
        seen.add(match[1]!);
      }
      const button = moreButton(message.blocks);
      if (!button) break;
      const ref = JSON.parse(String(button.value)) as ActivityPageRef;
      expect(ref).toMatchObject({
        u: 'U1',
        s: WINDOW.start.getTime(),
        e: WINDOW.end.getTime(),
        src: 'gitlab',
      });
      expect(ref.f).toBeGreaterThan(from);
      from = ref.f;
    }
    expect(seen.size).toBe(120);
    expect(pages).toBeGreaterThan(1);
  });

  it('says when older activity was not loaded, rather than dropping it silently', () => {
    const message = presentActivity(answer([buildItem({ kind: 'mr_opened', url: MR })], 3), {
      now: NOW,
      timeZone: 'UTC',
    });
    expect(JSON.stringify(message.blocks.at(-1))).toContain('Only the latest 1 thing done in this period');
  });
});

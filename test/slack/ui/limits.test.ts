import type { Block, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { presentActivity } from '../../../src/slack/ui/activity.ui.ts';
import { truncateMrkdwn } from '../../../src/slack/ui/blocks.ts';
import { presentFetchFailed, presentFetchSummary } from '../../../src/slack/ui/fetch.ui.ts';
import { presentGitLabUserOptions } from '../../../src/slack/ui/gitlab-user-options.ui.ts';
import { presentHome } from '../../../src/slack/ui/home.ui.ts';
import { presentSuggestions } from '../../../src/slack/ui/mapping-suggestions.ui.ts';
import { presentSourceForm, presentSourceSaved } from '../../../src/slack/ui/source-form.ui.ts';
import { presentSourceList, presentTestResult } from '../../../src/slack/ui/sources.ui.ts';
import { presentTeammateForm, presentTeammates } from '../../../src/slack/ui/teammates.ui.ts';
import { fitBlocks, modal } from '../../../src/slack/ui/views.ts';
import { buildConnection, buildItem, buildSourceView, buildSummary } from './factories.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
const WINDOW = {
  start: new Date('2026-03-04T00:00:00Z'),
  end: new Date('2026-03-11T00:00:00Z'),
  label: 'last 7 days',
  timeZone: 'UTC',
};

function sectionTexts(blocks: ReadonlyArray<KnownBlock | Block>): string[] {
  return blocks.flatMap((block) => {
    const text = (block as { text?: { text?: string } }).text?.text;
    return text === undefined ? [] : [text];
  });
}

describe("Slack's limits, enforced by the builders", () => {
  it('cuts modal titles, submit and close labels to 24 characters', () => {
    const view = modal({
      title: 'A title that is far too long for Slack',
      submit: 'Submit with a very long label',
      close: 'Close with a very long label',
      blocks: [],
    });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.title.text.endsWith('…')).toBe(true);
    expect(view.submit?.text.length).toBeLessThanOrEqual(24);
    expect(view.close?.text.length).toBeLessThanOrEqual(24);
  });

  it('keeps every modal title of ours whole (they are written to fit)', () => {
    const views = [
      presentSourceForm({ metadata: { mode: 'add' } }),
      presentSourceForm({ metadata: { mode: 'edit', sourceId: 'x' } }),
      presentSourceSaved({
        source: buildSourceView(),
        connection: buildConnection(),
        created: true,
        notes: [],
      }),
      presentTeammateForm({ sources: [buildSourceView()], identities: [] }),
    ];
    for (const view of views) {
      expect(view.title.text.length).toBeLessThanOrEqual(24);
      expect(view.title.text).not.toContain('…');
    }
  });

  it('refuses private_metadata over 3,000 characters rather than cutting JSON', () => {
    expect(() => modal({ title: 'x', blocks: [], privateMetadata: 'x'.repeat(3001) })).toThrow(/3,000/);
  });

  it('caps modals at 100 blocks and says what was left out', () => {
    const sources = Array.from({ length: 150 }, (_, index) =>
      buildSourceView({ id: `id-${index}`, name: `source-${index}` }),
    );
    const view = presentTeammateForm({ sources, identities: [] });
    expect(view.blocks).toHaveLength(100);
    expect(JSON.stringify(view.blocks.at(-1))).toContain('…and 52 more blocks not shown');
  });

  it('answers a GitLab user search with at most 100 options, texts ≤ 75 and values ≤ 150 characters', () => {
    const users = Array.from({ length: 130 }, (_, index) => ({
      username: index === 0 ? 'x'.repeat(151) : `user${index}`,
      name: `A person with a remarkably long name that goes on and on, number ${index}`,
    }));
    const { options } = presentGitLabUserOptions(users);
    expect(options).toHaveLength(100);
    expect(options.every((option) => option.text.text.length <= 75 && option.value!.length <= 150)).toBe(
      true,
    );
    expect(options[0]?.value).toBe('user1');
  });

  it('pages 250 suggested mappings into checkbox groups of 10, within a modal’s 100 blocks', () => {
    const proposals = Array.from({ length: 250 }, (_, index) => ({
      sourceId: `00000000-0000-4000-8000-${String(index % 3).padStart(12, '0')}`,
      sourceName: `source-${index % 3}`,
      slackUserId: `U${String(index).padStart(10, '0')}`,
      displayName: `Someone with a long display name ${index}`,
      username: `someone.with.a.long.username.${index}`,
      gitlabName: `Someone With A Long GitLab Name ${index}`,
      reason: index % 2 === 0 ? ('email' as const) : ('name' as const),
    }));
    const view = presentSuggestions({ proposals, ambiguous: 2, notSearched: 0, sourceErrors: [] });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const groups = view.blocks.filter((block) => block.type === 'input') as Array<{
      element: {
        options: Array<{ text: { text: string }; description: { text: string }; value: string }>;
        initial_options?: unknown[];
      };
    }>;
    expect(groups.map((group) => group.element.options.length).reduce((sum, n) => sum + n, 0)).toBe(100);
    for (const group of groups) {
      expect(group.element.options.length).toBeLessThanOrEqual(10);
      for (const option of group.element.options) {
        expect(option.text.text.length).toBeLessThanOrEqual(75);
        expect(option.description.text.length).toBeLessThanOrEqual(75);
        expect(option.value.length).toBeLessThanOrEqual(150);
      }
    }
    expect(JSON.stringify(view)).toContain('150 more proposals: map these first, then suggest again.');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
  });

  it('fitBlocks leaves short lists alone', () => {
    const blocks: KnownBlock[] = [{ type: 'divider' }];
    expect(fitBlocks(blocks, 100)).toBe(blocks);
  });

  it('keeps a long source list within 50 blocks and the message size budget', () => {
    const sources = Array.from({ length: 60 }, (_, index) =>
      buildSourceView({
        id: `id-${index}`,
        name: `source-${index}`,
        lastError: 'x'.repeat(200),
        status: 'failing',
      }),
    );
    const message = presentSourceList(sources, { now: NOW, timeZone: 'UTC', canManage: true });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(11_000);
    expect(message.text.length).toBeGreaterThan(0);
    expect(message.text.length).toBeLessThanOrEqual(4000);
    expect(JSON.stringify(message.blocks.at(-1))).toMatch(/more blocks? not shown/);
  });

  it('keeps every page of a huge week of one person within Slack’s limits (1,000 loaded of 50,000 done)', () => {
    const kinds = [
      'mr_opened',
      'commit_pushed',
      'mr_commented',
      'pipeline_run',
      'time_logged',
      'mr_approved',
    ] as const;
    const items = Array.from({ length: 1000 }, (_, index) =>
      buildItem({
        kind: kinds[index % kinds.length]!,
        title: `A long title ${index} ${'x'.repeat(300)}`,
        url: `https://g.example/${'p'.repeat(60)}/-/merge_requests/${index % 400}#note_${index}`,
        branch: `feature/${'b'.repeat(100)}-${index % 400}`,
        snippet: 'y'.repeat(500),
        review: true,
        durationSeconds: 600,
        jira: Array.from({ length: 12 }, (_, key) => ({
          key: `ABC-${key}`,
          url: `https://j.example/browse/ABC-${key}`,
        })),
      }),
    );
    const summary = buildSummary({ mr_opened: 10_000, commit_pushed: 40_000 });
    let from = 0;
    for (let page = 0; page < 100; page += 1) {
      const message = presentActivity(
        { status: 'ok', slackUserId: 'U1', window: WINDOW, summary, items, sources: ['gitlab'] },
        { now: NOW, timeZone: 'UTC', from },
      );
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      for (const text of sectionTexts(message.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
      expect(JSON.stringify(message.blocks).length).toBeLessThanOrEqual(10_000);
      expect(message.text.length).toBeLessThanOrEqual(4000);
      const more = JSON.stringify(message.blocks).match(/"value":"(\{.*?\})"/);
      if (!more) return;
      from = (JSON.parse(JSON.parse(`"${more[1]}"`)) as { f: number }).f;
    }
    throw new Error('more than 100 pages');
  });

  it('keeps a fetch summary for a large team within 50 blocks', () => {
    const counts = Object.fromEntries(
      Array.from({ length: 300 }, (_, index) => [`U${index}`, { commit_pushed: 2, mr_opened: 1 }]),
    );
    const sources = Array.from({ length: 60 }, (_, index) => ({
      syncRunId: `r${index}`,
      dataSourceId: `s${index}`,
      dataSourceName: `source-${index}`,
      status: 'succeeded' as const,
      counts,
      apiCalls: 10,
      retries: 0,
      durationMs: 1000,
      failures: [],
      notes: [],
    }));
    const message = presentFetchSummary({ sources });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const text of sectionTexts(message.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
  });

  it('keeps the teammates list within 50 blocks', () => {
    const teammates = Array.from({ length: 80 }, (_, index) => ({
      slackUserId: `U${index}`,
      displayName: `Person ${index}`,
      timezone: null,
      identities: [{ sourceId: 's', sourceName: 'gitlab', username: `p${index}`, gitlabUserId: index }],
    }));
    const message = presentTeammates(teammates, { canManage: true });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.text).toBe('80 teammates mapped');
  });

  it('keeps the App Home within 100 blocks', () => {
    const sources = Array.from({ length: 40 }, (_, index) =>
      buildSourceView({ id: `id-${index}`, name: `s${index}` }),
    );
    const teammates = Array.from({ length: 60 }, (_, index) => ({
      slackUserId: `U${index}`,
      displayName: null,
      timezone: null,
      identities: [],
    }));
    const long = 'A very long merge request title that goes on and on about what it changes '.repeat(3);
    const url = (n: number) => `https://gitlab.example.com/group/sub/project-${n}/-/merge_requests/${n}`;
    const view = presentHome(
      {
        team: {
          people: Array.from({ length: 200 }, (_, index) => ({
            slackUserId: `U${index}`,
            merged: [1, 2, 3].map((n) => ({ title: long, url: url(index * 10 + n) })),
            mergedCount: 9,
            commits: 120,
            reviews: 14,
            daily: Array.from({ length: 14 }, (_, day) => (index * day) % 40),
          })),
          waiting: Array.from({ length: 10 }, (_, index) => ({
            reviewerSlackUserId: `U${index}`,
            title: long,
            url: url(index),
            requestedAt: NOW,
          })),
          failing: Array.from({ length: 10 }, (_, index) => ({
            slackUserId: `U${index}`,
            project: `group/sub/project-${index}`,
            ref: `feature/${long.slice(0, 60)}`,
            title: 'Pipeline failed',
            url: url(index),
            at: NOW,
          })),
        },
        sources,
        teammates,
        mine: { status: 'unmapped', slackUserId: 'U1' },
        digests: Array.from({ length: 30 }, (_, index) => ({
          channelId: `C${index}`,
          localTime: '09:00',
          timezone: 'UTC',
          weekdays: [1, 2, 3, 4, 5],
          enabled: true,
          lastError: null,
        })),
        lastSync: null,
      },
      { now: NOW, timeZone: 'UTC', canManage: true, slackUserId: 'U1' },
    );
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    for (const text of sectionTexts(view.blocks)) expect(text.length).toBeLessThanOrEqual(3000);
  });
});

describe('cutting mrkdwn to a section', () => {
  it('cuts at a line break, or before a link or entity the cut would split', () => {
    expect(truncateMrkdwn(`${'a'.repeat(60)}\n<https://x.test/1|one> two`, 70)).toBe(`${'a'.repeat(60)}\n…`);
    const oneLine = `${'b'.repeat(50)} <https://example.test/long/path|label>`;
    expect(truncateMrkdwn(oneLine, 70)).toBe(`${'b'.repeat(50)} …`);
    expect(truncateMrkdwn(`${'c'.repeat(10)} &amp; more`, 14)).toBe(`${'c'.repeat(10)} …`);
    expect(truncateMrkdwn('short', 70)).toBe('short');
  });
});

describe('fallback text', () => {
  it('is escaped like the blocks, so a name cannot become a mention or a link', () => {
    const source = {
      id: 's1',
      name: '<!channel> & <@U0BOSS>',
      baseUrl: 'https://gitlab.example.com',
    } as unknown as Parameters<typeof presentTestResult>[0]['source'];
    const failed = presentTestResult({
      ok: false,
      source,
      code: 'X',
      message: 'bad <https://evil.test|link>',
    });
    expect(failed.text).not.toMatch(/<[!@h]/);
    expect(failed.text).toContain('&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;');
    expect(presentFetchFailed('<!here> broke').text).toBe('The fetch failed: &lt;!here&gt; broke');
  });
});

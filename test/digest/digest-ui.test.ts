import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { DigestContent, DigestPerson } from '../../src/modules/digest/digest.types.ts';
import { emptyTotals } from '../../src/modules/digest/digest-builder.service.ts';
import { digestWindowFor } from '../../src/modules/digest/digest-time.ts';
import { LIMITS } from '../../src/slack/ui/blocks.ts';
import { presentDigest } from '../../src/slack/ui/digest.ui.ts';
import { blockSize } from '../../src/slack/ui/message-split.ts';

function person(index: number, overrides: Partial<DigestPerson> = {}): DigestPerson {
  return {
    slackUserId: `U${String(index).padStart(8, '0')}`,
    displayName: `Person ${index}`,
    totals: {
      ...emptyTotals(),
      mrOpened: 2,
      mrMerged: 1,
      reviews: 3,
      approvals: 2,
      pickupSeconds: 3900,
      reviewEffortSeconds: 2400,
      commits: 5,
      linesAdded: 1200,
      linesRemoved: 30,
      issuesOpened: 1,
      issuesClosed: 2,
      comments: 4,
      timeLoggedSeconds: 9000,
      pipelinesPassed: 3,
      pipelinesFailed: 1,
      activities: 25,
    },
    highlights: [
      {
        kind: 'mr_merged',
        title: 'Fix login <redirect> | loop',
        url: 'https://gitlab.example.com/g/app/-/merge_requests/12',
        project: 'g/app',
      },
      {
        kind: 'mr_opened',
        title: 'Add audit log',
        url: 'https://gitlab.example.com/g/app/-/merge_requests/13',
        project: 'g/app',
      },
      { kind: 'issue_closed', title: 'Crash on start', url: 'javascript:alert(1)', project: 'g/app' },
    ],
    moreHighlights: 2,
    failedPipelines: [
      { project: 'g/app', ref: 'main', url: 'https://gitlab.example.com/g/app/-/pipelines/9' },
    ],
    commits: [
      { title: 'Fix rounding', url: 'https://gitlab.example.com/g/app/-/commit/abc' },
      { title: 'Add exporter', url: 'https://gitlab.example.com/g/app/-/commit/def' },
    ],
    moreCommits: 3,
    jira: [
      { key: 'ABC-123', url: 'https://jira.example.com/browse/ABC-123' },
      { key: 'OPS-7', url: null },
    ],
    ...overrides,
  };
}

function content(overrides: Partial<DigestContent> = {}): DigestContent {
  const people = overrides.people ?? [person(1), person(2, { displayName: null })];
  return {
    workspaceId: 'T0TEST',
    window: digestWindowFor('2026-03-09', 'America/New_York'),
    team: {
      ...emptyTotals(),
      mrOpened: 4,
      mrMerged: 2,
      reviews: 6,
      approvals: 4,
      pickupSeconds: 3900,
      reviewEffortSeconds: 4800,
      commits: 10,
      linesAdded: 2400,
      linesRemoved: 60,
      issuesOpened: 2,
      issuesClosed: 4,
      comments: 8,
      timeLoggedSeconds: 18000,
      pipelinesPassed: 6,
      pipelinesFailed: 2,
      activities: 50,
      people: people.length + 2,
      activePeople: people.length,
    },
    people,
    quiet: [
      { slackUserId: 'U0QUIET1', displayName: 'Quiet One' },
      { slackUserId: 'U0QUIET2', displayName: 'Quiet & Two' },
    ],
    staleSources: [],
    ...overrides,
  };
}

const textOf = (block: KnownBlock): string => JSON.stringify(block);

describe('the digest layout', () => {
  it('reads as a header with the days, a team line, one section per person and the quiet ones together', () => {
    const messages = presentDigest(content());
    // The digest in one message, and how review time is estimated as its thread reply.
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchSnapshot();
    expect(messages[1]!.text).toContain('Review time is an estimate');
  });

  it('calls out failed pipelines first and links the latest commits, then says how many more', () => {
    const [message] = presentDigest(content());
    const personBlock = textOf(message!.blocks[3]!);
    const failed = personBlock.indexOf(
      ':red_circle: pipeline failed on <https://gitlab.example.com/g/app/-/pipelines/9|g/app · main>',
    );
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(personBlock.indexOf('merged <'));
    expect(personBlock).toContain(
      '• commits: <https://gitlab.example.com/g/app/-/commit/abc|Fix rounding>, <https://gitlab.example.com/g/app/-/commit/def|Add exporter> and 3 more',
    );
    expect(JSON.stringify(message!.blocks.at(-1))).toContain(
      'Review times are estimates (how, in the thread)',
    );
  });

  it('links GitLab and Jira safely: labels escaped, only http(s) URLs linked', () => {
    const [message] = presentDigest(content());
    const personBlock = textOf(message!.blocks[3]!);
    expect(personBlock).toContain(
      '<https://gitlab.example.com/g/app/-/merge_requests/12|Fix login &lt;redirect&gt; ¦ loop>',
    );
    expect(personBlock).toContain('<https://jira.example.com/browse/ABC-123|ABC-123>');
    expect(personBlock).not.toContain('javascript:');
    expect(personBlock).toContain('…and 2 more');
  });

  it('says when data may be stale, and when nobody is mapped', () => {
    const stale = presentDigest(
      content({
        staleSources: [
          { name: 'prod', lastSyncAt: new Date('2026-03-06T20:10:00Z') },
          { name: 'new', lastSyncAt: null },
        ],
      }),
    );
    const note = JSON.stringify(stale[0]!.blocks);
    expect(note).toContain('Data may be stale');
    expect(note).toContain('*prod* last synced Fri 6 Mar 15:10');
    expect(note).toContain('*new* has not synced yet');

    const empty = presentDigest(
      content({ people: [], quiet: [], team: { ...emptyTotals(), people: 0, activePeople: 0 } }),
    );
    expect(JSON.stringify(empty[0]!.blocks)).toContain('/pulse map @user');
  });

  it('stays within Slack limits with 200 busy people: 50 blocks, 3,000 characters a section, thread replies for the rest', () => {
    const longTitle = 'A very long merge request title '.repeat(8);
    const people = Array.from({ length: 200 }, (_, index) =>
      person(index + 1, {
        highlights: Array.from({ length: 5 }, (_, item) => ({
          kind: 'mr_opened' as const,
          title: `${longTitle}${item}`,
          url: `https://gitlab.example.com/g/app/-/merge_requests/${index * 10 + item}`,
          project: 'group/sub-group/a-project-with-a-long-name',
        })),
        jira: Array.from({ length: 8 }, (_, key) => ({
          key: `PROJ-${index}${key}`,
          url: `https://jira.example.com/browse/PROJ-${index}${key}`,
        })),
      }),
    );
    const quiet = Array.from({ length: 400 }, (_, index) => ({
      slackUserId: `UQ${index}`,
      displayName: `Quiet person with a long name ${index}`,
    }));
    const messages = presentDigest(content({ people, quiet }));
    expect(messages.length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (const message of messages) {
      expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
      expect(message.blocks.reduce((sum, block) => sum + blockSize(block), 0)).toBeLessThanOrEqual(
        LIMITS.totalMessageChars,
      );
      expect(message.text.length).toBeLessThanOrEqual(LIMITS.messageText);
      for (const block of message.blocks) {
        if (block.type === 'section') {
          expect(block.text!.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
          const name = /^\*(Person \d+)\*/.exec(block.text!.text)?.[1];
          if (name) seen.push(name);
        }
        if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
      }
    }
    // Everyone appears exactly once, in order; the quiet are all named.
    expect(seen).toEqual(people.map((entry) => entry.displayName));
    const all = messages.map((message) => JSON.stringify(message.blocks)).join('');
    expect(all).toContain('Quiet person with a long name 0');
    expect(all).toContain('Quiet person with a long name 399');
    expect(JSON.stringify(messages[0]!.blocks)).toContain('Continued in the thread');
  });
});

describe('digest text that must not misbehave in a channel', () => {
  const allText = (messages: ReturnType<typeof presentDigest>) =>
    messages.map((message) => `${message.text}\n${JSON.stringify(message.blocks)}`).join('\n');

  it('never mentions anyone: names are plain text, also for someone without a stored name', () => {
    const messages = presentDigest(
      content({
        quiet: [
          { slackUserId: 'U0QUIET', displayName: null },
          { slackUserId: 'U0Q2', displayName: 'Q <@U0X>' },
        ],
      }),
    );
    const text = allText(messages);
    expect(text).not.toMatch(/<@[UW]/);
    expect(text).toContain('Slack user U00000002');
    expect(text).toContain('Slack user U0QUIET');
    expect(text).toContain('Q &lt;@U0X&gt;');
  });

  it('splits 60 Jira keys with long links between keys: every section within 3,000 characters, every link whole, every key there', () => {
    const jira = Array.from({ length: 60 }, (_, index) => ({
      key: `PAYMENTS-${1000 + index}`,
      url: `https://jira.example.com/browse/PAYMENTS-${1000 + index}?focusedCommentId=1234567890&page=com.atlassian`,
    }));
    const messages = presentDigest(content({ people: [person(1, { jira })] }));
    const sections = messages
      .flatMap((message) => message.blocks)
      .filter((block): block is KnownBlock & { text: { text: string } } => block.type === 'section')
      .map((block) => block.text.text);
    for (const text of sections) {
      expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(text.split('<').length).toBe(text.split('>').length);
      expect(text).not.toMatch(/…$/);
    }
    const joined = sections.join('\n');
    for (const key of jira) expect(joined).toContain(`|${key.key}>`);
    expect(joined).toContain('Jira (continued):');
  });
});

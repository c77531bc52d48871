import { describe, expect, it } from 'vitest';
import { groupWorkItems } from '../../src/modules/activity/work-items.ts';
import { buildItem } from '../slack/ui/factories.ts';

const MR = 'https://gitlab.example.com/acme/billing/-/merge_requests/5';
const ISSUE = 'https://gitlab.example.com/acme/billing/-/issues/7';
const at = (hour: number) => new Date(`2026-03-10T${String(hour).padStart(2, '0')}:00:00Z`);

describe('groupWorkItems', () => {
  it('makes one item of an MR: opened, commits and pipelines on its branch, review, comments, time, merge', () => {
    const [item, ...rest] = groupWorkItems([
      buildItem({
        kind: 'mr_opened',
        url: MR,
        title: 'Faster invoices',
        branch: 'feat/fast',
        occurredAt: at(8),
      }),
      buildItem({
        kind: 'commit_pushed',
        branch: 'feat/fast',
        linesAdded: 30,
        linesRemoved: 4,
        occurredAt: at(9),
      }),
      buildItem({
        kind: 'commit_pushed',
        branch: 'feat/fast',
        linesAdded: 5,
        linesRemoved: 1,
        occurredAt: at(10),
      }),
      buildItem({
        kind: 'pipeline_run',
        branch: 'feat/fast',
        status: 'failed',
        durationSeconds: 100,
        occurredAt: at(10),
      }),
      buildItem({
        kind: 'pipeline_run',
        branch: 'feat/fast',
        status: 'success',
        durationSeconds: 250,
        url: 'https://gitlab.example.com/acme/billing/-/pipelines/9',
        occurredAt: at(11),
      }),
      buildItem({ kind: 'mr_commented', url: `${MR}#note_1`, snippet: 'First thought', occurredAt: at(11) }),
      buildItem({ kind: 'mr_commented', url: `${MR}#note_2`, snippet: 'Looks good now', occurredAt: at(12) }),
      buildItem({ kind: 'time_logged', url: MR, timeSpentSeconds: 5400, occurredAt: at(12) }),
      buildItem({
        kind: 'mr_merged',
        url: MR,
        title: 'Faster invoices',
        jira: [{ key: 'ABC-12', url: null }],
        occurredAt: at(13),
      }),
    ]);
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      type: 'merge_request',
      title: 'Faster invoices',
      url: MR,
      reference: '!5',
      opened: true,
      merged: true,
      commits: 2,
      linesAdded: 35,
      linesRemoved: 5,
      comments: 2,
      lastComment: 'Looks good now',
      timeLoggedSeconds: 5400,
      reviewed: false,
      jira: [{ key: 'ABC-12', url: null }],
      lastAt: at(13),
    });
    expect(item?.pipeline).toMatchObject({ status: 'success', durationSeconds: 250 });
  });

  it('counts a review of someone else’s MR with its estimated effort, and an approval', () => {
    const [item] = groupWorkItems([
      buildItem({ kind: 'mr_review_requested', url: MR, occurredAt: at(8) }),
      buildItem({
        kind: 'mr_commented',
        url: `${MR}#note_3`,
        review: true,
        durationSeconds: 1500,
        occurredAt: at(9),
      }),
      buildItem({ kind: 'mr_approved', url: MR, review: true, durationSeconds: null, occurredAt: at(10) }),
    ]);
    expect(item).toMatchObject({
      reviewRequested: true,
      reviewed: true,
      reviewSeconds: 1500,
      approved: true,
    });
  });

  it('keeps commits on a branch without an MR as a branch, issues apart, newest first', () => {
    const items = groupWorkItems([
      buildItem({
        kind: 'commit_pushed',
        branch: 'spike/cache',
        url: 'https://gitlab.example.com/acme/billing/-/commit/abc',
        occurredAt: at(9),
      }),
      buildItem({ kind: 'issue_opened', url: ISSUE, title: 'Invoices are slow', occurredAt: at(10) }),
      buildItem({
        kind: 'issue_commented',
        url: `${ISSUE}#note_4`,
        snippet: 'Measured: 4 s',
        occurredAt: at(11),
      }),
      buildItem({ kind: 'time_logged', url: ISSUE, timeSpentSeconds: 600, occurredAt: at(7) }),
    ]);
    expect(items.map((item) => [item.type, item.reference])).toEqual([
      ['issue', '#7'],
      ['branch', 'spike/cache'],
    ]);
    expect(items[0]).toMatchObject({ opened: true, comments: 1, timeLoggedSeconds: 600 });
    expect(items[1]?.url).toBe('https://gitlab.example.com/acme/billing/-/tree/spike%2Fcache');
  });

  it('does not join a branch of another project to an MR with the same branch name', () => {
    const items = groupWorkItems([
      buildItem({ kind: 'mr_opened', url: MR, branch: 'main-fix', project: 'acme/billing' }),
      buildItem({ kind: 'commit_pushed', branch: 'main-fix', project: 'acme/shop' }),
    ]);
    expect(items).toHaveLength(2);
  });
});

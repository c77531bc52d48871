import { describe, expect, it } from 'vitest';
import { reviewerChanges, reviewRequestOf } from '../../src/modules/sync/review-request-notes.ts';
import { assignReviewTime, reviewEffortSeconds } from '../../src/modules/sync/review-time.ts';

const at = (time: string) => new Date(`2024-05-06T${time}:00Z`);

describe('review time', () => {
  it('sums sessions of comments separated by at most 30 minutes', () => {
    // 09:00–09:20 (20 min), then 10:00 alone (0), then 11:00–11:30 (30 min, gap exactly 30 min).
    expect(reviewEffortSeconds([at('09:20'), at('09:00'), at('10:00'), at('11:00'), at('11:30')])).toBe(
      50 * 60,
    );
    expect(reviewEffortSeconds([at('09:00')])).toBe(0);
    expect(reviewEffortSeconds([])).toBe(0);
  });

  it('puts pickup and effort on the first action only, counting pickup from the review request', () => {
    const assigned = assignReviewTime([
      {
        naturalKey: 'approve',
        kind: 'mr_approved',
        occurredAt: at('10:00'),
        requestedAt: at('08:00'),
        openedAt: at('07:00'),
      },
      {
        naturalKey: 'note-2',
        kind: 'mr_commented',
        occurredAt: at('09:10'),
        requestedAt: null,
        openedAt: at('07:00'),
      },
      {
        naturalKey: 'note-1',
        kind: 'mr_commented',
        occurredAt: at('09:00'),
        requestedAt: null,
        openedAt: at('07:00'),
      },
    ]);
    expect(assigned.get('note-1')).toEqual({ pickupSeconds: 3600, effortSeconds: 600 });
    expect(assigned.get('note-2')).toBeNull();
    expect(assigned.get('approve')).toBeNull();
  });

  it('counts pickup from the MR opening when the request time is unknown, never below zero', () => {
    const opened = assignReviewTime([
      {
        naturalKey: 'a',
        kind: 'mr_approved',
        occurredAt: at('09:30'),
        requestedAt: null,
        openedAt: at('09:00'),
      },
    ]);
    expect(opened.get('a')).toEqual({ pickupSeconds: 1800, effortSeconds: 0 });
    const early = assignReviewTime([
      {
        naturalKey: 'a',
        kind: 'mr_commented',
        occurredAt: at('08:00'),
        requestedAt: at('09:00'),
        openedAt: null,
      },
    ]);
    expect(early.get('a')).toEqual({ pickupSeconds: 0, effortSeconds: 0 });
    const unknown = assignReviewTime([
      { naturalKey: 'a', kind: 'mr_commented', occurredAt: at('08:00'), requestedAt: null, openedAt: null },
    ]);
    expect(unknown.get('a')).toEqual({ pickupSeconds: null, effortSeconds: 0 });
  });
});

describe('when review was requested, from the MR’s system notes (the reviewers endpoint’s created_at)', () => {
  const mr = (
    reviewers: string[],
    notes: Array<[string, string]>,
  ): Parameters<typeof reviewRequestOf>[0] => ({
    iid: 5,
    createdAt: '2024-05-06T09:00:00Z',
    reviewers: reviewers.map((username) => ({ id: username === 'grace' ? 40 : 41, username })),
    systemNotes: notes.map(([createdAt, body]) => ({ createdAt, body })),
  });
  const grace = { userId: 40, username: 'Grace' };

  it('reads GitLab’s wording: several users, additions and removals in one note', () => {
    expect(
      reviewerChanges(
        'requested review from @grace, @ada.l and @linus-t and removed review request for @bob',
      ),
    ).toEqual({ added: ['grace', 'ada.l', 'linus-t'], removed: ['bob'] });
    expect(reviewerChanges('removed review request for @grace')).toEqual({ added: [], removed: ['grace'] });
    // A re-request (GitLab 16+) may also remove an approval: no user there.
    expect(reviewerChanges('requested review from @grace and removed approval')).toEqual({
      added: ['grace'],
      removed: [],
    });
    expect(reviewerChanges('assigned to @grace')).toEqual({ added: [], removed: [] });
  });

  it('takes the note that added the reviewer, the MR’s opening when they were set at creation, nothing when not a reviewer', () => {
    const added = mr(['grace'], [['2024-05-06T09:10:00Z', 'requested review from @grace']]);
    expect(reviewRequestOf(added, grace)).toEqual({ requested: true, at: '2024-05-06T09:10:00Z' });
    expect(reviewRequestOf(mr(['grace'], []), grace)).toEqual({
      requested: true,
      at: '2024-05-06T09:00:00Z',
    });
    expect(
      reviewRequestOf(mr(['ada'], [['2024-05-06T09:10:00Z', 'requested review from @grace']]), grace),
    ).toEqual({ requested: false, at: null });
  });

  it('starts again after a removal, as the reviewer row GitLab makes anew', () => {
    const readded = mr(
      ['grace'],
      [
        ['2024-05-06T09:10:00Z', 'requested review from @grace'],
        ['2024-05-06T11:00:00Z', 'requested review from @ada and removed review request for @grace'],
        ['2024-05-07T08:00:00Z', 'requested review from @grace'],
        ['2024-05-07T09:00:00Z', 'requested review from @grace and removed approval'],
      ],
    );
    expect(reviewRequestOf(readded, grace)).toEqual({ requested: true, at: '2024-05-07T08:00:00Z' });
  });
});

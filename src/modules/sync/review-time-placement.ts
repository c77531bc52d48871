import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivityDraft } from '../activity/activity-draft.ts';
import { findReviewActions } from '../activity/review-time.repository.ts';
import { assignReviewTime, type ReviewAction } from './review-time.ts';
import type { SyncRunContext } from './sync-run-context.ts';

/** A stored review action whose review time changes now that more of the reviewer's actions are known. */
export interface ReviewTimeUpdate {
  naturalKey: string;
  durationSeconds: number | null;
  pickupSeconds: number | null;
}

/**
 * Review time for every MR the page's review actions touch, computed over the stored actions and
 * the new ones together: new drafts get their fields set before the upsert; stored rows that must
 * gain or lose them are returned as updates.
 */
export async function placeReviewTime(
  em: EntityManager,
  context: Pick<SyncRunContext, 'workspaceId'>,
  teammateId: string,
  drafts: ActivityDraft[],
): Promise<ReviewTimeUpdate[]> {
  const reviewDrafts = drafts.filter(
    (entry) =>
      (entry.kind === 'mr_commented' || entry.kind === 'mr_approved') &&
      entry.isReview &&
      entry.mergeRequestRef !== null,
  );
  if (reviewDrafts.length === 0) return [];
  const refs = [...new Set(reviewDrafts.map((entry) => entry.mergeRequestRef as string))];
  const stored = await findReviewActions(em, { workspaceId: context.workspaceId, teammateId }, refs);
  const updates: ReviewTimeUpdate[] = [];
  for (const ref of refs) {
    const fresh = reviewDrafts.filter((entry) => entry.mergeRequestRef === ref);
    const freshKeys = new Set(fresh.map((entry) => entry.naturalKey));
    const actions: ReviewAction[] = [
      ...stored
        .filter((row) => row.mergeRequest === ref && !freshKeys.has(row.naturalKey))
        .map((row) => ({
          naturalKey: row.naturalKey,
          kind: row.kind,
          occurredAt: row.occurredAt,
          requestedAt: row.requestedAt,
          openedAt: row.openedAt,
        })),
      ...fresh.map((entry) => ({
        naturalKey: entry.naturalKey,
        kind: entry.kind as ReviewAction['kind'],
        occurredAt: entry.occurredAt,
        requestedAt: entry.reviewRequestedAt,
        openedAt: entry.mrCreatedAt,
      })),
    ];
    const assigned = assignReviewTime(actions);
    for (const [naturalKey, time] of assigned) {
      const durationSeconds = time ? time.effortSeconds : null;
      const pickupSeconds = time ? time.pickupSeconds : null;
      const draftEntry = fresh.find((entry) => entry.naturalKey === naturalKey);
      if (draftEntry) {
        draftEntry.durationSeconds = durationSeconds;
        draftEntry.pickupSeconds = pickupSeconds;
      } else {
        updates.push({ naturalKey, durationSeconds, pickupSeconds });
      }
    }
  }
  return updates;
}

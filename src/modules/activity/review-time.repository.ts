import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';

/**
 * Review time on stored activities: the review actions (comments, approvals) a placement reads,
 * and the durations and pick-up times it writes back (review-time-placement.ts).
 */

/** A stored review action (comment or approval) of one reviewer on one merge request. */
export interface StoredReviewAction {
  naturalKey: string;
  kind: 'mr_commented' | 'mr_approved';
  occurredAt: Date;
  mergeRequest: string;
  requestedAt: Date | null;
  openedAt: Date | null;
}

/** The teammate's stored review actions on these merge requests (by `merge_request_ref`). */
export async function findReviewActions(
  em: EntityManager,
  scope: { workspaceId: string; teammateId: string },
  mergeRequests: readonly string[],
): Promise<StoredReviewAction[]> {
  if (mergeRequests.length === 0) return [];
  const { rows } = await em.getKysely().executeQuery<{
    natural_key: string;
    kind: 'mr_commented' | 'mr_approved';
    occurred_at: string | Date;
    merge_request: string;
    requested_at: string | Date | null;
    opened_at: string | Date | null;
  }>(
    CompiledQuery.raw(
      `select natural_key, kind, occurred_at, merge_request_ref as merge_request,
         review_requested_at as requested_at, mr_created_at as opened_at
       from activity
       where workspace_id = $1 and teammate_id = $2 and kind in ('mr_commented', 'mr_approved')
         and is_review and merge_request_ref = any($3::text[])`,
      [scope.workspaceId, scope.teammateId, [...mergeRequests]],
    ),
  );
  const date = (value: string | Date | null) => (value ? new Date(value) : null);
  return rows.map((row) => ({
    naturalKey: row.natural_key,
    kind: row.kind,
    occurredAt: new Date(row.occurred_at),
    mergeRequest: row.merge_request,
    requestedAt: date(row.requested_at),
    openedAt: date(row.opened_at),
  }));
}

/**
 * Moves review time onto (or off) stored activities: `durationSeconds` (review effort) and
 * `pickupSeconds`; null clears them. Rows already right are not touched.
 *
 * The rows are named by an array the unique (workspace, natural key) index can look up: joined to
 * a JSON record set instead, PostgreSQL planned a hash join over the workspace's every activity
 * when the table had grown since it was last analyzed (a first sync: 200 ms a call at 113,000 rows).
 */
export async function setReviewTime(
  em: EntityManager,
  workspaceId: string,
  updates: ReadonlyArray<{
    naturalKey: string;
    durationSeconds: number | null;
    pickupSeconds: number | null;
  }>,
): Promise<number> {
  if (updates.length === 0) return 0;
  const { rows } = await em.getKysely().executeQuery<{ natural_key: string }>(
    CompiledQuery.raw(
      `update activity a set duration_seconds = u.duration_seconds, pickup_seconds = u.pickup, updated_at = now()
       from unnest($2::text[], $3::int[], $4::int[]) as u(natural_key, duration_seconds, pickup)
       where a.workspace_id = $1 and a.natural_key = any($2::text[]) and a.natural_key = u.natural_key
         and (a.duration_seconds is distinct from u.duration_seconds
              or a.pickup_seconds is distinct from u.pickup)
       returning a.natural_key`,
      [
        workspaceId,
        updates.map((update) => update.naturalKey),
        updates.map((update) => update.durationSeconds),
        updates.map((update) => update.pickupSeconds),
      ],
    ),
  );
  return rows.length;
}

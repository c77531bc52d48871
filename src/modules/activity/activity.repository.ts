import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivityDraft } from './activity-draft.ts';
import type { ActivityKind } from './activity-kinds.ts';

/**
 * Writes activities in bulk: one `insert … on conflict (workspace_id, natural_key) do update` per
 * batch, run inside the caller's transaction (so the sync can advance its cursor with the rows).
 * A row whose every field is unchanged is left alone and not reported, so a repeated sync reports
 * nothing stored. The teammate of an existing row is kept: the first person credited keeps it.
 */
export interface StoredActivity {
  naturalKey: string;
  kind: ActivityKind;
  teammateId: string;
  inserted: boolean;
}

export interface ActivityRow extends ActivityDraft {
  teammateId: string;
}

const UPSERT = `
insert into activity (workspace_id, teammate_id, data_source_id, source_type, kind, natural_key, occurred_at, title,
  url, project, lines_added, lines_removed, duration_seconds, time_spent_seconds, jira_keys, payload)
select ?, r.teammate_id, ?, ?, r.kind, r.natural_key, r.occurred_at, r.title, r.url, r.project, r.lines_added,
  r.lines_removed, r.duration_seconds, r.time_spent_seconds, coalesce(r.jira_keys, '{}'), coalesce(r.payload, '{}')
from jsonb_to_recordset(?::jsonb) as r(teammate_id uuid, kind text, natural_key text, occurred_at timestamptz,
  title text, url text, project text, lines_added int, lines_removed int, duration_seconds int,
  time_spent_seconds int, jira_keys text[], payload jsonb)
on conflict (workspace_id, natural_key) do update set
  kind = excluded.kind, occurred_at = excluded.occurred_at, title = excluded.title, url = excluded.url,
  project = excluded.project, lines_added = excluded.lines_added, lines_removed = excluded.lines_removed,
  duration_seconds = excluded.duration_seconds, time_spent_seconds = excluded.time_spent_seconds,
  jira_keys = excluded.jira_keys, payload = excluded.payload, updated_at = now()
where (activity.kind, activity.occurred_at, activity.title, activity.url, activity.project, activity.lines_added,
    activity.lines_removed, activity.duration_seconds, activity.time_spent_seconds, activity.jira_keys,
    activity.payload)
  is distinct from (excluded.kind, excluded.occurred_at, excluded.title, excluded.url, excluded.project,
    excluded.lines_added, excluded.lines_removed, excluded.duration_seconds, excluded.time_spent_seconds,
    excluded.jira_keys, excluded.payload)
returning natural_key, kind, teammate_id, (xmax = 0) as inserted`;

export async function upsertActivities(
  em: EntityManager,
  scope: { workspaceId: string; dataSourceId: string; sourceType?: string },
  rows: readonly ActivityRow[],
): Promise<StoredActivity[]> {
  if (rows.length === 0) return [];
  // One statement cannot touch a row twice: the last draft of a natural key wins.
  const unique = new Map<string, ActivityRow>();
  for (const row of rows) unique.set(row.naturalKey, row);
  const records = [...unique.values()].map((row) => ({
    teammate_id: row.teammateId,
    kind: row.kind,
    natural_key: row.naturalKey,
    occurred_at: row.occurredAt.toISOString(),
    title: row.title,
    url: row.url,
    project: row.project,
    lines_added: row.linesAdded,
    lines_removed: row.linesRemoved,
    duration_seconds: row.durationSeconds,
    time_spent_seconds: row.timeSpentSeconds,
    jira_keys: row.jiraKeys,
    payload: row.payload,
  }));
  const result = await em.execute<
    Array<{ natural_key: string; kind: ActivityKind; teammate_id: string; inserted: boolean }>
  >(UPSERT, [scope.workspaceId, scope.dataSourceId, scope.sourceType ?? 'gitlab', JSON.stringify(records)]);
  return result.map((row) => ({
    naturalKey: row.natural_key,
    kind: row.kind,
    teammateId: row.teammate_id,
    inserted: row.inserted,
  }));
}

/** A stored review action (comment or approval) of one reviewer on one merge request. */
export interface StoredReviewAction {
  naturalKey: string;
  kind: 'mr_commented' | 'mr_approved';
  occurredAt: Date;
  mergeRequest: string;
  requestedAt: Date | null;
  openedAt: Date | null;
}

/** The teammate's stored review actions on these merge requests (`payload.mergeRequest` refs). */
export async function findReviewActions(
  em: EntityManager,
  scope: { workspaceId: string; teammateId: string },
  mergeRequests: readonly string[],
): Promise<StoredReviewAction[]> {
  if (mergeRequests.length === 0) return [];
  const rows = await em.execute<
    Array<{
      natural_key: string;
      kind: 'mr_commented' | 'mr_approved';
      occurred_at: string | Date;
      merge_request: string;
      requested_at: string | null;
      opened_at: string | null;
    }>
  >(
    `select natural_key, kind, occurred_at, payload->>'mergeRequest' as merge_request,
       payload->>'reviewRequestedAt' as requested_at, payload->>'mrCreatedAt' as opened_at
     from activity
     where workspace_id = ? and teammate_id = ? and kind in ('mr_commented', 'mr_approved')
       and payload->>'review' = 'true' and payload->>'mergeRequest' = any(?::text[])`,
    [scope.workspaceId, scope.teammateId, `{${mergeRequests.map((ref) => `"${ref}"`).join(',')}}`],
  );
  const date = (value: string | null) => (value ? new Date(value) : null);
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
 * `payload.pickupSeconds`; null clears them. Rows already right are not touched.
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
  const records = updates.map((update) => ({
    natural_key: update.naturalKey,
    duration_seconds: update.durationSeconds,
    pickup: update.pickupSeconds,
  }));
  const result = await em.execute<Array<{ natural_key: string }>>(
    `update activity a set duration_seconds = u.duration_seconds,
       payload = case when u.pickup is null then a.payload - 'pickupSeconds'
                 else jsonb_set(a.payload, '{pickupSeconds}', to_jsonb(u.pickup)) end,
       updated_at = now()
     from jsonb_to_recordset(?::jsonb) as u(natural_key text, duration_seconds int, pickup int)
     where a.workspace_id = ? and a.natural_key = u.natural_key
       and (a.duration_seconds is distinct from u.duration_seconds
            or (a.payload->'pickupSeconds') is distinct from to_jsonb(u.pickup))
     returning a.natural_key`,
    [JSON.stringify(records), workspaceId],
  );
  return result.length;
}

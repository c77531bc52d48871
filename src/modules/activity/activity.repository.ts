import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';
import { storableJson } from '../../lib/clean-text.ts';
import type { ActivityDraft } from './activity-draft.ts';
import type { ActivityKind } from './activity-kinds.ts';
import { KIND_TOTALS_COLUMNS, type KindTotals } from './kind-totals.ts';

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

/** The columns a sync writes, in one order for the insert, the record type and the change check. */
const COLUMNS = [
  ['kind', 'text'],
  ['occurred_at', 'timestamptz'],
  ['title', 'text'],
  ['url', 'text'],
  ['project', 'text'],
  ['lines_added', 'int'],
  ['lines_removed', 'int'],
  ['duration_seconds', 'int'],
  ['time_spent_seconds', 'int'],
  ['jira_keys', 'text[]'],
  ['merge_request_ref', 'text'],
  ['is_review', 'boolean'],
  ['review_requested_at', 'timestamptz'],
  ['mr_created_at', 'timestamptz'],
  ['pickup_seconds', 'int'],
  ['pipeline_status', 'text'],
  ['payload', 'jsonb'],
] as const;
const names = COLUMNS.map(([name]) => name);
const DEFAULTS: Partial<Record<(typeof names)[number], string>> = {
  jira_keys: `'{}'`,
  is_review: 'false',
  payload: `'{}'`,
};

const UPSERT = `
insert into activity (workspace_id, teammate_id, data_source_id, source_type, natural_key, ${names.join(', ')})
select $1, r.teammate_id, $2, $3, r.natural_key,
  ${names.map((name) => (DEFAULTS[name] ? `coalesce(r.${name}, ${DEFAULTS[name]})` : `r.${name}`)).join(', ')}
from jsonb_to_recordset($4::jsonb) as r(teammate_id uuid, natural_key text,
  ${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})
on conflict (workspace_id, natural_key) do update set
  ${names.map((name) => `${name} = excluded.${name}`).join(', ')}, updated_at = now()
where (${names.map((name) => `activity.${name}`).join(', ')})
  is distinct from (${names.map((name) => `excluded.${name}`).join(', ')})
returning natural_key, kind, teammate_id, (xmax = 0) as inserted`;

/**
 * Rows per upsert statement, sent with bound parameters through the EntityManager's Kysely (it
 * joins the caller's transaction). `em.execute` would write the JSON into the SQL text, escaping it
 * a character at a time (a V8 cons string per character, ~30 bytes of heap per byte): one
 * statement for the 4,700 rows of a large GraphQL batch held ~100 MB, and the 200 × 90 bench sync
 * peaked at 407 MiB RSS instead of 310 (BENCHMARKS.md, "Sync").
 */
const UPSERT_CHUNK_ROWS = 200;

export async function upsertActivities(
  em: EntityManager,
  scope: { workspaceId: string; dataSourceId: string; sourceType?: string },
  rows: readonly ActivityRow[],
): Promise<StoredActivity[]> {
  if (rows.length === 0) return [];
  // One statement cannot touch a row twice: the last draft of a natural key wins.
  const unique = new Map<string, ActivityRow>();
  for (const row of rows) unique.set(row.naturalKey, row);
  const records = [...unique.values()].map(
    (row): Record<string, unknown> => ({
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
      merge_request_ref: row.mergeRequestRef,
      is_review: row.isReview,
      review_requested_at: row.reviewRequestedAt?.toISOString() ?? null,
      mr_created_at: row.mrCreatedAt?.toISOString() ?? null,
      pickup_seconds: row.pickupSeconds,
      pipeline_status: row.pipelineStatus,
      payload: row.payload,
    }),
  );
  const stored: StoredActivity[] = [];
  for (let start = 0; start < records.length; start += UPSERT_CHUNK_ROWS) {
    // NUL bytes and lone surrogates in GitLab text would make PostgreSQL refuse the whole batch.
    const chunk = storableJson(records.slice(start, start + UPSERT_CHUNK_ROWS));
    const { rows: result } = await em
      .getKysely()
      .executeQuery<{ natural_key: string; kind: ActivityKind; teammate_id: string; inserted: boolean }>(
        CompiledQuery.raw(UPSERT, [
          scope.workspaceId,
          scope.dataSourceId,
          scope.sourceType ?? 'gitlab',
          chunk,
        ]),
      );
    for (const row of result) {
      stored.push({
        naturalKey: row.natural_key,
        kind: row.kind,
        teammateId: row.teammate_id,
        inserted: row.inserted,
      });
    }
  }
  return stored;
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

/** The teammate's stored review actions on these merge requests (by `merge_request_ref`). */
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
      requested_at: string | Date | null;
      opened_at: string | Date | null;
    }>
  >(
    `select natural_key, kind, occurred_at, merge_request_ref as merge_request,
       review_requested_at as requested_at, mr_created_at as opened_at
     from activity
     where workspace_id = ? and teammate_id = ? and kind in ('mr_commented', 'mr_approved')
       and is_review and merge_request_ref = any(?::text[])`,
    // A text[] literal: refs are `<digits>!<digits>`, nothing to escape.
    [scope.workspaceId, scope.teammateId, `{${mergeRequests.map((ref) => `"${ref}"`).join(',')}}`],
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

/** One person's activity in a window, optionally on some sources only. */
export interface ActivityScope {
  teamId: string;
  teammateId: string;
  start: Date;
  end: Date;
  sourceIds?: string[] | undefined;
}

function scopeSql(scope: ActivityScope): { where: string; params: unknown[] } {
  const params: unknown[] = [scope.teamId, scope.teammateId, scope.start, scope.end];
  let where = 'workspace_id = ? and teammate_id = ? and occurred_at >= ? and occurred_at < ?';
  if (scope.sourceIds) {
    where += ` and data_source_id in (${scope.sourceIds.map(() => '?').join(', ')})`;
    params.push(...scope.sourceIds);
  }
  return { where, params };
}

/** Per kind: how many, and the sums a summary reads (KIND_TOTALS_COLUMNS). */
export async function kindTotalsOf(em: EntityManager, scope: ActivityScope): Promise<KindTotals[]> {
  const { where, params } = scopeSql(scope);
  return em.execute<KindTotals[]>(
    `select kind, ${KIND_TOTALS_COLUMNS} from activity where ${where} group by kind`,
    params,
  );
}

/** Distinct merge requests the person approved or commented on (a URL without its note anchor). */
export async function reviewedMergeRequestCount(em: EntityManager, scope: ActivityScope): Promise<number> {
  const { where, params } = scopeSql(scope);
  const rows = await em.execute<Array<{ n: number }>>(
    `select count(distinct split_part(url, '#', 1))::int as n from activity
      where ${where} and kind in ('mr_approved', 'mr_commented') and url is not null`,
    params,
  );
  return rows[0]?.n ?? 0;
}

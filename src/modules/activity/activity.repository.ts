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

/** Which of these natural keys the workspace has stored already. */
export async function storedNaturalKeys(
  em: EntityManager,
  workspaceId: string,
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await em
    .getKysely()
    .executeQuery<{ natural_key: string }>(
      CompiledQuery.raw(
        'select natural_key from activity where workspace_id = $1 and natural_key = any($2::text[])',
        [workspaceId, [...keys]],
      ),
    );
  return new Set(rows.map((row) => row.natural_key));
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

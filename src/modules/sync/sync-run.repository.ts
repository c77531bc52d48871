import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm.ts';
import type { ActivityKind } from '../activity/activity-kinds.ts';
import type { SyncSourceResult, SyncTrigger, TeammateFailure } from './sync.types.ts';
import { SOURCE_LOCKED_SQL } from './sync-lock.ts';

/** The SyncRun row of one source run, and what the run says about its data source. */
export async function startRun(
  em: EntityManager,
  input: {
    workspaceId: string;
    sourceId: string;
    trigger: SyncTrigger;
    requestedBy: string | null;
    runStartedAt: Date;
    windowStart: Date;
  },
): Promise<string> {
  const runId = crypto.randomUUID();
  await em.execute(
    `insert into sync_run (id, workspace_id, data_source_id, trigger, requested_by, status, started_at,
       window_start, window_end, counts, failures, heartbeat_at)
     values (?, ?, ?, ?, ?, 'running', ?, ?, ?, '{}', '[]', now())`,
    [
      runId,
      input.workspaceId,
      input.sourceId,
      input.trigger,
      input.requestedBy,
      input.runStartedAt,
      input.windowStart,
      input.runStartedAt,
    ],
  );
  return runId;
}

/** Renews the run's lease (database clock, so replicas with skewed clocks agree). */
export async function beatRun(em: EntityManager, runId: string): Promise<void> {
  await em.execute(`update sync_run set heartbeat_at = now() where id = ? and status = 'running'`, [runId]);
}

export const INTERRUPTED_CODE = 'SYNC_INTERRUPTED';
const INTERRUPTED_MESSAGE =
  'This sync stopped before it finished (ActivityPulse restarted or lost its database); the next sync continues where it stopped.';

/**
 * Marks `running` runs that have no live owner as `interrupted`:
 * - `heldSourceId`: the caller holds this source's sync lock, so any other run of it still
 *   `running` belongs to a process that died or lost the lock — certain, whatever its heartbeat;
 * - otherwise, runs (of the workspace, if given) whose heartbeat is older than `staleAfterMs`
 *   and whose source's lock nobody holds.
 * Returns how many were marked.
 */
export async function markInterruptedRuns(
  em: EntityManager,
  scope: { heldSourceId: string } | { workspaceId?: string; staleAfterMs: number },
): Promise<number> {
  const end = `status = 'interrupted', finished_at = coalesce(heartbeat_at, started_at),
       error_code = '${INTERRUPTED_CODE}', error = ?`;
  if ('heldSourceId' in scope) {
    const rows = await em.execute<Array<{ id: string }>>(
      `update sync_run set ${end} where data_source_id = ? and status = 'running' returning id`,
      [INTERRUPTED_MESSAGE, scope.heldSourceId],
    );
    return rows.length;
  }
  const rows = await em.execute<Array<{ id: string }>>(
    `update sync_run r set ${end}
     where r.status = 'running' and (?::text is null or r.workspace_id = ?)
       and coalesce(r.heartbeat_at, r.started_at) < now() - make_interval(secs => ?)
       and (r.data_source_id is null
            or not ${SOURCE_LOCKED_SQL.replace('hashtext(?)', 'hashtext(r.data_source_id::text)')})
     returning r.id`,
    [INTERRUPTED_MESSAGE, scope.workspaceId ?? null, scope.workspaceId ?? null, scope.staleAfterMs / 1000],
  );
  return rows.length;
}

/**
 * Records how the run ended. A source whose token or host is broken is marked failing with the
 * reason; a run that got through marks it ok again. Back-off (failure_count, next_sync_after) is the
 * scheduled job's decision.
 */
export async function finishRun(
  em: EntityManager,
  input: {
    sourceId: string;
    runId: string;
    result: SyncSourceResult;
    counts: Record<string, Partial<Record<ActivityKind, number>>>;
    failures: Array<TeammateFailure & { teammateId: string }>;
    runStartedAt: Date;
    finishedAt: Date;
    /** Error codes that mean the source itself is broken (token, host). */
    sourceBroken: ReadonlySet<string>;
  },
): Promise<void> {
  const { sourceId, runId, result, counts, failures, runStartedAt, finishedAt } = input;
  await em.execute(
    `update sync_run set status = ?, finished_at = ?, counts = ?::jsonb, failures = ?::jsonb,
       notes = (select coalesce(array_agg(value), '{}') from jsonb_array_elements_text(?::jsonb)),
       api_calls = ?, retries = ?, duration_ms = ?, error_code = ?, error = ?
     where id = ?`,
    [
      result.status,
      finishedAt,
      JSON.stringify(counts),
      JSON.stringify(failures.map(({ teammateId, code, message }) => ({ teammateId, code, message }))),
      JSON.stringify(result.notes),
      result.apiCalls,
      result.retries,
      result.durationMs,
      result.errorCode ?? null,
      result.error ?? null,
      runId,
    ],
  );
  if (result.status === 'failed' && result.errorCode && input.sourceBroken.has(result.errorCode)) {
    // Back-off (failure_count, next_sync_after) is the scheduled job's decision; this says why.
    await em.execute(
      `update data_source set status = 'failing', last_error_code = ?, last_error = ?, updated_at = now()
       where id = ?`,
      [result.errorCode, result.error ?? null, sourceId],
    );
  } else if (result.status === 'succeeded' || result.status === 'partial') {
    await em.execute(
      `update data_source set status = 'ok', last_error_code = null, last_error = null, failure_count = 0,
         last_sync_at = greatest(last_sync_at, ?::timestamptz), updated_at = now()
       where id = ?`,
      [runStartedAt, sourceId],
    );
  }
}

export interface LastSyncView {
  sourceName: string | null;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/** What other modules may read of sync runs. */
export interface SyncRunsReader {
  /** The workspace's most recent run, of any source. */
  latest(teamId: string): Promise<LastSyncView | null>;
}

export function syncRunsReader(orm: Orm): SyncRunsReader {
  return {
    async latest(teamId) {
      const rows = await orm.em.fork().execute<
        Array<{
          source_name: string | null;
          status: string;
          started_at: string | Date;
          finished_at: string | Date | null;
          error: string | null;
        }>
      >(
        `select d.name as source_name, r.status, r.started_at, r.finished_at, r.error
           from sync_run r left join data_source d on d.id = r.data_source_id
          where r.workspace_id = ? order by r.started_at desc limit 1`,
        [teamId],
      );
      const row = rows[0];
      return row
        ? {
            sourceName: row.source_name,
            status: row.status,
            startedAt: new Date(row.started_at),
            finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
            error: row.error,
          }
        : null;
    },
  };
}

export interface SourceFreshness {
  id: string;
  name: string;
  lastSyncAt: Date | null;
}

/**
 * When each source of the workspace (with someone mapped) last finished a sync that stored data:
 * the later of `last_sync_at` and the newest succeeded or partial run.
 */
export async function sourceFreshness(em: EntityManager, workspaceId: string): Promise<SourceFreshness[]> {
  const rows = await em
    .getConnection()
    .execute<Array<{ id: string; name: string; last_sync: string | null }>>(
      `select ds.id, ds.name,
            greatest(ds.last_sync_at,
              (select r.finished_at from sync_run r
                where r.data_source_id = ds.id and r.status in ('succeeded', 'partial') and r.finished_at is not null
                order by r.started_at desc limit 1)) as last_sync
       from data_source ds
      where ds.workspace_id = ?
        and exists (select 1 from external_identity ei where ei.data_source_id = ds.id)
      order by ds.name_key`,
      [workspaceId],
    );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    lastSyncAt: row.last_sync === null ? null : new Date(row.last_sync),
  }));
}

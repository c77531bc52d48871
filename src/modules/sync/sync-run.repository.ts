import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm.ts';
import type { ActivityKind } from '../activity/activity-kinds.ts';
import type { SyncSourceResult, SyncTrigger, TeammateFailure } from './sync.types.ts';

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
       window_start, window_end, counts, failures)
     values (?, ?, ?, ?, ?, 'running', ?, ?, ?, '{}', '[]')`,
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

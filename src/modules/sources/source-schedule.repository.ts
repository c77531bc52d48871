import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What the scheduled sync reads and writes of `data_source`: claims (one replica per source per
 * tick, `FOR UPDATE SKIP LOCKED`), back-off after failures, and the once-only token notice.
 */
export interface ClaimedSource {
  id: string;
  workspace_id: string;
  name: string;
  created_by: string;
}

/**
 * Claims the next source due for a scheduled sync: installed workspace, someone mapped, not backing
 * off (or ok again), not claimed since `claimedBefore`, and not one this replica is running.
 */
export async function claimDueSource(
  em: EntityManager,
  input: { now: Date; claimedBefore: Date; replicaId: string; running: readonly string[] },
): Promise<ClaimedSource | undefined> {
  const rows = await em.getConnection().execute<ClaimedSource[]>(
    `update data_source ds set sync_claimed_at = ?, sync_claimed_by = ?
      where ds.id = (
        select d.id from data_source d join workspace w on w.id = d.workspace_id
         where w.uninstalled_at is null
           and (d.next_sync_after is null or d.next_sync_after <= ? or d.status = 'ok')
           and (d.sync_claimed_at is null or d.sync_claimed_at <= ?)
           and d.id::text <> all (string_to_array(?, ','))
           and exists (select 1 from external_identity ei where ei.data_source_id = d.id)
         order by d.sync_claimed_at asc nulls first, d.id
         limit 1
         for update of d skip locked)
      returning ds.id, ds.workspace_id, ds.name, ds.created_by`,
    [input.now, input.replicaId, input.now, input.claimedBefore, input.running.join(',')],
  );
  return rows[0];
}

/** A scheduled sync got through: no back-off, and a later token problem deserves a new notice. */
export async function clearBackoff(em: EntityManager, sourceId: string): Promise<void> {
  await em.getConnection().execute(
    `update data_source set failure_count = 0, next_sync_after = null, status = 'ok',
       last_error_code = null, last_error = null, token_problem_notified_at = null
     where id = ?`,
    [sourceId],
  );
}

/** A scheduled sync failed: counts it (the new count is returned) and records why. */
export async function countFailure(
  em: EntityManager,
  input: { sourceId: string; errorCode: string; error: string | null },
): Promise<number> {
  const [counted] = await em.getConnection().execute<Array<{ failure_count: number }>>(
    `update data_source set failure_count = failure_count + 1, status = 'failing',
       last_error_code = ?, last_error = ?
     where id = ? returning failure_count`,
    [input.errorCode, input.error, input.sourceId],
  );
  return counted?.failure_count ?? 1;
}

export async function backOffUntil(em: EntityManager, sourceId: string, nextSyncAfter: Date): Promise<void> {
  await em
    .getConnection()
    .execute('update data_source set next_sync_after = ? where id = ?', [nextSyncAfter, sourceId]);
}

/** Marks the token notice as sent, if no process did already: true for the one that may send it. */
export async function claimTokenNotice(em: EntityManager, sourceId: string, now: Date): Promise<boolean> {
  const marked = await em.getConnection().execute<Array<{ id: string }>>(
    `update data_source set token_problem_notified_at = ?
      where id = ? and token_problem_notified_at is null returning id`,
    [now, sourceId],
  );
  return marked.length > 0;
}

/** The notice could not be sent: a later tick tries again. */
export async function releaseTokenNotice(em: EntityManager, sourceId: string): Promise<void> {
  await em
    .getConnection()
    .execute('update data_source set token_problem_notified_at = null where id = ?', [sourceId]);
}

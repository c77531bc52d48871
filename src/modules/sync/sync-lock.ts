import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { CodedError } from '../../lib/errors.ts';

/**
 * One sync per data source at a time, across processes: a PostgreSQL session advisory lock
 * (`pg_try_advisory_lock(namespace, hashtext(sourceId))`) held on a connection of its own for the
 * whole run. If the process dies, PostgreSQL drops the session and the lock with it.
 */
export const SYNC_LOCK_NAMESPACE = 0x41505f73; // "AP_s"

export interface HeldLock {
  /** True once the lock's connection broke: another replica may now hold the lock. */
  readonly lost: boolean;
  /** Aborted when the lock is lost, so the run stops at its next step. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

export const LOCK_LOST_CODE = 'SYNC_LOCK_LOST';

function lockLost(cause: unknown): CodedError {
  return new CodedError(
    LOCK_LOST_CODE,
    'The connection to the database dropped during this sync, so it stopped; the next sync continues where it stopped.',
    { cause, detail: 'the sync lock connection was lost' },
  );
}

export async function tryLockSource(clientUrl: string, dataSourceId: string): Promise<HeldLock | undefined> {
  const client = new pg.Client({ connectionString: clientUrl });
  const lost = new AbortController();
  let released = false;
  // A dropped connection (server restart, failover, pg_terminate_backend) is an 'error' event: without
  // a listener it would be an uncaught exception that ends the process. It ends the lock instead.
  const onBroken = (cause: unknown) => {
    if (!released && !lost.signal.aborted) lost.abort(lockLost(cause));
  };
  client.on('error', onBroken);
  client.on('end', () => onBroken(new Error('connection ended')));
  await client.connect();
  try {
    const result = await client.query<{ locked: boolean }>(
      'select pg_try_advisory_lock($1, hashtext($2)) as locked',
      [SYNC_LOCK_NAMESPACE, dataSourceId],
    );
    if (!result.rows[0]?.locked) {
      released = true;
      await client.end();
      return undefined;
    }
  } catch (error) {
    released = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    get lost() {
      return lost.signal.aborted;
    },
    signal: lost.signal,
    async release() {
      if (released) return;
      released = true;
      if (lost.signal.aborted) {
        // The session is gone, and the lock with it.
        await client.end().catch(() => undefined);
        return;
      }
      await client
        .query('select pg_advisory_unlock($1, hashtext($2))', [SYNC_LOCK_NAMESPACE, dataSourceId])
        .catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** SQL condition: some session holds the sync lock of source `?` in this database. */
export const SOURCE_LOCKED_SQL = `exists (
  select 1 from pg_locks l
  where l.locktype = 'advisory' and l.granted and l.objsubid = 2
    and l.database = (select oid from pg_database where datname = current_database())
    and l.classid = ${SYNC_LOCK_NAMESPACE}::oid
    and l.objid = (hashtext(?)::bigint & 4294967295)::oid)`;

/** Whether a sync holds the lock of the source (or of any source of the workspace when none given). */
export async function isSyncRunning(
  em: EntityManager,
  workspaceId: string,
  dataSourceId: string | undefined,
): Promise<boolean> {
  const rows = await em.execute<Array<{ running: boolean }>>(
    `select exists (
         select 1 from data_source d
         where d.workspace_id = ? and (?::uuid is null or d.id = ?::uuid)
           and ${SOURCE_LOCKED_SQL.replace('hashtext(?)', 'hashtext(d.id::text)')}
       ) as running`,
    [workspaceId, dataSourceId ?? null, dataSourceId ?? null],
  );
  return rows[0]?.running === true;
}

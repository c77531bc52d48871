import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';

/**
 * Read and write SyncCursor rows with plain SQL, inside the caller's transaction: a cursor moves
 * in the same transaction as the activities it covers.
 *
 * Streams used by the GitLab sync (`scope` / `resource`):
 * - `<teammateId>` / `events`: position = where to read from next; token = last event id stored;
 * - `<teammateId>` / `timelogs`: position = end of the last window read;
 * - `<teammateId>` / `pipelines:<project path>`: position = newest `updatedAt` seen; token =
 *   `through:<time>`, all of their pipelines there updated before it are stored (pipeline-lists.ts);
 * - `project:<id>` / `path`: token = the project's full path (saves a GET /projects/:id per run).
 */
export interface CursorValue {
  position: Date | null;
  token: string | null;
}

export type CursorMap = Map<string, CursorValue>;

export const cursorKey = (scope: string, resource: string) => `${scope}\u0000${resource}`;

export async function loadCursors(em: EntityManager, dataSourceId: string): Promise<CursorMap> {
  const rows = await em.execute<
    Array<{ scope: string; resource: string; position: string | Date | null; token: string | null }>
  >('select scope, resource, position, token from sync_cursor where data_source_id = ?', [dataSourceId]);
  const map: CursorMap = new Map();
  for (const row of rows) {
    map.set(cursorKey(row.scope, row.resource), {
      position: row.position ? new Date(row.position) : null,
      token: row.token,
    });
  }
  return map;
}

export interface CursorWrite extends CursorValue {
  scope: string;
  resource: string;
}

/**
 * Upserts cursors; a position never moves backwards (a `since` re-read does not rewind it). Bound
 * parameters through the EntityManager's Kysely (same transaction): `em.execute` writes them into
 * the SQL text, escaping a character at a time.
 */
export async function saveCursors(
  em: EntityManager,
  dataSourceId: string,
  cursors: readonly CursorWrite[],
): Promise<void> {
  if (cursors.length === 0) return;
  await em.getKysely().executeQuery(
    CompiledQuery.raw(
      `insert into sync_cursor (id, data_source_id, scope, resource, position, token, updated_at)
       select gen_random_uuid(), $1, c.scope, c.resource, c.position, c.token, now()
       from unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[]) as c(scope, resource, position, token)
       on conflict (data_source_id, scope, resource) do update set
         position = greatest(sync_cursor.position, excluded.position),
         token = coalesce(excluded.token, sync_cursor.token),
         updated_at = now()`,
      [
        dataSourceId,
        cursors.map((cursor) => cursor.scope),
        cursors.map((cursor) => cursor.resource),
        cursors.map((cursor) => cursor.position?.toISOString() ?? null),
        cursors.map((cursor) => cursor.token),
      ],
    ),
  );
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { DigestScheduleRow } from './digest-schedule.row.ts';

/** `digest_schedule` rows as the digest commands read them (no `updated_at`). */
export type ScheduleRow = Omit<DigestScheduleRow, 'updated_at'>;

const COLUMNS = `id, workspace_id, channel_id, local_time, timezone, weekdays, included_user_ids, enabled,
                 created_by, last_error`;

/**
 * Sets a channel's schedule, or changes its time and zone (enabled again, last error cleared).
 * `created` says whether the channel had none.
 */
export async function upsertSchedule(
  em: EntityManager,
  input: {
    id: string;
    teamId: string;
    channelId: string;
    localTime: string;
    timeZone: string;
    weekdays: readonly number[];
    userId: string;
    now: Date;
  },
): Promise<ScheduleRow & { created: boolean }> {
  const rows = await em.getConnection().execute<Array<ScheduleRow & { created: boolean }>>(
    `insert into digest_schedule (id, workspace_id, channel_id, local_time, timezone, weekdays, included_user_ids,
       enabled, created_by, last_error, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?::jsonb, '{}', true, ?, null, ?, ?)
     on conflict (workspace_id, channel_id) do update
       set local_time = excluded.local_time, timezone = excluded.timezone, enabled = true,
           created_by = excluded.created_by, last_error = null, updated_at = excluded.updated_at
     returning ${COLUMNS}, (xmax = 0) as created`,
    [
      input.id,
      input.teamId,
      input.channelId,
      input.localTime,
      input.timeZone,
      JSON.stringify(input.weekdays),
      input.userId,
      input.now,
      input.now,
    ],
  );
  return rows[0]!;
}

/** Stops a channel's digest; false when it had none running. Past deliveries are kept. */
export async function disableSchedule(
  em: EntityManager,
  input: { teamId: string; channelId: string; now: Date },
): Promise<boolean> {
  const rows = await em.getConnection().execute<Array<{ id: string }>>(
    `update digest_schedule set enabled = false, updated_at = ?
      where workspace_id = ? and channel_id = ? and enabled returning id`,
    [input.now, input.teamId, input.channelId],
  );
  return rows.length > 0;
}

/** The workspace's schedules, by channel. */
export async function listSchedules(em: EntityManager, teamId: string): Promise<ScheduleRow[]> {
  return em
    .getConnection()
    .execute<ScheduleRow[]>(
      `select ${COLUMNS} from digest_schedule where workspace_id = ? order by channel_id`,
      [teamId],
    );
}

/** Enabled schedules of installed workspaces, with `updated_at` (when each became effective). */
export async function activeSchedules(
  em: EntityManager,
): Promise<Array<Omit<DigestScheduleRow, 'enabled' | 'last_error'>>> {
  return em.getConnection().execute(
    `select s.id, s.workspace_id, s.channel_id, s.local_time, s.timezone, s.weekdays, s.included_user_ids,
            s.created_by, s.updated_at
       from digest_schedule s join workspace w on w.id = s.workspace_id
      where s.enabled and w.uninstalled_at is null
      order by s.id`,
    [],
  );
}

import type { DeliverySchedule } from './digest-delivery.types.ts';

/** `digest_schedule` as raw SQL returns it: the tick and the digest service read it without the ORM. */
export interface DigestScheduleRow {
  id: string;
  workspace_id: string;
  channel_id: string;
  local_time: string;
  timezone: string;
  /** jsonb: already parsed by the driver, or still its text. */
  weekdays: number[] | string;
  included_user_ids: string[];
  enabled: boolean;
  created_by: string;
  last_error: string | null;
  updated_at: string;
}

export function weekdaysOf(row: Pick<DigestScheduleRow, 'weekdays'>): number[] {
  return typeof row.weekdays === 'string' ? (JSON.parse(row.weekdays) as number[]) : row.weekdays;
}

/** What posting a schedule's digest needs of it. */
export function deliveryScheduleOf(
  row: Pick<
    DigestScheduleRow,
    'id' | 'workspace_id' | 'channel_id' | 'timezone' | 'included_user_ids' | 'created_by'
  >,
): DeliverySchedule {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    timezone: row.timezone,
    includedUserIds: row.included_user_ids,
    createdBy: row.created_by,
  };
}

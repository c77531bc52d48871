import type { Orm } from '../../db/orm.ts';

/** A delivery a retry may take over, with its schedule, as the database holds it. */
export interface DeliveryRetryRow {
  id: string;
  status: 'claimed' | 'failed';
  attempts: number;
  claimed_by: string;
  claimed_at: string;
  local_date: string;
  schedule_id: string;
  workspace_id: string;
  channel_id: string;
  timezone: string;
  included_user_ids: string[];
  created_by: string;
}

/**
 * Every line of SQL of `digest_delivery` (and the schedule's `last_error`): the claim, its takeover,
 * the post marker, the outcome and the once-only admin notice. Each update is conditional on the
 * claim's token, so only its holder writes.
 */
export function digestDeliveryRepository(orm: Orm) {
  const sql = <T>(query: string, params: unknown[]): Promise<T> =>
    orm.em.fork().getConnection().execute<T & object[]>(query, params) as Promise<T>;
  return {
    /** The claim of (schedule, local date): its id, or undefined when someone has (or had) it. */
    async insertClaim(input: {
      id: string;
      scheduleId: string;
      localDate: string;
      token: string;
      now: Date;
    }): Promise<string | undefined> {
      const rows = await sql<Array<{ id: string }>>(
        `insert into digest_delivery (id, schedule_id, local_date, status, attempts, claimed_by, claimed_at)
         values (?, ?, ?, 'claimed', 1, ?, ?)
         on conflict (schedule_id, local_date) do nothing
         returning id`,
        [input.id, input.scheduleId, input.localDate, input.token, input.now],
      );
      return rows[0]?.id;
    },

    /** Failed deliveries, and claims not posting, of enabled schedules in installed workspaces. */
    retryRows(input: { maxAttempts: number; since: Date; staleBefore: Date }): Promise<DeliveryRetryRow[]> {
      return sql<DeliveryRetryRow[]>(
        `select d.id, d.status, d.attempts, d.claimed_by, d.claimed_at, d.local_date,
                s.id as schedule_id, s.workspace_id, s.channel_id, s.timezone, s.included_user_ids, s.created_by
           from digest_delivery d
           join digest_schedule s on s.id = d.schedule_id
           join workspace w on w.id = s.workspace_id
          where s.enabled and w.uninstalled_at is null
            and d.attempts < ? and d.claimed_at >= ?
            and (d.status = 'failed'
                 or (d.status = 'claimed' and d.post_started_at is null and d.claimed_at <= ?))
          order by d.claimed_at`,
        [input.maxAttempts, input.since, input.staleBefore],
      );
    },

    /** Takes a delivery over from `previous`: the new attempt number, or undefined if someone else did. */
    async reclaim(input: {
      deliveryId: string;
      token: string;
      now: Date;
      previous: { claimedBy: string; status: string; attempts: number };
    }): Promise<number | undefined> {
      const rows = await sql<Array<{ attempts: number }>>(
        `update digest_delivery
            set status = 'claimed', attempts = attempts + 1, claimed_by = ?, claimed_at = ?, post_started_at = null
          where id = ? and claimed_by = ? and status = ? and attempts = ? and post_started_at is null
          returning attempts`,
        [
          input.token,
          input.now,
          input.deliveryId,
          input.previous.claimedBy,
          input.previous.status,
          input.previous.attempts,
        ],
      );
      return rows[0]?.attempts;
    },

    /** Stamped just before posting; false when the claim was taken over meanwhile. */
    async markPostStarted(deliveryId: string, token: string, now: Date): Promise<boolean> {
      const rows = await sql<Array<{ id: string }>>(
        `update digest_delivery set post_started_at = ?
          where id = ? and claimed_by = ? and status = 'claimed' and post_started_at is null
          returning id`,
        [now, deliveryId, token],
      );
      return rows.length > 0;
    },

    async markPosted(input: {
      deliveryId: string;
      token: string;
      now: Date;
      ts: string;
      error: string | null;
      scheduleId: string;
    }): Promise<void> {
      await sql(
        `update digest_delivery set status = 'posted', posted_at = ?, message_ts = ?, error = ?
          where id = ? and claimed_by = ?`,
        [input.now, input.ts, input.error, input.deliveryId, input.token],
      );
      await sql('update digest_schedule set last_error = null where id = ?', [input.scheduleId]);
    },

    async markFailed(input: {
      deliveryId: string;
      token: string;
      error: string;
      /** A retry may follow: attempts stay as they are (otherwise they are spent). */
      willRetry: boolean;
      maxAttempts: number;
      /** Slack refused it, so nothing was posted: the post marker is cleared and a retry is safe. */
      nothingPosted: boolean;
      scheduleId: string;
      scheduleError: string;
    }): Promise<void> {
      await sql(
        `update digest_delivery set status = 'failed', error = ?, attempts = greatest(attempts, ?),
                post_started_at = case when ?::boolean then null else post_started_at end
          where id = ? and claimed_by = ?`,
        [
          input.error,
          input.willRetry ? 0 : input.maxAttempts,
          input.nothingPosted,
          input.deliveryId,
          input.token,
        ],
      );
      // Raw SQL on purpose: updated_at is the schedule's "effective from", and an error is not a change.
      await sql('update digest_schedule set last_error = ? where id = ?', [
        input.scheduleError,
        input.scheduleId,
      ]);
    },

    /** True for the one process that may tell the admin; `release` gives the mark back. */
    async claimAdminNotice(deliveryId: string, now: Date): Promise<boolean> {
      const rows = await sql<Array<{ id: string }>>(
        'update digest_delivery set admin_notified_at = ? where id = ? and admin_notified_at is null returning id',
        [now, deliveryId],
      );
      return rows.length > 0;
    },

    async releaseAdminNotice(deliveryId: string): Promise<void> {
      await sql('update digest_delivery set admin_notified_at = null where id = ?', [deliveryId]);
    },
  };
}

export type DigestDeliveryRepository = ReturnType<typeof digestDeliveryRepository>;

import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { DigestContent, DigestPublisher } from './digest.types.ts';
import type { DigestBuilder } from './digest-builder.service.ts';

/** A digest is tried at most this many times for one day. */
export const MAX_ATTEMPTS = 3;
/** Wait after attempt 1, after attempt 2 (from the failed attempt's claim). */
export const RETRY_AFTER_MS = [10 * 60_000, 30 * 60_000] as const;
/** A claim whose owner has not started posting after this long died while building: it may be retried. */
export const STALE_CLAIM_MS = 15 * 60_000;

export interface DeliverySchedule {
  id: string;
  workspaceId: string;
  channelId: string;
  timezone: string;
  includedUserIds: string[];
  /** The admin who set the digest: told when it cannot be posted. */
  createdBy: string;
}

/** The right to post one schedule's digest for one local date, proven by a unique token. */
export interface DeliveryClaim {
  deliveryId: string;
  localDate: string;
  token: string;
  attempt: number;
}

export type DeliveryOutcome =
  | { status: 'posted'; deliveryId: string; ts: string; messages: number; replyError?: string }
  | {
      status: 'failed';
      deliveryId: string;
      error: string;
      attempt: number;
      willRetry: boolean;
      adminNotified: boolean;
    }
  /** Another process took the claim over (this one was too slow): it posts, this one does not. */
  | { status: 'lost-claim'; deliveryId: string };

export interface RetryCandidate {
  deliveryId: string;
  status: 'claimed' | 'failed';
  attempts: number;
  claimedBy: string;
  localDate: string;
  schedule: DeliverySchedule;
}

/**
 * Exactly-once posting of digests across replicas and restarts. A `digest_delivery` row, unique per
 * (schedule, local date), is claimed with `insert … on conflict do nothing` before anything is
 * built or posted; only the holder of the claim token posts. `post_started_at` is stamped just
 * before `chat.postMessage`, so a claim whose owner died before that can be taken over, while one
 * that died mid-post is never posted again. A post Slack refuses (`not_in_channel` …) is recorded
 * with its reason, retried at most MAX_ATTEMPTS times, and the admin who set the digest is told.
 */
export class DigestDeliveries {
  readonly #orm: Orm;
  readonly #builder: DigestBuilder;
  readonly #publisher: DigestPublisher;
  readonly #logger: Logger;
  readonly #metrics: Metrics | undefined;
  readonly #replicaId: string;
  readonly #now: () => Date;

  constructor(options: {
    orm: Orm;
    builder: DigestBuilder;
    publisher: DigestPublisher;
    logger: Logger;
    metrics?: Metrics;
    replicaId: string;
    now: () => Date;
  }) {
    this.#orm = options.orm;
    this.#builder = options.builder;
    this.#publisher = options.publisher;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#replicaId = options.replicaId;
    this.#now = options.now;
  }

  get publisher(): DigestPublisher {
    return this.#publisher;
  }

  #sql<T>(query: string, params: unknown[]): Promise<T> {
    return this.#orm.em.fork().getConnection().execute<T & object[]>(query, params) as Promise<T>;
  }

  #token(by?: string): string {
    return `${by ?? this.#replicaId}:${randomUUID()}`.slice(0, 255);
  }

  /** Claims the digest of `localDate`; undefined when someone already has (or had) it. */
  async claim(
    schedule: DeliverySchedule,
    localDate: string,
    by?: string,
  ): Promise<DeliveryClaim | undefined> {
    const token = this.#token(by);
    const rows = await this.#sql<Array<{ id: string }>>(
      `insert into digest_delivery (id, schedule_id, local_date, status, attempts, claimed_by, claimed_at)
       values (?, ?, ?, 'claimed', 1, ?, ?)
       on conflict (schedule_id, local_date) do nothing
       returning id`,
      [randomUUID(), schedule.id, localDate, token, this.#now()],
    );
    const row = rows[0];
    return row ? { deliveryId: row.id, localDate, token, attempt: 1 } : undefined;
  }

  /** Failed deliveries whose wait is over, and claims abandoned before posting, of the last day. */
  async retryCandidates(): Promise<RetryCandidate[]> {
    const now = this.#now();
    const rows = await this.#sql<
      Array<{
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
      }>
    >(
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
      [MAX_ATTEMPTS, new Date(now.getTime() - 24 * 60 * 60_000), new Date(now.getTime() - STALE_CLAIM_MS)],
    );
    return rows
      .filter(
        (row) =>
          row.status === 'claimed' ||
          new Date(row.claimed_at).getTime() + (RETRY_AFTER_MS[row.attempts - 1] ?? RETRY_AFTER_MS[1]) <=
            now.getTime(),
      )
      .map((row) => ({
        deliveryId: row.id,
        status: row.status,
        attempts: row.attempts,
        claimedBy: row.claimed_by,
        localDate: row.local_date,
        schedule: {
          id: row.schedule_id,
          workspaceId: row.workspace_id,
          channelId: row.channel_id,
          timezone: row.timezone,
          includedUserIds: row.included_user_ids,
          createdBy: row.created_by,
        },
      }));
  }

  /** Takes a retry over; only one process wins (the update is conditional on the previous token). */
  async reclaim(candidate: RetryCandidate): Promise<DeliveryClaim | undefined> {
    const token = this.#token();
    const rows = await this.#sql<Array<{ attempts: number }>>(
      `update digest_delivery
          set status = 'claimed', attempts = attempts + 1, claimed_by = ?, claimed_at = ?, post_started_at = null
        where id = ? and claimed_by = ? and status = ? and attempts = ? and post_started_at is null
        returning attempts`,
      [token, this.#now(), candidate.deliveryId, candidate.claimedBy, candidate.status, candidate.attempts],
    );
    const row = rows[0];
    return row
      ? { deliveryId: candidate.deliveryId, localDate: candidate.localDate, token, attempt: row.attempts }
      : undefined;
  }

  /** Builds (syncing stale sources first, bounded) and posts a claimed digest. */
  async deliver(
    claim: DeliveryClaim,
    schedule: DeliverySchedule,
    signal?: AbortSignal,
  ): Promise<DeliveryOutcome> {
    const content = await this.#builder.build({
      workspaceId: schedule.workspaceId,
      timeZone: schedule.timezone,
      localDate: claim.localDate,
      includedUserIds: schedule.includedUserIds,
      refresh: true,
      ...(signal ? { signal } : {}),
    });
    return this.post(claim, schedule, content);
  }

  /** Posts built content under a claim and records the outcome. */
  async post(
    claim: DeliveryClaim,
    schedule: DeliverySchedule,
    content: DigestContent,
    options: { notifyAdmin?: boolean } = {},
  ): Promise<DeliveryOutcome> {
    const started = await this.#sql<Array<{ id: string }>>(
      `update digest_delivery set post_started_at = ?
        where id = ? and claimed_by = ? and status = 'claimed' and post_started_at is null
        returning id`,
      [this.#now(), claim.deliveryId, claim.token],
    );
    if (started.length === 0) {
      this.#logger.warn({ deliveryId: claim.deliveryId }, 'digest claim was taken over; not posting');
      return { status: 'lost-claim', deliveryId: claim.deliveryId };
    }
    const result = await this.#publisher.publish(
      { workspaceId: schedule.workspaceId, channelId: schedule.channelId },
      content,
    );
    if (result.ok) {
      await this.#sql(
        `update digest_delivery set status = 'posted', posted_at = ?, message_ts = ?, error = ?
          where id = ? and claimed_by = ?`,
        [
          this.#now(),
          result.ts,
          result.replyError ? `thread reply failed: ${result.replyError}` : null,
          claim.deliveryId,
          claim.token,
        ],
      );
      await this.#sql('update digest_schedule set last_error = null where id = ?', [schedule.id]);
      this.#metrics?.digestsPosted.inc({ outcome: 'posted' });
      this.#logger.info(
        {
          scheduleId: schedule.id,
          localDate: claim.localDate,
          messages: result.messages,
          replyError: result.replyError,
        },
        'digest posted',
      );
      return {
        status: 'posted',
        deliveryId: claim.deliveryId,
        ts: result.ts,
        messages: result.messages,
        ...(result.replyError ? { replyError: result.replyError } : {}),
      };
    }
    const willRetry = result.retryable && claim.attempt < MAX_ATTEMPTS;
    await this.#sql(
      // Slack refused it, so nothing was posted: the post marker is cleared and a retry is safe.
      `update digest_delivery set status = 'failed', error = ?, attempts = greatest(attempts, ?),
              post_started_at = case when ?::boolean then null else post_started_at end
        where id = ? and claimed_by = ?`,
      [result.error, willRetry ? 0 : MAX_ATTEMPTS, result.retryable, claim.deliveryId, claim.token],
    );
    // Raw SQL on purpose: updated_at is the schedule's "effective from", and an error is not a change.
    await this.#sql('update digest_schedule set last_error = ? where id = ?', [
      `${result.error} (${claim.localDate})`,
      schedule.id,
    ]);
    this.#metrics?.digestsPosted.inc({ outcome: 'failed' });
    this.#logger.warn(
      {
        scheduleId: schedule.id,
        localDate: claim.localDate,
        error: result.error,
        attempt: claim.attempt,
        willRetry,
      },
      'digest could not be posted',
    );
    const adminNotified =
      options.notifyAdmin === false
        ? false
        : await this.#notifyAdminOnce(claim, schedule, result.error, willRetry);
    return {
      status: 'failed',
      deliveryId: claim.deliveryId,
      error: result.error,
      attempt: claim.attempt,
      willRetry,
      adminNotified,
    };
  }

  async #notifyAdminOnce(
    claim: DeliveryClaim,
    schedule: DeliverySchedule,
    error: string,
    willRetry: boolean,
  ): Promise<boolean> {
    const marked = await this.#sql<Array<{ id: string }>>(
      'update digest_delivery set admin_notified_at = ? where id = ? and admin_notified_at is null returning id',
      [this.#now(), claim.deliveryId],
    );
    if (marked.length === 0) return false;
    try {
      await this.#publisher.notifyUser(
        schedule.workspaceId,
        schedule.createdBy,
        digestFailureMessage({ channelId: schedule.channelId, error, attempt: claim.attempt, willRetry }),
      );
      return true;
    } catch (notifyError) {
      this.#logger.warn({ err: notifyError, scheduleId: schedule.id }, 'could not tell the digest admin');
      await this.#sql('update digest_delivery set admin_notified_at = null where id = ?', [claim.deliveryId]);
      return false;
    }
  }
}

/** What an admin reads when a digest cannot be posted: the cause and what to do about it. */
export function digestFailureMessage(input: {
  channelId: string;
  error: string;
  attempt: number;
  willRetry: boolean;
}): string {
  const channel = `<#${input.channelId}>`;
  const reasons: Record<string, string> = {
    not_in_channel: `I’m not a member of ${channel}. Invite @ActivityPulse to ${channel} (type \`/invite @ActivityPulse\` there).`,
    channel_not_found: `I can’t see ${channel}: it was deleted, or it is private and I’m not in it. Invite @ActivityPulse to ${channel}, or move the digest with \`/pulse digest set #channel HH:MM\`.`,
    is_archived: `${channel} is archived. Unarchive it and invite @ActivityPulse, or move the digest: \`/pulse digest off ${channel}\`, then \`/pulse digest set #channel HH:MM\`.`,
    request_failed:
      'The request to Slack failed midway, so it may have been posted; to avoid a duplicate I won’t post it again.',
    not_installed: 'ActivityPulse has no bot token for this workspace: reinstall the app.',
  };
  const reason = reasons[input.error] ?? `Slack answered \`${input.error}\`.`;
  const remaining = MAX_ATTEMPTS - input.attempt;
  const next = input.willRetry
    ? ` I’ll try again in about ${Math.round((RETRY_AFTER_MS[input.attempt - 1] ?? RETRY_AFTER_MS[1]) / 60_000)} minutes (${remaining} more ${remaining === 1 ? 'try' : 'tries'}).`
    : ' I won’t try again today; the next digest goes out as scheduled.';
  return `:warning: I couldn’t post today’s GitLab digest in ${channel}. ${reason}${next}`;
}

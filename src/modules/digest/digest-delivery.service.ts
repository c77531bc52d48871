import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { DigestContent, DigestPublisher } from './digest.types.ts';
import type { DigestBuilder } from './digest-builder.service.ts';
import { type DigestDeliveryRepository, digestDeliveryRepository } from './digest-delivery.repository.ts';
import type {
  DeliveryClaim,
  DeliveryOutcome,
  DeliverySchedule,
  RetryCandidate,
} from './digest-delivery.types.ts';
import { digestFailureMessage } from './digest-failure-message.ts';
import { MAX_ATTEMPTS, RETRY_AFTER_MS, STALE_CLAIM_MS } from './digest-retries.ts';

/**
 * Exactly-once posting of digests across replicas and restarts. A `digest_delivery` row, unique per
 * (schedule, local date), is claimed with `insert … on conflict do nothing` before anything is
 * built or posted; only the holder of the claim token posts. `post_started_at` is stamped just
 * before `chat.postMessage`, so a claim whose owner died before that can be taken over, while one
 * that died mid-post is never posted again. A post Slack refuses (`not_in_channel` …) is recorded
 * with its reason, retried at most MAX_ATTEMPTS times, and the admin who set the digest is told.
 */
export class DigestDeliveries {
  readonly #store: DigestDeliveryRepository;
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
    this.#store = digestDeliveryRepository(options.orm);
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
    const id = await this.#store.insertClaim({
      id: randomUUID(),
      scheduleId: schedule.id,
      localDate,
      token,
      now: this.#now(),
    });
    return id ? { deliveryId: id, localDate, token, attempt: 1 } : undefined;
  }

  /** Failed deliveries whose wait is over, and claims abandoned before posting, of the last day. */
  async retryCandidates(): Promise<RetryCandidate[]> {
    const now = this.#now();
    const rows = await this.#store.retryRows({
      maxAttempts: MAX_ATTEMPTS,
      since: new Date(now.getTime() - 24 * 60 * 60_000),
      staleBefore: new Date(now.getTime() - STALE_CLAIM_MS),
    });
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
    const attempt = await this.#store.reclaim({
      deliveryId: candidate.deliveryId,
      token,
      now: this.#now(),
      previous: { claimedBy: candidate.claimedBy, status: candidate.status, attempts: candidate.attempts },
    });
    return attempt === undefined
      ? undefined
      : { deliveryId: candidate.deliveryId, localDate: candidate.localDate, token, attempt };
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
    const started = await this.#store.markPostStarted(claim.deliveryId, claim.token, this.#now());
    if (!started) {
      this.#logger.warn({ deliveryId: claim.deliveryId }, 'digest claim was taken over; not posting');
      return { status: 'lost-claim', deliveryId: claim.deliveryId };
    }
    const result = await this.#publisher.publish(
      { workspaceId: schedule.workspaceId, channelId: schedule.channelId },
      content,
    );
    if (result.ok) {
      await this.#store.markPosted({
        deliveryId: claim.deliveryId,
        token: claim.token,
        now: this.#now(),
        ts: result.ts,
        error: result.replyError ? `thread reply failed: ${result.replyError}` : null,
        scheduleId: schedule.id,
      });
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
    await this.#store.markFailed({
      deliveryId: claim.deliveryId,
      token: claim.token,
      error: result.error,
      willRetry,
      maxAttempts: MAX_ATTEMPTS,
      nothingPosted: result.retryable,
      scheduleId: schedule.id,
      scheduleError: `${result.error} (${claim.localDate})`,
    });
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
    if (!(await this.#store.claimAdminNotice(claim.deliveryId, this.#now()))) return false;
    try {
      await this.#publisher.notifyUser(
        schedule.workspaceId,
        schedule.createdBy,
        digestFailureMessage({ channelId: schedule.channelId, error, attempt: claim.attempt, willRetry }),
      );
      return true;
    } catch (notifyError) {
      this.#logger.warn({ err: notifyError, scheduleId: schedule.id }, 'could not tell the digest admin');
      await this.#store.releaseAdminNotice(claim.deliveryId);
      return false;
    }
  }
}

import type { Orm } from '../../db/orm.ts';
import type { Logger } from '../../lib/logger.ts';
import type { DigestDeliveries } from './digest-delivery.service.ts';
import type { DeliveryOutcome } from './digest-delivery.types.ts';
import { activeSchedules } from './digest-schedule.repository.ts';
import { deliveryScheduleOf, weekdaysOf } from './digest-schedule.row.ts';
import { owedLocalDate } from './digest-time.ts';

export interface DigestTickOptions {
  orm: Orm;
  deliveries: DigestDeliveries;
  logger: Logger;
  now: () => Date;
  /** Digests this process builds and posts at the same time. */
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * The frequent digest tick (every minute). For each enabled schedule whose local time has come
 * today (in its own zone, so DST moves nothing), it claims today's delivery and posts it; then it
 * retries failed posts whose wait is over. Safe on any number of replicas: the claim decides.
 */
export async function runDigestTick(options: DigestTickOptions): Promise<DeliveryOutcome[]> {
  const now = options.now();
  const rows = await activeSchedules(options.orm.em.fork());
  const work: Array<() => Promise<DeliveryOutcome | undefined>> = [];
  for (const row of rows) {
    const localDate = owedLocalDate(
      {
        localTime: row.local_time,
        timezone: row.timezone,
        weekdays: weekdaysOf(row),
        effectiveFrom: new Date(row.updated_at),
      },
      now,
    );
    if (!localDate) continue;
    const schedule = deliveryScheduleOf(row);
    work.push(async () => {
      const claim = await options.deliveries.claim(schedule, localDate);
      return claim ? options.deliveries.deliver(claim, schedule, options.signal) : undefined;
    });
  }
  for (const candidate of await options.deliveries.retryCandidates()) {
    work.push(async () => {
      const claim = await options.deliveries.reclaim(candidate);
      return claim ? options.deliveries.deliver(claim, candidate.schedule, options.signal) : undefined;
    });
  }
  const outcomes: DeliveryOutcome[] = [];
  const worker = async () => {
    for (let item = work.shift(); item; item = work.shift()) {
      if (options.signal?.aborted) return;
      try {
        const outcome = await item();
        if (outcome) outcomes.push(outcome);
      } catch (error) {
        // One digest failing to build must not keep the others from going out.
        options.logger.error({ err: error }, 'digest delivery failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return outcomes;
}

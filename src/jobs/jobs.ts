import type { Orm } from '../db/orm.ts';
import type { Logger } from '../lib/logger.ts';
import type { DigestDeliveries } from '../modules/digest/digest-delivery.service.ts';
import { runDigestTick } from '../modules/digest/digest-tick.job.ts';
import { runScheduledSync, type UserNotifier } from '../modules/sync/scheduled-sync.job.ts';
import type { SyncEngine } from '../modules/sync/sync.types.ts';
import { type CronJob, minIntervalFor } from './cron.ts';

/** Digests are due at a minute of their own zone: the tick looks every minute. */
export const DIGEST_TICK_CRON = '* * * * *';

/** The app's scheduled jobs; each one's work is a plain function in its module. */
export function activityPulseJobs(input: {
  syncCron: string;
  orm: Orm;
  engine: SyncEngine;
  notifier: UserNotifier;
  deliveries: DigestDeliveries;
  logger: Logger;
  now: () => Date;
  replicaId: string;
  /** Sources the scheduled sync runs at the same time (SYNC_CONCURRENCY). */
  syncConcurrency?: number;
}): CronJob[] {
  const minIntervalMs = minIntervalFor(input.syncCron);
  return [
    {
      name: 'scheduled-sync',
      cron: input.syncCron,
      run: (signal) =>
        runScheduledSync({
          orm: input.orm,
          engine: input.engine,
          notifier: input.notifier,
          logger: input.logger,
          now: input.now,
          replicaId: input.replicaId,
          minIntervalMs,
          signal,
          ...(input.syncConcurrency === undefined ? {} : { concurrency: input.syncConcurrency }),
        }),
    },
    {
      name: 'digest-tick',
      cron: DIGEST_TICK_CRON,
      run: (signal) =>
        runDigestTick({
          orm: input.orm,
          deliveries: input.deliveries,
          logger: input.logger,
          now: input.now,
          signal,
        }),
    },
  ];
}

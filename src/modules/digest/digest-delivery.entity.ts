import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DigestSchedule } from './digest-schedule.entity.ts';

export const DIGEST_DELIVERY_STATUSES = ['claimed', 'posted', 'failed'] as const;

/**
 * One digest for one schedule on one local date. The unique key is claimed before posting, so two
 * replicas or a restart never post the same digest twice.
 */
export const DigestDelivery = defineEntity({
  name: 'DigestDelivery',
  tableName: 'digest_delivery',
  uniques: [{ name: 'digest_delivery_schedule_date_unique', properties: ['schedule', 'localDate'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    schedule: () => p.manyToOne(DigestSchedule).deleteRule('cascade'),
    /** `YYYY-MM-DD` in the schedule's time zone. */
    localDate: p.string().length(10),
    status: p.enum(DIGEST_DELIVERY_STATUSES).default('claimed'),
    attempts: p.integer().default(0),
    claimedBy: p.string().nullable(),
    claimedAt: p.datetime().onCreate(() => new Date()),
    /** Set just before chat.postMessage: a claim that died before this may be retried, after it never. */
    postStartedAt: p.datetime().nullable(),
    postedAt: p.datetime().nullable(),
    messageTs: p.string().nullable(),
    error: p.text().nullable(),
    adminNotifiedAt: p.datetime().nullable(),
  },
});
export type IDigestDelivery = InferEntity<typeof DigestDelivery>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Workspace } from '../workspaces/workspace.entity.ts';

/** A channel's daily digest: local time, zone and weekdays (ISO 1 = Monday … 7 = Sunday). */
export const DigestSchedule = defineEntity({
  name: 'DigestSchedule',
  tableName: 'digest_schedule',
  uniques: [{ name: 'digest_schedule_workspace_channel_unique', properties: ['workspace', 'channelId'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    channelId: p.string(),
    /** `HH:MM`, 24-hour, in `timezone`. */
    localTime: p.string().length(5),
    timezone: p.string(),
    weekdays: p.json<number[]>(),
    /** Slack user ids to include; empty means every mapped teammate. */
    includedUserIds: p.array().default([]),
    enabled: p.boolean().default(true),
    createdBy: p.string(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IDigestSchedule = InferEntity<typeof DigestSchedule>;

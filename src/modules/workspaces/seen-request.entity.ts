import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A Slack request already acted on (see SeenRequestRepository, which owns its SQL). Declared so
 * the schema and the entities stay in step; nothing loads it through the ORM.
 */
export const SeenRequest = defineEntity({
  name: 'SeenRequest',
  tableName: 'slack_request_seen',
  indexes: [{ name: 'slack_request_seen_seen_at_index', properties: ['seenAt'] }],
  properties: {
    /** `event:<event_id>`, `signed:<timestamp>:<signature>` or `trigger:<trigger_id>`. */
    key: p.string().primary().length(255),
    teamId: p.string().length(32).nullable(),
    seenAt: p.datetime().onCreate(() => new Date()),
  },
});
export type ISeenRequest = InferEntity<typeof SeenRequest>;

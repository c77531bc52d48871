import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A Slack team. Its id is Slack's `team_id`; every other row is scoped by it. */
export const Workspace = defineEntity({
  name: 'Workspace',
  tableName: 'workspace',
  properties: {
    id: p.string().primary().length(32),
    name: p.string().nullable(),
    /** Bot token from an OAuth install, sealed with the SecretBox; null in single-workspace mode. */
    botTokenSealed: p.text().nullable().hidden(),
    botUserId: p.string().nullable(),
    botId: p.string().nullable(),
    botScopes: p.array().default([]),
    installedBy: p.string().nullable(),
    appId: p.string().nullable(),
    defaultTimezone: p.string().default('UTC'),
    adminUserIds: p.array().default([]),
    installedAt: p.datetime().nullable(),
    uninstalledAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IWorkspace = InferEntity<typeof Workspace>;

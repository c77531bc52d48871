import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Workspace } from '../workspaces/workspace.entity.ts';

/** A Slack user in a workspace whose activity ActivityPulse reports. */
export const Teammate = defineEntity({
  name: 'Teammate',
  tableName: 'teammate',
  uniques: [{ name: 'teammate_workspace_user_unique', properties: ['workspace', 'slackUserId'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    slackUserId: p.string(),
    displayName: p.string().nullable(),
    /** IANA zone from `users.info`; null until known. */
    timezone: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type ITeammate = InferEntity<typeof Teammate>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DataSource } from '../sources/data-source.entity.ts';
import { Teammate } from '../teammates/teammate.entity.ts';
import { Workspace } from '../workspaces/workspace.entity.ts';
import { ACTIVITY_KINDS } from './activity-kinds.ts';

/**
 * One thing a teammate did. `naturalKey` (e.g. `gitlab:<host>:commit:<project>:<sha>`, with the
 * actor for per-person kinds) is unique per workspace, so every sync is an idempotent upsert.
 */
export const Activity = defineEntity({
  name: 'Activity',
  tableName: 'activity',
  uniques: [{ name: 'activity_workspace_natural_key_unique', properties: ['workspace', 'naturalKey'] }],
  indexes: [
    { name: 'activity_teammate_occurred_idx', properties: ['teammate', 'occurredAt'] },
    { name: 'activity_source_occurred_idx', properties: ['dataSource', 'occurredAt'] },
    { name: 'activity_workspace_occurred_idx', properties: ['workspace', 'occurredAt'] },
    // A reviewer's actions per merge request, read when review time is placed.
    {
      name: 'activity_review_mr_idx',
      expression:
        'create index "activity_review_mr_idx" on "activity" ("teammate_id", "merge_request_ref") where "is_review"',
    },
  ],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    teammate: () => p.manyToOne(Teammate).deleteRule('cascade'),
    dataSource: () => p.manyToOne(DataSource).deleteRule('cascade'),
    sourceType: p.string().default('gitlab'),
    kind: p.enum(ACTIVITY_KINDS),
    naturalKey: p.text(),
    occurredAt: p.datetime(),
    title: p.text(),
    url: p.text().nullable(),
    project: p.text().nullable(),
    linesAdded: p.integer().nullable(),
    linesRemoved: p.integer().nullable(),
    durationSeconds: p.integer().nullable(),
    timeSpentSeconds: p.integer().nullable(),
    jiraKeys: p.array().default([]),
    mergeRequestRef: p.text().nullable(),
    isReview: p.boolean().default(false),
    reviewRequestedAt: p.datetime().nullable(),
    mrCreatedAt: p.datetime().nullable(),
    pickupSeconds: p.integer().nullable(),
    pipelineStatus: p.text().nullable(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IActivity = InferEntity<typeof Activity>;

import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Workspace } from '../workspaces/workspace.entity.ts';

export const DATA_SOURCE_TYPES = ['gitlab'] as const;
export const DATA_SOURCE_STATUSES = ['untested', 'ok', 'failing'] as const;

/**
 * A GitLab (later: other) instance a workspace reads from. The token is sealed (AES-256-GCM) and
 * `hidden`, so it never appears in a serialized entity; only the repository opens it.
 */
export const DataSource = defineEntity({
  name: 'DataSource',
  tableName: 'data_source',
  uniques: [{ name: 'data_source_workspace_name_unique', properties: ['workspace', 'nameKey'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    type: p.enum(DATA_SOURCE_TYPES).default('gitlab'),
    name: p.string(),
    /** Lower-cased name: names are unique per workspace regardless of case. */
    nameKey: p.string(),
    /** Normalized, without `/api/v4`. */
    baseUrl: p.text(),
    tokenSealed: p.text().hidden().lazy(),
    jiraUrl: p.text().nullable(),
    tokenScopes: p.array().default([]),
    tokenExpiresAt: p.datetime().nullable(),
    tokenUsername: p.string().nullable(),
    status: p.enum(DATA_SOURCE_STATUSES).default('untested'),
    lastErrorCode: p.string().nullable(),
    lastError: p.text().nullable(),
    lastTestedAt: p.datetime().nullable(),
    lastSyncAt: p.datetime().nullable(),
    /** Consecutive failed syncs; drives back-off. */
    failureCount: p.integer().default(0),
    nextSyncAfter: p.datetime().nullable(),
    tokenProblemNotifiedAt: p.datetime().nullable(),
    /** When a replica last claimed this source for a scheduled sync, and which one (scheduled-sync.job.ts). */
    syncClaimedAt: p.datetime().nullable(),
    syncClaimedBy: p.string().nullable(),
    /** What `GET /api/v4/version` last said (e.g. 16.3.1-ee): decides which GraphQL fields are asked for. */
    gitlabVersion: p.string().nullable(),
    gitlabVersionCheckedAt: p.datetime().nullable(),
    createdBy: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IDataSource = InferEntity<typeof DataSource>;

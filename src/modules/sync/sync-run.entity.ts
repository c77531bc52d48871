import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DataSource } from '../sources/data-source.entity.ts';
import { Workspace } from '../workspaces/workspace.entity.ts';

export const SYNC_TRIGGERS = ['cron', 'command', 'button', 'digest'] as const;
export const SYNC_RUN_STATUSES = [
  'running',
  'succeeded',
  'partial',
  'failed',
  'skipped',
  /** Left `running` by a process that died or lost the database; see markInterruptedRuns. */
  'interrupted',
] as const;

/** One sync of one data source: what it did, what it cost, what went wrong. */
export const SyncRun = defineEntity({
  name: 'SyncRun',
  tableName: 'sync_run',
  indexes: [{ name: 'sync_run_source_started_idx', properties: ['dataSource', 'startedAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    dataSource: () => p.manyToOne(DataSource).deleteRule('cascade').nullable(),
    trigger: p.enum(SYNC_TRIGGERS),
    requestedBy: p.string().nullable(),
    status: p.enum(SYNC_RUN_STATUSES).default('running'),
    startedAt: p.datetime().onCreate(() => new Date()),
    finishedAt: p.datetime().nullable(),
    /** Renewed while the run works: a `running` run whose heartbeat is stale has no live owner. */
    heartbeatAt: p.datetime().nullable(),
    windowStart: p.datetime().nullable(),
    windowEnd: p.datetime().nullable(),
    /** Activities stored, by teammate and kind: `{ "<teammateId>": { "mr_opened": 2 } }`. */
    counts: p.json<Record<string, Record<string, number>>>(),
    /** Per-teammate failures: `[{ teammateId, code, message }]`. */
    failures: p.json<Array<{ teammateId: string; code: string; message: string }>>(),
    /** What the sync could not collect, stated rather than invented (e.g. time logs unavailable). */
    notes: p.array().default([]),
    apiCalls: p.integer().default(0),
    retries: p.integer().default(0),
    durationMs: p.integer().nullable(),
    errorCode: p.string().nullable(),
    error: p.text().nullable(),
  },
});
export type ISyncRun = InferEntity<typeof SyncRun>;

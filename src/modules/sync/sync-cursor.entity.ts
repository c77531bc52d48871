import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DataSource } from '../sources/data-source.entity.ts';

/**
 * How far one (data source, scope, resource) has been read. `scope` is a teammate id or a project
 * path; `resource` names the stream (`events`, `timelogs`, `pipelines:<project>` …). The cursor is
 * advanced in the same transaction as the rows it covers.
 */
export const SyncCursor = defineEntity({
  name: 'SyncCursor',
  tableName: 'sync_cursor',
  uniques: [
    { name: 'sync_cursor_source_scope_resource_unique', properties: ['dataSource', 'scope', 'resource'] },
  ],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    dataSource: () => p.manyToOne(DataSource).deleteRule('cascade'),
    scope: p.string(),
    resource: p.string(),
    /** Inclusive lower bound of what is still unread. */
    position: p.datetime().nullable(),
    /** Opaque page token or last id, for resources that resume mid-way. */
    token: p.text().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type ISyncCursor = InferEntity<typeof SyncCursor>;

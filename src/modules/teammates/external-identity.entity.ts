import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { DataSource } from '../sources/data-source.entity.ts';
import { Teammate } from './teammate.entity.ts';

/** Who a teammate is on one data source: the GitLab username and its numeric id. */
export const ExternalIdentity = defineEntity({
  name: 'ExternalIdentity',
  tableName: 'external_identity',
  uniques: [
    { name: 'external_identity_teammate_source_unique', properties: ['teammate', 'dataSource'] },
    { name: 'external_identity_source_username_unique', properties: ['dataSource', 'usernameKey'] },
  ],
  indexes: [{ name: 'external_identity_source_idx', properties: ['dataSource'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    teammate: () => p.manyToOne(Teammate).deleteRule('cascade'),
    dataSource: () => p.manyToOne(DataSource).deleteRule('cascade'),
    username: p.string(),
    usernameKey: p.string(),
    externalUserId: p.bigint('number').nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type IExternalIdentity = InferEntity<typeof ExternalIdentity>;

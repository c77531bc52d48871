import { Migrator } from '@mikro-orm/migrations';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { migrationsList } from '../../migrations/index.ts';
import type { Logger } from '../lib/logger.ts';
import { entities } from './entities.ts';

export type Orm = MikroORM;

/** MikroORM options shared by the app, the migrate command and the tests. */
export function ormOptions(clientUrl: string, logger?: Logger): Options {
  return {
    clientUrl,
    entities,
    extensions: [Migrator],
    // Entities are registered explicitly and typed by defineEntity: no reflection, no discovery.
    discovery: { warnWhenNoEntities: true },
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: { min: 0, max: 10 },
    // SQL never goes to the log: parameters can hold sealed tokens and user text.
    debug: false,
    logger: (message) => logger?.debug({ orm: true }, message),
    forceUtcTimezone: true,
    allowGlobalContext: false,
  };
}

export async function createOrm(clientUrl: string, logger?: Logger): Promise<Orm> {
  return MikroORM.init(ormOptions(clientUrl, logger));
}

export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}

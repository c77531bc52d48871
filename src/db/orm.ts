import { Migrator } from '@mikro-orm/migrations';
import { type EntitySchema, MikroORM, type Options } from '@mikro-orm/postgresql';
import pg from 'pg';
import { migrationsList } from '../../migrations/index.ts';
import type { Logger } from '../lib/logger.ts';

export type Orm = MikroORM;

/**
 * The entities to register. Each module defines its own; the composition root hands the list in,
 * so this room never imports the modules above it.
 */
export type EntityList = readonly EntitySchema[];

/** MikroORM options shared by the app, the migrate command and the tests. */
export function ormOptions(clientUrl: string, entities: EntityList, logger?: Logger): Options {
  return {
    clientUrl,
    entities: [...entities],
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

export async function createOrm(clientUrl: string, entities: EntityList, logger?: Logger): Promise<Orm> {
  return MikroORM.init(ormOptions(clientUrl, entities, logger));
}

/** Key of the session advisory lock that serialises migrations across replicas starting together. */
const MIGRATION_LOCK_KEY = 0x41505f6d; // "AP_m"

/**
 * Applies pending migrations. Several replicas may start at once: the first takes a PostgreSQL
 * advisory lock on a dedicated connection, the others wait for it and then find nothing to do.
 */
export async function migrate(orm: Orm): Promise<string[]> {
  const clientUrl = orm.config.get('clientUrl');
  const lock = new pg.Client({ connectionString: clientUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

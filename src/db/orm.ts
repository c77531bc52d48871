import type { MikroORM as CoreMikroORM } from '@mikro-orm/core';
import { Migrator as MikroOrmMigrator } from '@mikro-orm/migrations';
import { type EntitySchema, MikroORM, type Options, PostgreSqlDriver } from '@mikro-orm/postgresql';
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
    // Named so the MikroORM CLI, which builds the ORM from these options itself, knows the driver.
    driver: PostgreSqlDriver,
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
    // A database that does not answer fails the request in 5 s ("the database is unavailable")
    // instead of holding it until the operating system gives up on the connection.
    driverOptions: { connectionTimeoutMillis: 5_000 },
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
 * Holds a PostgreSQL advisory lock on a dedicated connection while `work` runs. Several replicas
 * (or a replica and someone running the MikroORM CLI) may migrate at once: the first takes the lock,
 * the others wait for it and then find nothing to do.
 */
async function withMigrationLock<T>(clientUrl: string, work: () => Promise<T>): Promise<T> {
  const lock = new pg.Client({ connectionString: clientUrl, application_name: 'activitypulse-migrate-lock' });
  // A connection lost while migrating must fail the migration, not crash the process.
  let lost: unknown;
  lock.on('error', (error) => {
    lost = error;
  });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const result = await work();
    if (lost) throw lost;
    return result;
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}

/**
 * MikroORM's migrator with our advisory lock around `up` and `down`, so the app's start-up and the
 * MikroORM CLI (`npx mikro-orm migration:up`) take the same lock. The class keeps the name
 * `Migrator`: MikroORM.init registers the stock migrator unless an extension of that name is given.
 */
export class Migrator extends MikroOrmMigrator {
  static override register(orm: CoreMikroORM): void {
    orm.config.registerExtension(
      '@mikro-orm/migrator',
      () => new Migrator(orm.em as ConstructorParameters<typeof MikroOrmMigrator>[0]),
    );
  }

  override up(options?: Parameters<MikroOrmMigrator['up']>[0]): ReturnType<MikroOrmMigrator['up']> {
    return withMigrationLock(this.config.get('clientUrl') ?? '', () => super.up(options));
  }

  override down(options?: Parameters<MikroOrmMigrator['down']>[0]): ReturnType<MikroOrmMigrator['down']> {
    return withMigrationLock(this.config.get('clientUrl') ?? '', () => super.down(options));
  }
}

/** Applies pending migrations (under the lock, see Migrator) and names the ones applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}

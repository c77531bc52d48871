import { CodedError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.ts';
import { createOrm, type EntityList, migrate, type Orm } from './orm.ts';

export interface Database {
  orm: Orm;
  embedded: EmbeddedPostgres | undefined;
  close(): Promise<void>;
}

/** Where the URL points, without the password, for error messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

/**
 * Connects (starting the embedded PostgreSQL when no URL is configured) and applies migrations.
 * A server that cannot be reached stops start-up with a message that says what to check.
 */
export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  entities: EntityList;
  logger: Logger;
}): Promise<Database> {
  const { logger } = options;
  let embedded: EmbeddedPostgres | undefined;
  let url = options.databaseUrl;
  if (!url) {
    logger.info({ dataDir: options.dataDir }, 'DATABASE_URL is not set; starting the embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir, logger });
    url = embedded.url;
  }
  let orm: Orm | undefined;
  try {
    orm = await createOrm(url, options.entities, logger);
    if (!(await orm.isConnected())) await orm.connect();
    await orm.em.getConnection().execute('select 1');
    const applied = await migrate(orm);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (cause) {
    await orm?.close(true).catch(() => undefined);
    await embedded?.stop();
    const reason =
      cause instanceof Error ? cause.message.replace(/postgres(ql)?:\/\/[^\s]+/g, '[url]') : 'unknown error';
    throw new CodedError(
      'DATABASE_UNREACHABLE',
      `Cannot use the database at ${describeDatabaseUrl(url)}: ${reason}. Check DATABASE_URL (host, port, user, password, database name) and that the server accepts connections.`,
      { cause },
    );
  }
  return {
    orm,
    embedded,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

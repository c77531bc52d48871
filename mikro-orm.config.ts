import type { Options } from '@mikro-orm/postgresql';
import { ConfigError, loadConfigWithoutSlack } from './src/config/config.ts';
import { startEmbeddedPostgres } from './src/db/embedded-postgres.ts';
import { ormOptions } from './src/db/orm.ts';
import { entities } from './src/modules/entities.ts';

/**
 * Configuration for the MikroORM CLI (`npx mikro-orm debug`, `migration:up`, `migration:create`),
 * handed to it by `mikro-orm.config.js` (the CLI reads `.ts` only through a loader of its own list;
 * Node 24 runs TypeScript natively, so `preferTs: false` in package.json and a one-line `.js`
 * re-export are all it takes). The app itself does not read this file: `src/db/orm.ts` holds the
 * options both share.
 *
 * The database is the app's: DATABASE_URL, or — when it is unset — the embedded PostgreSQL under
 * DATA_DIR (`./.data`), started for the command and stopped when it exits. Stop `npm start` first
 * when it uses the embedded database: one data directory serves one server at a time.
 *
 * The CLI finds migrations by file name here (the app lists them in `migrations/index.ts`; a test
 * checks the two agree), so `migration:create` writes a file the migrator can see. Migrating takes
 * the same advisory lock as the app's start-up.
 */
export default async function cliConfig(): Promise<Options> {
  let config: ReturnType<typeof loadConfigWithoutSlack>;
  try {
    config = loadConfigWithoutSlack(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(error.message);
    throw error;
  }
  let url = config.databaseUrl;
  if (!url) {
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    embedded.stopWithProcess();
    url = embedded.url;
  }
  const options = ormOptions(url, entities);
  return {
    ...options,
    migrations: {
      ...options.migrations,
      migrationsList: undefined,
      path: './migrations',
      pathTs: './migrations',
      // Every migration file starts with its date; index.ts is the app's list, not a migration.
      glob: '2*.ts',
      emit: 'ts',
      // Our naming scheme: 20261202-<HHMMSS>-<what>.ts (the CLI passes a 14-digit timestamp).
      fileName: (timestamp: string, name?: string) =>
        `${timestamp.slice(0, 8)}-${timestamp.slice(8)}-${name ?? 'migration'}`,
    },
  };
}

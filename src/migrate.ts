import { ConfigError, loadConfigWithoutSlack } from './config/config.ts';
import { openDatabase } from './db/database.ts';
import { isCodedError } from './lib/errors.ts';
import { createLogger } from './lib/logger.ts';
import { entities } from './modules/entities.ts';

/**
 * `npm run migrate`: applies pending migrations and exits. Needs only DATABASE_URL (or the
 * embedded default), not the Slack credentials, so it can run as a deploy step of its own.
 */
async function run(): Promise<void> {
  const config = loadConfigWithoutSlack(process.env);
  const logger = createLogger({ level: config.logLevel });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    entities,
    logger,
  });
  await database.close();
  logger.info('migrations are up to date');
}

run().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else if (isCodedError(error)) process.stderr.write(`Migration failed: ${error.userMessage}\n`);
  else process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

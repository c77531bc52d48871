import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { createOrm, migrate } from '../../src/db/orm.ts';
import { entities } from '../../src/modules/entities.ts';

export const TEMPLATE_DATABASE = 'activitypulse_test_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test PostgreSQL server (any database name is replaced per test file). */
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

/**
 * One PostgreSQL for the whole run: the embedded one (in a temporary directory) unless
 * TEST_DATABASE_URL names a server. A migrated template database makes each test file's own
 * database a cheap `CREATE DATABASE … TEMPLATE …`.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env['TEST_DATABASE_URL'];
  if (!adminUrl) {
    // The parent must be enterable by the postgres OS user when tests run as root.
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'activitypulse-test-'));
    embedded = await startEmbeddedPostgres({
      dataDir,
      database: 'postgres',
      // A throwaway server: nothing here must survive a crash, so it need not wait for the disk.
      // Each test file clones a database and most write a little; durability was most of the cost.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' },
    });
    adminUrl = embedded.urlFor('postgres');
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const template = `${TEMPLATE_DATABASE}_${process.pid}`;
  await admin.query(`drop database if exists ${admin.escapeIdentifier(template)}`);
  await admin.query(`create database ${admin.escapeIdentifier(template)}`);
  await admin.end();

  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  const orm = await createOrm(templateUrl.toString(), entities);
  await migrate(orm);
  await orm.close(true);

  project.provide('postgresAdminUrl', adminUrl);
  project.provide('templateDatabase', template);

  return async () => {
    if (embedded) {
      await embedded.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    } else {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      const rows = await cleanup.query<{ datname: string }>(
        "select datname from pg_database where datname like 'ap_test_%' or datname = $1",
        [template],
      );
      for (const row of rows.rows) {
        await cleanup.query(`drop database if exists ${cleanup.escapeIdentifier(row.datname)} with (force)`);
      }
      await cleanup.end();
    }
  };
}

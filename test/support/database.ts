import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { entities } from '../../src/modules/entities.ts';

export interface TestDatabase {
  url: string;
  name: string;
  /** An ORM on this database (created on first use, closed by `drop`). */
  orm(): Promise<Orm>;
  drop(): Promise<void>;
}

function urlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh, migrated database for one test file (cloned from the template made in global setup). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('postgresAdminUrl');
  const template = inject('templateDatabase');
  const name = `ap_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(
      `create database ${admin.escapeIdentifier(name)} template ${admin.escapeIdentifier(template)}`,
    );
  } finally {
    await admin.end();
  }
  const url = urlFor(adminUrl, name);
  let orm: Orm | undefined;
  return {
    url,
    name,
    async orm() {
      orm ??= await createOrm(url, entities);
      return orm;
    },
    async drop() {
      await orm?.close(true);
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${cleanup.escapeIdentifier(name)} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

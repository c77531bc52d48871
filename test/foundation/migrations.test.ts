import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrationsList } from '../../migrations/index.ts';
import { createOrm, migrate } from '../../src/db/orm.ts';
import { entities } from '../../src/modules/entities.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const allMigrations = migrationsList.map((migration) => migration.name);

describe('migrations', () => {
  let db: TestDatabase;
  let emptyUrl: string;
  const emptyName = `ap_test_empty_${process.pid}_${Date.now()}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    await admin.query(`create database ${admin.escapeIdentifier(emptyName)}`);
    await admin.end();
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = `/${emptyName}`;
    emptyUrl = url.toString();
  });

  afterAll(async () => {
    await db.drop();
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${admin.escapeIdentifier(emptyName)} with (force)`);
    await admin.end();
  });

  it('builds the whole schema from an empty database, and a second run applies nothing', async () => {
    const orm = await createOrm(emptyUrl, entities);
    try {
      expect(await migrate(orm)).toEqual(allMigrations);
      expect(await migrate(orm)).toEqual([]);
      const tables = await orm.em
        .fork()
        .getConnection()
        .execute<{ table_name: string }[]>(
          "select table_name from information_schema.tables where table_schema = 'public' order by 1",
        );
      expect(tables.map((row) => row.table_name)).toEqual([
        'activity',
        'data_source',
        'digest_delivery',
        'digest_schedule',
        'external_identity',
        'mikro_orm_migrations',
        'slack_request_seen',
        'sync_cursor',
        'sync_run',
        'teammate',
        'workspace',
      ]);
    } finally {
      await orm.close(true);
    }
  });

  it('lets two replicas start on the same empty database at once: one migrates, the other waits', async () => {
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    const name = `${emptyName}_race`;
    await admin.connect();
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = `/${name}`;
    const [a, b] = await Promise.all([
      createOrm(url.toString(), entities),
      createOrm(url.toString(), entities),
    ]);
    try {
      const applied = await Promise.all([migrate(a), migrate(b)]);
      expect(applied.flat()).toEqual(allMigrations);
    } finally {
      await Promise.all([a.close(true), b.close(true)]);
      await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
      await admin.end();
    }
  });

  it('keeps the schema in line with the entities (no pending difference)', async () => {
    const orm = await db.orm();
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    // Tolerated: column defaults the migration adds for raw inserts, and foreign-key constraint names.
    const structural = diff
      .split('\n')
      .filter((line) =>
        /add column|drop column|create table|drop table|create index|drop index|alter column "\w+" type/.test(
          line,
        ),
      );
    expect(structural).toEqual([]);
  });

  it('stores a digest at most once per schedule and local date', async () => {
    const connection = (await db.orm()).em.fork().getConnection();
    await connection.execute("insert into workspace (id) values ('T9')");
    await connection.execute(
      "insert into digest_schedule (id, workspace_id, channel_id, local_time, timezone, created_by) values ('00000000-0000-0000-0000-000000000001', 'T9', 'C1', '09:00', 'UTC', 'U1')",
    );
    const claim =
      "insert into digest_delivery (id, schedule_id, local_date) values (gen_random_uuid(), '00000000-0000-0000-0000-000000000001', '2026-11-25')";
    await connection.execute(claim);
    await expect(connection.execute(claim)).rejects.toThrow(/unique/i);
  });
});

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { entities } from '../../src/modules/entities.ts';

/**
 * An installation upgraded from before the typed review columns: its activity rows carry review
 * facts inside `payload`. The migration moves them to the columns and out of the payload.
 */
describe('the typed review facts migration', () => {
  const name = `ap_test_upgrade_${process.pid}_${Date.now()}`;
  let orm: Orm;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    await admin.query(`create database ${admin.escapeIdentifier(name)}`);
    await admin.end();
    const url = new URL(inject('postgresAdminUrl'));
    url.pathname = `/${name}`;
    orm = await createOrm(url.toString(), entities);
  });

  afterAll(async () => {
    await orm.close(true);
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
    await admin.end();
  });

  it('fills the columns from the payload of existing rows and leaves the raw keys alone', async () => {
    await orm.migrator.up({ to: '20261125-0003-sync-claims-and-digest-posting' });
    const sql = orm.em.fork().getConnection();
    const [workspace, teammate, source] = ['T1', randomUUID(), randomUUID()];
    await sql.execute(`insert into workspace (id, default_timezone) values (?, 'UTC')`, [workspace]);
    await sql.execute(
      `insert into teammate (id, workspace_id, slack_user_id, display_name, timezone) values (?, ?, 'U1', 'Ada', 'UTC')`,
      [teammate, workspace],
    );
    await sql.execute(
      `insert into data_source (id, workspace_id, name, name_key, base_url, token_sealed, created_by)
       values (?, ?, 'GitLab', 'gitlab', 'https://gitlab.example.com', 'x', 'U1')`,
      [source, workspace],
    );
    const insert = (kind: string, key: string, payload: Record<string, unknown>) =>
      sql.execute(
        `insert into activity (workspace_id, teammate_id, data_source_id, kind, natural_key, occurred_at, title, payload)
         values (?, ?, ?, ?, ?, now(), 't', ?::jsonb)`,
        [workspace, teammate, source, kind, key, JSON.stringify(payload)],
      );
    await insert('mr_commented', 'c1', {
      noteId: 9,
      mergeRequest: '7!5',
      review: true,
      reviewRequestedAt: '2026-11-02T09:00:00Z',
      mrCreatedAt: '2026-11-01T08:00:00Z',
      pickupSeconds: 3600.4,
    });
    await insert('mr_approved', 'a1', { mergeRequest: '7!6', review: false });
    await insert('pipeline_run', 'p1', { status: 'FAILED', ref: 'main' });

    await orm.migrator.up();

    const rows = await sql.execute<
      Array<{
        natural_key: string;
        merge_request_ref: string | null;
        is_review: boolean;
        review_requested_at: string | null;
        mr_created_at: string | null;
        pickup_seconds: number | null;
        pipeline_status: string | null;
        payload: Record<string, unknown>;
      }>
    >(
      `select natural_key, merge_request_ref, is_review, review_requested_at, mr_created_at, pickup_seconds,
              pipeline_status, payload
         from activity order by natural_key`,
    );
    expect(rows).toEqual([
      {
        natural_key: 'a1',
        merge_request_ref: '7!6',
        is_review: false,
        review_requested_at: null,
        mr_created_at: null,
        pickup_seconds: null,
        pipeline_status: null,
        payload: { mergeRequest: '7!6' },
      },
      {
        natural_key: 'c1',
        merge_request_ref: '7!5',
        is_review: true,
        review_requested_at: '2026-11-02 09:00:00+00',
        mr_created_at: '2026-11-01 08:00:00+00',
        pickup_seconds: 3600,
        pipeline_status: null,
        payload: { noteId: 9, mergeRequest: '7!5' },
      },
      {
        natural_key: 'p1',
        merge_request_ref: null,
        is_review: false,
        review_requested_at: null,
        mr_created_at: null,
        pickup_seconds: null,
        pipeline_status: 'failed',
        payload: { status: 'FAILED', ref: 'main' },
      },
    ]);
  });
});

import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_LOCK_NAMESPACE } from '../../src/modules/sync/sync-lock.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/eventually.ts';
import { createFakeGitLab, type FakeGitLab, faults } from '../support/fake-gitlab/index.ts';
import { mixedScenario, SYNC_TOKEN } from '../sync/mixed-scenario.ts';
import { createSyncHarness, type SyncHarness } from '../sync/sync-harness.ts';

let db: TestDatabase;
let fake: FakeGitLab;
let harness: SyncHarness;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
afterEach(async () => {
  await harness?.close();
  await fake?.close();
});

async function setUp() {
  fake = await createFakeGitLab(mixedScenario());
  harness = await createSyncHarness(await db.orm());
  const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
  await harness.addTeammate(sourceId, 'grace');
  return sourceId;
}

/** A run row as a process that died mid-sync leaves it: 'running', its heartbeat this old. */
async function orphanRun(sourceId: string, heartbeatAgeSeconds: number): Promise<string> {
  const id = crypto.randomUUID();
  await harness.sql(
    `insert into sync_run (id, workspace_id, data_source_id, trigger, status, started_at, heartbeat_at, counts, failures)
     values (?, ?, ?, 'cron', 'running', now() - interval '1 hour', now() - make_interval(secs => ?), '{}', '[]')`,
    [id, harness.workspaceId, sourceId, heartbeatAgeSeconds],
  );
  return id;
}

async function runOf(id: string) {
  const [row] = await harness.sql<{ status: string; error_code: string | null; finished_at: Date | null }>(
    'select status, error_code, finished_at from sync_run where id = ?',
    [id],
  );
  return row;
}

describe('sync runs left running', () => {
  it('are marked interrupted by the next sync of their source, which then runs normally', async () => {
    const sourceId = await setUp();
    // Even with a fresh heartbeat: holding the source's lock proves nobody else runs it.
    const orphan = await orphanRun(sourceId, 1);

    const { sources } = await harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });

    expect(sources[0]?.status).toBe('succeeded');
    expect(await runOf(orphan)).toMatchObject({ status: 'interrupted', error_code: 'SYNC_INTERRUPTED' });
    expect((await runOf(orphan))?.finished_at).not.toBeNull();
  });

  it("are left alone while another replica holds their source's lock, even with a stale lease", async () => {
    const sourceId = await setUp();
    const other = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN, name: 'other' });
    const fresh = await orphanRun(other, 5);
    const stale = await orphanRun(other, 600);
    const staleButLocked = await orphanRun(sourceId, 600);
    // A live replica holds the first source's lock (its sync of that source is going on).
    const replica = new pg.Client({ connectionString: db.url });
    await replica.connect();
    try {
      await replica.query('select pg_advisory_lock($1, hashtext($2))', [SYNC_LOCK_NAMESPACE, sourceId]);
      const { sources } = await harness
        .service()
        .sync({ workspaceId: harness.workspaceId, dataSourceId: other, trigger: 'cron' });
      expect(sources[0]?.status).toBe('succeeded');
      // `fresh` was closed as the synced source's own orphan; the locked one is left alone.
      expect(await runOf(stale)).toMatchObject({ status: 'interrupted' });
      expect(await runOf(fresh)).toMatchObject({ status: 'interrupted' });
      expect(await runOf(staleButLocked)).toMatchObject({ status: 'running' });
    } finally {
      await replica.end();
    }
  });

  it('a stale lease of a source nobody syncs is closed by a sync of another source of the workspace', async () => {
    const sourceId = await setUp();
    const other = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN, name: 'idle' });
    const fresh = await orphanRun(other, 5);
    const stale = await orphanRun(other, 600);
    await harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    expect(await runOf(stale)).toMatchObject({ status: 'interrupted' });
    expect(await runOf(fresh)).toMatchObject({ status: 'running' });
  });

  it('keep their lease while they work', async () => {
    const sourceId = await setUp();
    fake.setFault({ ...faults.slow(800, 1), match: { endpoint: 'GET /users/:id/events' } });
    const running = harness
      .service({ heartbeatMs: 100 })
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    await eventually(async () => {
      const [row] = await harness.sql<{ renewed: boolean }>(
        `select heartbeat_at > started_at + interval '300 milliseconds' as renewed
         from sync_run where data_source_id = ? and status = 'running'`,
        [sourceId],
      );
      return row?.renewed === true;
    });
    expect((await running).sources[0]?.status).toBe('succeeded');
  });
});

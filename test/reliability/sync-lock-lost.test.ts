import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_LOCK_NAMESPACE } from '../../src/modules/sync/sync-lock.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/eventually.ts';
import { createFakeGitLab, type FakeGitLab, faults } from '../support/fake-gitlab/index.ts';
import { mixedScenario, SYNC_TOKEN } from '../sync/mixed-scenario.ts';
import {
  createSyncHarness,
  type StoredRow,
  type SyncHarness,
  storedActivities,
} from '../sync/sync-harness.ts';

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

/** Ends, from another session, the backend that holds a sync lock: what a failover does to it. */
async function terminateLockHolder(): Promise<number> {
  const [row] = await harness.sql<{ terminated: number }>(
    `select count(*)::int as terminated from (
       select pg_terminate_backend(l.pid) from pg_locks l
       where l.locktype = 'advisory' and l.granted and l.classid = ?::oid
         and l.database = (select oid from pg_database where datname = current_database())) t`,
    [SYNC_LOCK_NAMESPACE],
  );
  return row?.terminated ?? 0;
}

describe('a sync whose lock connection is killed', () => {
  it('stops at its next step, is recorded as failed with the reason, and the next sync gets everything', async () => {
    fake = await createFakeGitLab(mixedScenario());
    harness = await createSyncHarness(await db.orm());
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
    await harness.addTeammate(sourceId, 'ada');
    await harness.addTeammate(sourceId, 'grace');
    fake.setFault({ ...faults.slow(1_500, 2), match: { endpoint: 'GET /users/:id/events' } });

    const running = harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    await eventually(async () => (await terminateLockHolder()) === 1);
    const { sources } = await running;

    expect(sources[0]).toMatchObject({ status: 'failed', errorCode: 'SYNC_LOCK_LOST' });
    expect(sources[0]?.error).toMatch(/connection to the database dropped/);
    const [run] = await harness.sql<{ status: string; error_code: string }>(
      'select status, error_code from sync_run where id = ?',
      [sources[0]?.syncRunId],
    );
    expect(run).toEqual({ status: 'failed', error_code: 'SYNC_LOCK_LOST' });

    const again = await harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    expect(again.sources[0]?.status).toBe('succeeded');

    // Nothing lost: exactly the rows a clean run of the same week stores.
    const clean = await createSyncHarness(await db.orm());
    try {
      const cleanSource = await clean.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
      await clean.addTeammate(cleanSource, 'ada');
      await clean.addTeammate(cleanSource, 'grace');
      await clean
        .service()
        .sync({ workspaceId: clean.workspaceId, dataSourceId: cleanSource, trigger: 'cron' });
      const shape = (rows: StoredRow[]) =>
        rows.map((row) => [row.slack_user_id, row.kind, row.natural_key, row.title].join(' | '));
      const cleanRows = shape(await storedActivities(clean));
      expect(cleanRows.length).toBeGreaterThan(5);
      expect(shape(await storedActivities(harness))).toEqual(cleanRows);
    } finally {
      await clean.close();
    }
  });
});

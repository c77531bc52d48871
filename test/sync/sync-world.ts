import { afterAll, afterEach, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createFakeGitLab, type FakeGitLab, type FakeScenario } from '../support/fake-gitlab/index.ts';
import { createSyncHarness, type SyncHarness } from './sync-harness.ts';

/**
 * A test file's sync world: its own database for the file, and per test a fake GitLab serving
 * `scenario` with a sync harness on that database, both closed after the test.
 */
export function useSyncWorld() {
  let db: TestDatabase;
  let fake: FakeGitLab | undefined;
  let harness: SyncHarness | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  afterEach(async () => {
    await harness?.close();
    await fake?.close();
    harness = undefined;
    fake = undefined;
  });
  return {
    async start(scenario: FakeScenario): Promise<{ fake: FakeGitLab; harness: SyncHarness }> {
      await harness?.close();
      await fake?.close();
      fake = await createFakeGitLab(scenario);
      harness = await createSyncHarness(await db.orm());
      return { fake, harness };
    },
  };
}

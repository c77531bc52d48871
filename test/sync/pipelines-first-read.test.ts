import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_TOKEN, buildBenchScenario } from '../../bench/sync-scenario.ts';
import { differences, type StoredFact, storedTruth, truthOf } from '../../bench/sync-truth.ts';
import { OWN_LISTS_WORTH_COUNTING } from '../../src/modules/sync/pipeline-lists.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { createSyncHarness, type SyncHarness } from './sync-harness.ts';

/**
 * A first sync of many teammates sharing projects: each project's pipelines would be one list
 * per teammate there. Where the project's whole list (everyone's, counted first) has no more pages
 * than those lists, it is read once for all of them; a project busy with other people's pipelines
 * keeps the per-teammate lists. Either way, every teammate's pipelines and nobody else's are stored.
 */
const END = new Date('2024-06-28T23:00:00Z');
const DAYS = 3;

let db: TestDatabase;
let fake: FakeGitLab;
let harness: SyncHarness;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await fake?.close();
  await harness?.close();
  await db.drop();
});

describe('pipelines on a first sync', () => {
  it('reads a shared project once for its teammates after one count, and a busy project per teammate', async () => {
    const bench = buildBenchScenario({ teammates: 20, days: DAYS, end: END });
    const truth = truthOf(bench.scenario, { start: new Date(END.getTime() - DAYS * 86_400_000), end: END });
    // Someone outside the team runs 900 pipelines in acme/service-1 during the window: its whole
    // list would be 10 pages, more than the lists of its few teammates.
    const scenario = structuredClone(bench.scenario);
    scenario.users.push({ id: 9001, username: 'ci-bot', name: 'CI Bot' });
    const busy = scenario.projects!.find((project) => project.path_with_namespace === 'acme/service-1')!;
    for (let index = 0; index < 900; index += 1) {
      const at = new Date(END.getTime() - (index + 1) * 400_000).toISOString();
      scenario.pipelines!.push({
        project_id: busy.id,
        id: 500_000 + index,
        iid: 50_000 + index,
        status: 'success',
        ref: 'main',
        sha: 'f'.repeat(40),
        username: 'ci-bot',
        created_at: at,
        updated_at: at,
        duration: 60,
      });
    }
    fake = await createFakeGitLab(scenario);
    harness = await createSyncHarness(await db.orm());
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: BENCH_TOKEN });
    for (const username of bench.usernames) await harness.addTeammate(sourceId, username);
    const service = harness.service({ now: () => END, firstSyncDays: DAYS });

    const { sources } = await service.sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'cron',
    });

    expect(sources[0]?.status).toBe('succeeded');
    const rows = await harness.sql<StoredFact>(
      `select lower(substr(t.slack_user_id, 2)) as username, a.kind,
         regexp_replace(a.natural_key, '^gitlab:[^:]+:[0-9]+:', '') as key,
         a.lines_added as "linesAdded", a.lines_removed as "linesRemoved",
         a.time_spent_seconds as "timeSpent", a.duration_seconds as duration
       from activity a join teammate t on t.id = a.teammate_id where a.workspace_id = ?`,
      [harness.workspaceId],
    );
    expect(differences(truth, storedTruth(rows))).toEqual([]);

    const queries = fake.requests.flatMap((request) => request.graphqlQuery ?? []);
    const ownLists = queries.filter((query) => query.includes('pipelines(username:'));
    // One count for every shared project, then their whole lists under projects(ids:); the busy
    // project's teammates alone.
    expect(
      fake.requests.filter((request) => request.operation === 'ActivityPulsePipelineCounts'),
    ).toHaveLength(1);
    expect(
      queries.some((query) => /projects\(ids:[^)]*\)[\s\S]*list: pipelines\(updatedAfter:/.test(query)),
    ).toBe(true);
    expect(ownLists.length).toBeGreaterThan(0);
    const ownListCount = ownLists.reduce(
      (sum, query) => sum + (query.match(/pipelines\(username:/g) ?? []).length,
      0,
    );
    const interests = await harness.sql<{ resource: string }>(
      "select resource from sync_cursor where data_source_id = ? and resource like 'pipelines:%'",
      [sourceId],
    );
    expect(interests.length).toBeGreaterThanOrEqual(OWN_LISTS_WORTH_COUNTING);
    // Fewer lists than one per (teammate, project): only acme/service-1's are their own.
    const busyTeammates = interests.filter((row) => row.resource === 'pipelines:acme/service-1').length;
    expect(ownListCount).toBe(busyTeammates);

    // Cursors moved as the teammates' own lists would have moved them: read through, positioned.
    const cursors = await harness.sql<{ position: string | Date | null; token: string }>(
      "select position, token from sync_cursor where data_source_id = ? and resource like 'pipelines:%'",
      [sourceId],
    );
    for (const cursor of cursors) {
      expect(cursor.token).toMatch(/^through:/);
      expect(cursor.position).not.toBeNull();
      expect(new Date(cursor.position!).getTime()).toBeGreaterThanOrEqual(END.getTime() - DAYS * 86_400_000);
    }

    // The next run has every teammate read through: project-wide lists with nothing to count.
    fake.requests.length = 0;
    const again = await service.sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'cron',
    });
    expect(again.sources[0]?.counts).toEqual({});
    expect(fake.requests.some((request) => request.operation === 'ActivityPulsePipelineCounts')).toBe(false);
  });
});

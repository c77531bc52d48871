import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitLabDispatcher, GitLabClient, testConnection } from '../../src/gitlab/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  createFakeGitLab,
  type FakeGitLab,
  type FakeScenario,
  faults,
} from '../support/fake-gitlab/index.ts';
import { mixedScenario, SYNC_TOKEN } from './mixed-scenario.ts';
import { createSyncHarness, SYNC_NOW, type SyncHarness, storedActivities } from './sync-harness.ts';

/**
 * GraphQL answers that are not whole: a node GitLab 18.x sends with a null `Issue.projectId`, an
 * error on one node, a list missing from `data`. What came is stored; the run says partial (never
 * "succeeded") and the incomplete list's cursor stays, so the next sync reads it again.
 */
let db: TestDatabase;
let fake: FakeGitLab;
let harness: SyncHarness | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await fake?.close();
});

async function sourceFor(scenario: FakeScenario) {
  fake = await createFakeGitLab(scenario);
  const started = await createSyncHarness(await db.orm());
  harness = started;
  const sourceId = await started.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
  await started.addTeammate(sourceId, 'ada');
  await started.addTeammate(sourceId, 'grace');
  return { sourceId, harness: started };
}

const sync = (on: SyncHarness, sourceId: string) =>
  on
    .service()
    .sync({ workspaceId: on.workspaceId, dataSourceId: sourceId, trigger: 'cron' })
    .then(({ sources }) => sources[0]);

const kinds = async (on: SyncHarness, kind: string) =>
  (await storedActivities(on)).filter((row) => row.kind === kind).map((row) => row.natural_key);

function withGroupWorkItemTimelog(version: string): FakeScenario {
  const scenario = mixedScenario();
  scenario.version = { version, revision: 'e2e' };
  scenario.timelogs = [
    ...(scenario.timelogs ?? []),
    {
      id: 399,
      username: 'ada',
      spent_at: '2024-05-08T09:00:00Z',
      time_spent: 1800,
      summary: 'Planning',
      issue: { project_id: null, iid: 12, group: 'acme' },
    },
  ];
  return scenario;
}

describe('GraphQL answers that are not whole', () => {
  it('stores a time log on a group-level work item (Issue.projectId null, GitLab 18.5)', async () => {
    const { sourceId, harness: on } = await sourceFor(withGroupWorkItemTimelog('18.5.0'));
    const result = await sync(on, sourceId);

    expect(result).toMatchObject({ status: 'succeeded', counts: { UADA: { time_logged: 2 } } });
    const [row] = (await storedActivities(on)).filter((stored) => stored.natural_key.endsWith(':399'));
    expect(row).toMatchObject({ kind: 'time_logged', time_spent_seconds: 1800, project: 'acme' });
    expect(row?.url).toBe(`${fake.url}/groups/acme/-/work_items/12`);
  });

  it('keeps the other nodes when GitLab reports an error on one, and says the run is partial', async () => {
    const scenario = mixedScenario();
    const broken = scenario.timelogs?.find((entry) => entry.username === 'ada');
    // Timelog.user is non-null: its error nulls the whole node, as GitLab's graphql-ruby does.
    if (broken) broken.field_error = 'Internal server error';
    const { sourceId, harness: on } = await sourceFor(scenario);
    const result = await sync(on, sourceId);

    expect(result?.status).toBe('partial');
    expect(result?.notes.join(' ')).toContain('time logs came back incomplete');
    expect(result?.counts).toMatchObject({ UGRACE: { time_logged: 1 }, UADA: { pipeline_run: 1 } });
    expect(result?.counts['UADA']?.time_logged).toBeUndefined();

    // Her time log cursor stayed: once GitLab answers whole, the entry comes in.
    if (broken) delete broken.field_error;
    const again = await sync(on, sourceId);
    expect(again).toMatchObject({ status: 'succeeded', counts: { UADA: { time_logged: 1 } } });
  });

  it('asks the version again when GitLab refuses a field its stored version has (a downgrade)', async () => {
    const scenario = mixedScenario();
    scenario.version = { version: '15.3.2-ee', revision: 'e2e' };
    const { sourceId, harness: on } = await sourceFor(scenario);
    // Test Connection saw 18.5 an hour ago; GitLab was restored to 15.3 since (no Pipeline.source).
    await on.sql('update data_source set gitlab_version = ?, gitlab_version_checked_at = ? where id = ?', [
      '18.5.1-ee',
      new Date(SYNC_NOW.getTime() - 3_600_000),
      sourceId,
    ]);
    const first = await sync(on, sourceId);
    expect(fake.count('GET /version')).toBe(0);
    expect(first?.status).toBe('partial');
    expect(first?.counts['UADA']?.pipeline_run).toBeUndefined();

    const again = await sync(on, sourceId);
    expect(fake.count('GET /version')).toBe(1);
    expect(again).toMatchObject({
      status: 'succeeded',
      counts: { UADA: { pipeline_run: 1 }, UGRACE: { pipeline_run: 1 } },
    });
    const [source] = await on.sql<{ gitlab_version: string }>(
      'select gitlab_version from data_source where id = ?',
      [sourceId],
    );
    expect(source?.gitlab_version).toBe('15.3.2-ee');
  });

  it('stops asking when GitLab refuses a field again after the lists it named were taken out', async () => {
    const { sourceId, harness: on } = await sourceFor(mixedScenario());
    // A GitLab older than 15.0 refuses `Project.pipelines(updatedAfter:)` in every query that has it
    // (graphql-ruby's wording). Re-asking the same lists would repeat the refusal up to the run's cap.
    fake.setFault(
      faults.body(
        { errors: [{ message: "Field 'pipelines' doesn't accept argument 'updatedAfter'" }], data: null },
        { endpoint: 'POST /api/graphql' },
      ),
    );
    const result = await sync(on, sourceId);

    expect(result?.status).not.toBe('succeeded');
    expect(fake.count('POST /api/graphql')).toBeLessThan(10);
  });

  it('leaves alone one merge request GitLab cannot render, instead of failing the teammate every run', async () => {
    const { sourceId, harness: on } = await sourceFor(mixedScenario());
    // GitLab fails on one MR's fields (a record it cannot render) in every answer that has it.
    fake.setFault({
      kind: 'transform',
      match: { endpoint: 'POST /api/graphql' },
      transform: (body) => {
        const answer = body as { data?: Record<string, unknown> | null; errors?: unknown[] };
        for (const [alias, project] of Object.entries(answer.data ?? {})) {
          const nodes = (project as { m?: { nodes?: Array<{ iid: string }> } } | null)?.m?.nodes ?? [];
          const at = nodes.findIndex((node) => node.iid === '6');
          if (at >= 0) {
            answer.errors = [
              ...(answer.errors ?? []),
              { message: 'Internal server error', path: [alias, 'm', 'nodes', at, 'notes'] },
            ];
          }
        }
        return answer;
      },
    });
    const result = await sync(on, sourceId);

    expect(result?.failures).toEqual([]);
    expect(result?.status).toBe('partial');
    expect(result?.notes.join(' ')).toContain('GitLab could not show 1 merge request or issue');
    // Everyone's activity is stored, that MR's included.
    expect(await kinds(on, 'mr_commented')).not.toHaveLength(0);
  });

  it('reports a missing list as partial, never succeeded, and reads that list again next time', async () => {
    const { sourceId, harness: on } = await sourceFor(mixedScenario());
    // The time logs of both are grouped under `g0: users(usernames:)`; ada's comes without hers.
    fake.setFault(faults.graphqlGroupListMissing('g0', 'ada'));
    const result = await sync(on, sourceId);

    expect(result?.status).toBe('partial');
    expect(result?.notes.join(' ')).toContain('time logs came back incomplete');
    expect(await kinds(on, 'time_logged')).toHaveLength(1); // the other teammate's list came whole

    const again = await sync(on, sourceId);
    expect(again?.status).toBe('succeeded');
    expect(await kinds(on, 'time_logged')).toHaveLength(2);
  });

  it('stores a long list page by page: a fault on its second page keeps its cursor, the next run stores exactly the clean rows', async () => {
    const scenario = mixedScenario();
    const template = scenario.pipelines?.find((pipeline) => pipeline.username === 'ada');
    if (template?.project_id !== 7)
      throw new Error('the mixed scenario has a pipeline of ada in acme/billing');
    // 150 more of ada's pipelines in one project: her list there is two pages (100 + the rest).
    for (let index = 0; index < 150; index += 1) {
      const at = new Date(Date.parse('2024-05-07T08:00:00Z') + index * 60_000).toISOString();
      scenario.pipelines?.push({
        ...template,
        id: 9_000 + index,
        iid: 900 + index,
        created_at: at,
        updated_at: at,
      });
    }
    const all = (scenario.pipelines ?? []).length;
    const secondPage =
      (scenario.pipelines ?? []).filter((pipeline) => pipeline === template || pipeline.id >= 9_000).length -
      100;
    const { sourceId, harness: on } = await sourceFor(scenario);
    // The list's second page (the answer to a query that goes on from a cursor) comes back null with
    // an error, as graphql-ruby answers a field that failed.
    let firstPageSeen = false;
    fake.setFault({
      kind: 'transform',
      match: { endpoint: 'POST /api/graphql' },
      transform: (body) => {
        const data = (body as { data?: Record<string, Record<string, unknown> | null> }).data ?? {};
        for (const [alias, project] of Object.entries(data)) {
          for (const [field, list] of Object.entries(project ?? {})) {
            const page = list as { nodes?: unknown[]; pageInfo?: { hasNextPage: boolean } } | null;
            if (!page?.pageInfo) continue;
            if (page.pageInfo.hasNextPage) firstPageSeen = true;
            else if (firstPageSeen && project) {
              project[field] = null;
              (body as { errors?: unknown[] }).errors = [
                { message: 'Internal server error', path: [alias, field] },
              ];
              firstPageSeen = false;
            }
          }
        }
        return body;
      },
    });
    const cursorsOfAda = () =>
      on.sql<{ position: string | null; token: string | null }>(
        `select c.position, c.token from sync_cursor c join teammate t on t.id::text = c.scope
          where c.data_source_id = ? and t.slack_user_id = 'UADA' and c.resource = 'pipelines:acme/billing'`,
        [sourceId],
      );
    const first = await sync(on, sourceId);

    expect(first?.status).toBe('partial');
    expect(first?.notes.join(' ')).toContain('pipelines came back incomplete');
    // The first page was stored as it came; the list's cursor stays as the events left it: never read.
    expect(await kinds(on, 'pipeline_run')).toHaveLength(all - secondPage);
    expect(await cursorsOfAda()).toEqual([{ position: null, token: null }]);

    fake.setFault();
    const again = await sync(on, sourceId);
    expect(again?.status).toBe('succeeded');
    const stored = await kinds(on, 'pipeline_run');
    expect(stored).toHaveLength(all);
    expect(new Set(stored).size).toBe(all);
    const [cursor] = await cursorsOfAda();
    expect(cursor?.token).toMatch(/^through:/);
    // Her newest pipeline there: the last of the 150, a minute apart from 08:00.
    expect(new Date(cursor?.position ?? 0).toISOString()).toBe('2024-05-07T10:29:00.000Z');
  });

  describe('long lists go on together', () => {
    /** ada's and grace's pipelines in acme/billing: 150 more each, two pages per list. */
    function twoLongLists(): FakeScenario {
      const scenario = mixedScenario();
      for (const username of ['ada', 'grace']) {
        const template = scenario.pipelines?.find((pipeline) => pipeline.username === username);
        if (template?.project_id !== 7)
          throw new Error(`the mixed scenario has a pipeline of ${username} in acme/billing`);
        for (let index = 0; index < 150; index += 1) {
          const at = new Date(Date.parse('2024-05-07T08:00:00Z') + index * 60_000).toISOString();
          const id = (username === 'ada' ? 9_000 : 9_500) + index;
          scenario.pipelines?.push({ ...template, id, iid: id - 8_000, created_at: at, updated_at: at });
        }
      }
      return scenario;
    }
    const pipelineBatches = () =>
      fake.requests.filter((request) => request.graphqlQuery?.includes('pipelines(username:'));

    it('asks the second pages of both lists in one request', async () => {
      const scenario = twoLongLists();
      const all = scenario.pipelines?.length ?? 0;
      const { sourceId, harness: on } = await sourceFor(scenario);

      expect(await sync(on, sourceId)).toMatchObject({ status: 'succeeded' });
      expect(new Set(await kinds(on, 'pipeline_run')).size).toBe(all);
      // The first pages of both lists, then ONE request for both second pages (it was one each).
      expect(pipelineBatches()).toHaveLength(2);
      expect(pipelineBatches()[1]?.graphqlQuery?.match(/pipelines\(username:/g)).toHaveLength(2);
    });

    it('splits a round of further pages GitLab timed out on, and reads both lists whole', async () => {
      const scenario = twoLongLists();
      const all = scenario.pipelines?.length ?? 0;
      const { sourceId, harness: on } = await sourceFor(scenario);
      let answers = 0;
      fake.setFault({
        kind: 'transform',
        match: { endpoint: 'POST /api/graphql' },
        transform: (body) => {
          const answer = body as {
            data?: Record<string, Record<string, unknown> | null>;
            errors?: unknown[];
          };
          const project = answer.data?.['p0'];
          if (!project || Object.keys(project).length < 2) return body;
          answers += 1;
          // The first pages pass; the round asking both second pages times out, as graphql-ruby says it.
          if (answers !== 2) return body;
          answer.data!['p0'] = null;
          answer.errors = [{ message: 'Timeout on Project.pipelines', path: ['p0', 'q0'] }];
          return answer;
        },
      });

      expect(await sync(on, sourceId)).toMatchObject({ status: 'succeeded' });
      const stored = await kinds(on, 'pipeline_run');
      expect(stored).toHaveLength(all);
      expect(new Set(stored).size).toBe(all);
      // First pages, the refused round, then each second page in a round of its own.
      expect(pipelineBatches()).toHaveLength(4);
    });
  });

  it('splits a batch that timed out on GitLab and reads both halves', async () => {
    const { sourceId, harness: on } = await sourceFor(mixedScenario());
    // graphql-ruby's timeout: the fields not resolved in time come back null, with a path.
    fake.setFault({
      kind: 'transform',
      times: 1,
      match: { endpoint: 'POST /api/graphql' },
      transform: (body) => {
        const answer = body as { data: Record<string, unknown>; errors?: unknown[] };
        answer.data['g0'] = null;
        answer.errors = [{ message: 'Timeout on UserCore.timelogs', path: ['g0', 'nodes', 1, 'list'] }];
        return answer;
      },
    });
    const result = await sync(on, sourceId);

    expect(result).toMatchObject({
      status: 'succeeded',
      counts: { UADA: { time_logged: 1 }, UGRACE: { time_logged: 1 } },
    });
    // The timed-out batch of 6 lists (three groups), its two halves, then the pipelines after the events.
    const batches = fake.requests.filter((request) => request.operation === 'ActivityPulseSyncBatch');
    expect(batches).toHaveLength(4);
  });

  it.each(['15.3.2', '18.5.0'])('passes Test Connection on GitLab %s', async (version) => {
    const scenario = mixedScenario();
    scenario.version = { version, revision: 'e2e' };
    fake = await createFakeGitLab(scenario);
    const dispatcher = createGitLabDispatcher({ allowedHosts: ['127.0.0.1'] });
    try {
      const client = new GitLabClient({ baseUrl: fake.url, token: SYNC_TOKEN, dispatcher });
      const report = await testConnection(client, { now: SYNC_NOW });
      expect(report).toMatchObject({ user: { username: 'pulse-bot' }, version });
      expect(report.scopes).toEqual(version.startsWith('15.') ? null : ['read_api']);
    } finally {
      await dispatcher.close();
    }
  });
});

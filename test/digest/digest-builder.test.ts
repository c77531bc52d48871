import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Orm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { DigestBuilder } from '../../src/modules/digest/digest-builder.service.ts';
import type { SyncEngine, SyncRequest, SyncResult } from '../../src/modules/sync/sync.types.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type Rows, rows } from '../support/domain-rows.ts';

/** The sync engine at its interface: records the call, and "syncs" by recording a finished run. */
class RecordingEngine implements SyncEngine {
  readonly calls: SyncRequest[] = [];
  readonly #onSync: (request: SyncRequest) => Promise<void>;

  constructor(onSync: (request: SyncRequest) => Promise<void>) {
    this.#onSync = onSync;
  }

  async sync(request: SyncRequest): Promise<SyncResult> {
    this.calls.push(request);
    await this.#onSync(request);
    return { sources: [] };
  }

  async isRunning(): Promise<boolean> {
    return false;
  }
}

describe('building a digest from stored activities', () => {
  let db: TestDatabase;
  let orm: Orm;
  let make: Rows;
  const logger = createLogger({ level: 'silent' });
  // Tuesday 10 March 2026 in Berlin covers Monday 9 March.
  const monday = (time: string) => new Date(`2026-03-09T${time}+01:00`);
  const request = { timeZone: 'Europe/Berlin', localDate: '2026-03-10', includedUserIds: [] as string[] };

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await db.orm();
    make = rows(orm);
  });
  afterAll(async () => db.drop());
  beforeEach(async () => {
    await orm.em.fork().getConnection().execute('delete from workspace');
  });

  async function team() {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id, {
      jiraUrl: 'https://jira.example.com',
      lastSyncAt: new Date('2026-03-10T07:45:00Z'),
    });
    const ada = await make.teammate(workspace.id, source.id, { displayName: 'Ada' });
    const bob = await make.teammate(workspace.id, source.id, { displayName: 'Bob' });
    const cyd = await make.teammate(workspace.id, source.id, { displayName: 'Cyd' });
    const add = (
      teammateId: string,
      input: Omit<Parameters<Rows['activity']>[0], 'workspaceId' | 'sourceId' | 'teammateId'>,
    ) => make.activity({ workspaceId: workspace.id, sourceId: source.id, teammateId, ...input });
    return { workspace, source, ada, bob, cyd, add };
  }

  it('sums each kind per person and for the team, with review time as the sync stores it', async () => {
    const { workspace, ada, bob, add } = await team();
    const mr = 'https://gitlab.example.com/g/app/-/merge_requests/7';
    await add(ada.id, {
      kind: 'mr_commented',
      occurredAt: monday('10:00'),
      url: `${mr}#note_1`,
      durationSeconds: 1200,
      pickupSeconds: 3600,
    });
    await add(ada.id, { kind: 'mr_commented', occurredAt: monday('10:20'), url: `${mr}#note_2` });
    await add(ada.id, { kind: 'mr_approved', occurredAt: monday('11:00'), url: mr });
    await add(ada.id, {
      kind: 'mr_approved',
      occurredAt: monday('12:00'),
      url: 'https://gitlab.example.com/g/app/-/merge_requests/8',
      pickupSeconds: 600,
    });
    await add(ada.id, {
      kind: 'mr_merged',
      occurredAt: monday('13:00'),
      title: 'Speed up search',
      url: 'https://gitlab.example.com/g/app/-/merge_requests/5',
      jiraKeys: ['APP-12'],
    });
    await add(ada.id, {
      kind: 'commit_pushed',
      occurredAt: monday('09:00'),
      linesAdded: 40,
      linesRemoved: 2,
      jiraKeys: ['APP-12', 'APP-13'],
    });
    await add(ada.id, { kind: 'time_logged', occurredAt: monday('17:00'), timeSpentSeconds: 5400 });
    const pipeline = (at: string, status: string, ref: string, id: number) =>
      add(ada.id, {
        kind: 'pipeline_run',
        occurredAt: monday(at),
        pipelineStatus: status,
        url: `https://gitlab.example.com/g/app/-/pipelines/${id}`,
        payload: { ref, status },
      });
    await pipeline('09:05', 'success', 'main', 1);
    await pipeline('09:10', 'failed', 'main', 2);
    // A branch that failed and was fixed is not called out.
    await pipeline('09:20', 'failed', 'feature/x', 3);
    await pipeline('09:30', 'success', 'feature/x', 4);
    await add(bob.id, {
      kind: 'issue_closed',
      occurredAt: monday('15:00'),
      title: 'Crash',
      url: 'https://gitlab.example.com/g/app/-/issues/3',
    });
    await add(bob.id, { kind: 'issue_commented', occurredAt: monday('15:05') });
    await add(bob.id, {
      kind: 'commit_pushed',
      occurredAt: new Date('2026-03-10T00:30:00+01:00'),
      linesAdded: 999,
    }); // Tuesday: not this digest

    const digest = await new DigestBuilder({ orm, logger }).build({ ...request, workspaceId: workspace.id });

    expect(digest.people.map((person) => person.displayName)).toEqual(['Ada', 'Bob']);
    expect(digest.quiet.map((person) => person.displayName)).toEqual(['Cyd']);
    const [adaDigest, bobDigest] = digest.people;
    expect(adaDigest!.totals).toMatchObject({
      reviews: 2,
      approvals: 2,
      pickupSeconds: 2100, // median of 3600 and 600
      reviewEffortSeconds: 1200,
      mrMerged: 1,
      commits: 1,
      linesAdded: 40,
      linesRemoved: 2,
      comments: 2,
      timeLoggedSeconds: 5400,
      pipelinesPassed: 2,
      pipelinesFailed: 2,
    });
    expect(adaDigest!.failedPipelines).toEqual([
      { project: 'group/project', ref: 'main', url: 'https://gitlab.example.com/g/app/-/pipelines/2' },
    ]);
    expect(adaDigest!.commits).toHaveLength(1);
    expect(adaDigest!.moreCommits).toBe(0);
    expect(adaDigest!.highlights).toEqual([
      {
        kind: 'mr_merged',
        title: 'Speed up search',
        url: 'https://gitlab.example.com/g/app/-/merge_requests/5',
        project: 'group/project',
      },
    ]);
    expect(adaDigest!.jira).toEqual([
      { key: 'APP-12', url: 'https://jira.example.com/browse/APP-12' },
      { key: 'APP-13', url: 'https://jira.example.com/browse/APP-13' },
    ]);
    expect(bobDigest!.totals).toMatchObject({ issuesClosed: 1, comments: 1, commits: 0 });
    expect(digest.team).toMatchObject({
      people: 3,
      activePeople: 2,
      comments: 3,
      reviews: 2,
      issuesClosed: 1,
    });
    expect(digest.staleSources).toEqual([]);
  });

  it('includes only the chosen people when the schedule names them', async () => {
    const { workspace, bob, add, ada } = await team();
    await add(ada.id, { kind: 'mr_opened', occurredAt: monday('10:00') });
    const digest = await new DigestBuilder({ orm, logger }).build({
      ...request,
      workspaceId: workspace.id,
      includedUserIds: [bob.slackUserId],
    });
    expect(digest.people).toEqual([]);
    expect(digest.quiet.map((person) => person.displayName)).toEqual(['Bob']);
  });

  it('syncs a source first when its last sync ended before the window did, then reports it fresh', async () => {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id, { lastSyncAt: new Date('2026-03-09T12:00:00Z') });
    await make.teammate(workspace.id, source.id);
    const engine = new RecordingEngine(async (call) => {
      await make.syncRun({
        workspaceId: call.workspaceId,
        sourceId: call.dataSourceId!,
        finishedAt: new Date('2026-03-10T08:00:00Z'),
      });
    });
    const digest = await new DigestBuilder({ orm, logger, engine }).build({
      ...request,
      workspaceId: workspace.id,
      refresh: true,
    });
    expect(engine.calls).toMatchObject([
      { workspaceId: workspace.id, dataSourceId: source.id, trigger: 'digest' },
    ]);
    expect(engine.calls[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(digest.staleSources).toEqual([]);
  });

  it('says the data may be stale when the freshness sync does not finish in time, or there is no engine', async () => {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id, {
      name: 'prod',
      lastSyncAt: new Date('2026-03-09T12:00:00Z'),
    });
    await make.teammate(workspace.id, source.id);
    const stuck = new RecordingEngine(
      (call) =>
        new Promise((resolve) => {
          call.signal?.addEventListener('abort', () => resolve(), { once: true });
        }),
    );
    const slow = await new DigestBuilder({ orm, logger, engine: stuck, freshnessBudgetMs: 50 }).build({
      ...request,
      workspaceId: workspace.id,
      refresh: true,
    });
    expect(stuck.calls).toHaveLength(1);
    expect(slow.staleSources).toEqual([{ name: 'prod', lastSyncAt: new Date('2026-03-09T12:00:00Z') }]);

    const withoutEngine = await new DigestBuilder({ orm, logger }).build({
      ...request,
      workspaceId: workspace.id,
      refresh: true,
    });
    expect(withoutEngine.staleSources.map((entry) => entry.name)).toEqual(['prod']);
  });
});

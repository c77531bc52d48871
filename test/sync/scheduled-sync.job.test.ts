import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { entities } from '../../src/modules/entities.ts';
import {
  BACKOFF_MAX_MS,
  backoffDelayMs,
  runScheduledSync,
  type ScheduledSyncOptions,
} from '../../src/modules/sync/scheduled-sync.job.ts';
import type {
  SyncEngine,
  SyncRequest,
  SyncResult,
  SyncSourceResult,
} from '../../src/modules/sync/sync.types.ts';
import { slackUserNotifier } from '../../src/slack/user-notifier.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type Rows, rows } from '../support/domain-rows.ts';
import { BOT_TOKEN, FakeSlack, SLACK_API_URL } from '../support/slack.ts';

type Outcome = Partial<SyncSourceResult> | Error;

/**
 * A stand-in for the sync engine at its interface boundary: the job's own decisions (what is due,
 * back-off, notices, claims) are under test here, not the GitLab sync.
 */
class ScriptedEngine implements SyncEngine {
  readonly calls: Array<SyncRequest & { replica: string }> = [];
  readonly #script = new Map<string, Outcome[]>();
  readonly #delayMs: number;
  readonly #replica: string;

  constructor(options: { delayMs?: number; replica?: string; shared?: ScriptedEngine } = {}) {
    this.#delayMs = options.delayMs ?? 0;
    this.#replica = options.replica ?? 'r1';
    if (options.shared) {
      this.calls = options.shared.calls;
      this.#script = options.shared.#script;
    }
  }

  /** Next outcomes for a source, in order; afterwards it succeeds. */
  script(sourceId: string, ...outcomes: Outcome[]): this {
    this.#script.set(sourceId, outcomes);
    return this;
  }

  async sync(request: SyncRequest): Promise<SyncResult> {
    this.calls.push({ ...request, replica: this.#replica });
    if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
    const id = request.dataSourceId!;
    const outcome = this.#script.get(id)?.shift() ?? {};
    if (outcome instanceof Error) throw outcome;
    return {
      sources: [
        {
          syncRunId: undefined,
          dataSourceId: id,
          dataSourceName: id,
          status: 'succeeded',
          counts: {},
          apiCalls: 1,
          retries: 0,
          durationMs: 1,
          failures: [],
          notes: [],
          ...outcome,
        },
      ],
    };
  }

  async isRunning(): Promise<boolean> {
    return false;
  }
}

const base = (id: string): SyncSourceResult => ({
  syncRunId: undefined,
  dataSourceId: id,
  dataSourceName: id,
  status: 'skipped',
  counts: {},
  apiCalls: 1,
  retries: 0,
  durationMs: 1,
  failures: [],
  notes: [],
});

/** Raw SQL hands timestamps back as text. */
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

const expired: Partial<SyncSourceResult> = {
  status: 'failed',
  errorCode: 'GITLAB_TOKEN_EXPIRED',
  error:
    'The GitLab token has expired: create a new personal access token with the read_api scope and edit the source.',
};
const serverDown: Partial<SyncSourceResult> = {
  status: 'failed',
  errorCode: 'GITLAB_SERVER_ERROR',
  error: 'GitLab answered 503.',
};

describe('the scheduled sync job', () => {
  let db: TestDatabase;
  let orm: Orm;
  let make: Rows;
  let slack: FakeSlack;
  let clock: Date;
  const logger = createLogger({ level: 'silent' });
  const minutes = (n: number) => n * 60_000;

  const options = (
    engine: SyncEngine,
    overrides: Partial<ScheduledSyncOptions> = {},
  ): ScheduledSyncOptions => ({
    orm,
    engine,
    notifier: slackUserNotifier(
      async () => new WebClient(BOT_TOKEN, { slackApiUrl: SLACK_API_URL, retryConfig: { retries: 0 } }),
    ),
    logger,
    now: () => clock,
    replicaId: 'test-replica',
    minIntervalMs: minutes(7),
    concurrency: 1,
    ...overrides,
  });

  const sourceState = async (id: string) => {
    const [row] = await orm.em.fork().getConnection().execute<
      Array<{
        status: string;
        failure_count: number;
        next_sync_after: string | null;
        last_error_code: string | null;
        last_error: string | null;
        token_problem_notified_at: string | null;
      }>
    >(
      'select status, failure_count, next_sync_after, last_error_code, last_error, token_problem_notified_at from data_source where id = ?',
      [id],
    );
    return row!;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await db.orm();
    make = rows(orm);
  });
  afterAll(async () => db.drop());
  beforeEach(async () => {
    slack = new FakeSlack();
    clock = new Date('2026-03-02T10:00:00Z');
    await orm.em.fork().getConnection().execute('delete from workspace');
  });
  afterEach(() => slack.close());

  it('backs off exponentially from 15 minutes to at most 6 hours, and 6 hours at once for a dead token', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffDelayMs(n) / 60_000)).toEqual([
      15, 30, 60, 120, 240, 360, 360, 360,
    ]);
    expect(backoffDelayMs(1, true)).toBe(BACKOFF_MAX_MS);
  });

  it('syncs every due source once with the cron trigger, and leaves out sources that cannot be synced', async () => {
    const workspace = await make.workspace();
    const due = await make.source(workspace.id);
    await make.teammate(workspace.id, due.id);
    const waiting = await make.source(workspace.id, {
      status: 'failing',
      nextSyncAfter: new Date(clock.getTime() + minutes(5)),
    });
    await make.teammate(workspace.id, waiting.id);
    const nobodyMapped = await make.source(workspace.id);
    const gone = await make.workspace();
    const uninstalled = await make.source(gone.id);
    await make.teammate(gone.id, uninstalled.id);
    await orm.em
      .fork()
      .getConnection()
      .execute('update workspace set uninstalled_at = now() where id = ?', [gone.id]);
    void nobodyMapped;

    const engine = new ScriptedEngine();
    const outcomes = await runScheduledSync(options(engine));

    expect(engine.calls.map((call) => [call.dataSourceId, call.workspaceId, call.trigger])).toEqual([
      [due.id, workspace.id, 'cron'],
    ]);
    expect(outcomes).toEqual([{ dataSourceId: due.id, status: 'succeeded' }]);
    // The same tick again (a second replica firing at the same minute) finds nothing due.
    clock = new Date(clock.getTime() + minutes(1));
    expect(await runScheduledSync(options(engine))).toEqual([]);
    // The next tick, 15 minutes later, syncs both the source and the one whose wait is over.
    clock = new Date(clock.getTime() + minutes(14));
    await runScheduledSync(options(engine));
    expect(
      engine.calls
        .slice(1)
        .map((call) => call.dataSourceId)
        .sort(),
    ).toEqual([due.id, waiting.id].sort());
  });

  it('keeps syncing sources that fall due while another one is still running (issue 14)', async () => {
    const workspace = await make.workspace();
    const slow = await make.source(workspace.id);
    await make.teammate(workspace.id, slow.id);
    const quick = await make.source(workspace.id);
    await make.teammate(workspace.id, quick.id);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const calls: string[] = [];
    // The slow source takes a whole cron interval (each run is bounded by SYNC_RUN_DEADLINE_MS).
    const engine: SyncEngine = {
      async sync(request) {
        const id = request.dataSourceId!;
        calls.push(id);
        if (id === slow.id && calls.filter((call) => call === slow.id).length === 1) {
          await pause(200);
          clock = new Date(clock.getTime() + minutes(15));
          await pause(400);
          calls.push('slow run ended');
        }
        return { sources: [{ ...base(id), status: 'succeeded' }] };
      },
      isRunning: async () => false,
    };

    const outcomes = await runScheduledSync(options(engine, { concurrency: 2, pollMs: 50 }));

    // The quick source was synced again as soon as it fell due, while the slow one still ran (which
    // was not claimed a second time while running); once done, the slow one is due again itself.
    const quickRuns = calls.flatMap((id, index) => (id === quick.id ? [index] : []));
    expect(quickRuns).toHaveLength(2);
    expect(quickRuns[1]).toBeLessThan(calls.indexOf('slow run ended'));
    expect(calls.filter((id) => id === slow.id)).toHaveLength(2);
    expect(calls.indexOf(slow.id, calls.indexOf(slow.id) + 1)).toBeGreaterThan(
      calls.indexOf('slow run ended'),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(4).fill('succeeded'));
  });

  it('does not retry a failing source every tick: it waits 15 minutes, then 30, and resets on success', async () => {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id);
    await make.teammate(workspace.id, source.id);
    const engine = new ScriptedEngine().script(source.id, serverDown, serverDown);

    const [first] = await runScheduledSync(options(engine));
    expect(first).toMatchObject({ status: 'failed', errorCode: 'GITLAB_SERVER_ERROR' });
    let state = await sourceState(source.id);
    expect(state).toMatchObject({
      status: 'failing',
      failure_count: 1,
      last_error_code: 'GITLAB_SERVER_ERROR',
    });
    expect(state.last_error).toBe('GitLab answered 503.');
    expect(iso(state.next_sync_after)).toBe('2026-03-02T10:15:00.000Z');

    clock = new Date('2026-03-02T10:14:00Z');
    expect(await runScheduledSync(options(engine))).toEqual([]);
    clock = new Date('2026-03-02T10:15:00Z');
    await runScheduledSync(options(engine));
    state = await sourceState(source.id);
    expect(state.failure_count).toBe(2);
    expect(iso(state.next_sync_after)).toBe('2026-03-02T10:45:00.000Z');

    clock = new Date('2026-03-02T10:45:00Z');
    await runScheduledSync(options(engine));
    state = await sourceState(source.id);
    expect(state).toMatchObject({
      status: 'ok',
      failure_count: 0,
      next_sync_after: null,
      last_error: null,
      last_error_code: null,
    });
    expect(engine.calls).toHaveLength(3);
  });

  it('tells the admin who added the source about an expired token once, and again only after it worked', async () => {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id, { name: 'prod', createdBy: 'U0OWNER' });
    await make.teammate(workspace.id, source.id);
    const engine = new ScriptedEngine().script(
      source.id,
      expired,
      expired,
      {},
      { ...expired, errorCode: 'GITLAB_TOKEN_REVOKED' },
    );

    const [first] = await runScheduledSync(options(engine));
    expect(first).toMatchObject({ status: 'failed', errorCode: 'GITLAB_TOKEN_EXPIRED', ownerNotified: true });
    const dms = slack.callsTo('chat.postMessage');
    expect(dms).toHaveLength(1);
    expect(dms[0]!.body['channel']).toBe('U0OWNER');
    expect(String(dms[0]!.body['text'])).toContain('*prod*');
    expect(String(dms[0]!.body['text'])).toContain('The GitLab token has expired');
    expect(String(dms[0]!.body['text'])).toContain('/pulse source edit prod');
    // A dead token is not retried every 15 minutes.
    expect(iso((await sourceState(source.id)).next_sync_after)).toBe('2026-03-02T16:00:00.000Z');

    clock = new Date('2026-03-02T16:00:00Z');
    const [second] = await runScheduledSync(options(engine));
    expect(second).toMatchObject({ errorCode: 'GITLAB_TOKEN_EXPIRED', ownerNotified: false });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);

    clock = new Date('2026-03-02T22:00:00Z');
    await runScheduledSync(options(engine)); // the token was replaced: it works
    expect((await sourceState(source.id)).token_problem_notified_at).toBeNull();
    clock = new Date('2026-03-02T22:15:00Z');
    await runScheduledSync(options(engine)); // and is revoked later: a new notice
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('tries the notice again at a later failure when the DM could not be sent', async () => {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id, { createdBy: 'U0OWNER' });
    await make.teammate(workspace.id, source.id);
    const engine = new ScriptedEngine().script(source.id, expired, expired);
    slack.on('chat.postMessage', () => ({ ok: false, error: 'user_not_found' }));

    const [first] = await runScheduledSync(options(engine));
    expect(first).toMatchObject({ ownerNotified: false });
    expect((await sourceState(source.id)).token_problem_notified_at).toBeNull();

    slack.on('chat.postMessage', () => undefined);
    clock = new Date(clock.getTime() + BACKOFF_MAX_MS);
    const [second] = await runScheduledSync(options(engine));
    expect(second).toMatchObject({ ownerNotified: true });
    expect((await sourceState(source.id)).token_problem_notified_at).not.toBeNull();
  });

  it('does not make a fixed source wait out its back-off: a new token that passed its test syncs at the next tick', async () => {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id);
    await make.teammate(workspace.id, source.id);
    const engine = new ScriptedEngine().script(source.id, expired);
    await runScheduledSync(options(engine));
    expect(await sourceState(source.id)).toMatchObject({ status: 'failing', failure_count: 1 });

    clock = new Date(clock.getTime() + minutes(15));
    expect(await runScheduledSync(options(engine))).toEqual([]);
    // What a successful Test Connection records (sources.service.ts recordSuccess).
    await orm.em
      .fork()
      .getConnection()
      .execute(
        "update data_source set status = 'ok', last_error = null, last_error_code = null where id = ?",
        [source.id],
      );
    expect(await runScheduledSync(options(engine))).toEqual([
      { dataSourceId: source.id, status: 'succeeded' },
    ]);
    expect(await sourceState(source.id)).toMatchObject({
      failure_count: 0,
      next_sync_after: null,
      token_problem_notified_at: null,
    });
  });

  it('leaves a source alone when the engine skips it because another sync holds its lock', async () => {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id);
    await make.teammate(workspace.id, source.id);
    const engine = new ScriptedEngine().script(source.id, { status: 'skipped', skippedReason: 'locked' });

    expect(await runScheduledSync(options(engine))).toEqual([
      { dataSourceId: source.id, status: 'skipped', skippedReason: 'locked' },
    ]);
    expect(await sourceState(source.id)).toMatchObject({
      status: 'ok',
      failure_count: 0,
      next_sync_after: null,
    });
  });

  it('counts an engine crash as a failure, with a message that sends people to the logs', async () => {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id);
    await make.teammate(workspace.id, source.id);
    const engine = new ScriptedEngine().script(source.id, new Error('boom'));

    const [outcome] = await runScheduledSync(options(engine));
    expect(outcome).toMatchObject({ status: 'failed', errorCode: 'SYNC_CRASHED' });
    const state = await sourceState(source.id);
    expect(state.failure_count).toBe(1);
    expect(state.last_error).toContain('logs');
  });

  it('spreads sources over two replicas running the same tick, each source synced exactly once', async () => {
    const workspace = await make.workspace();
    const ids: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const source = await make.source(workspace.id);
      await make.teammate(workspace.id, source.id);
      ids.push(source.id);
    }
    const otherOrm = await createOrm(db.url, entities);
    try {
      const first = new ScriptedEngine({ delayMs: 150, replica: 'a' });
      const second = new ScriptedEngine({ delayMs: 150, replica: 'b', shared: first });
      await Promise.all([
        runScheduledSync(options(first, { replicaId: 'a' })),
        runScheduledSync(options(second, { orm: otherOrm, replicaId: 'b' })),
      ]);
      expect(first.calls.map((call) => call.dataSourceId).sort()).toEqual([...ids].sort());
      expect(new Set(first.calls.map((call) => call.replica))).toEqual(new Set(['a', 'b']));
    } finally {
      await otherOrm.close(true);
    }
  });
});

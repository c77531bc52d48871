import type { EntityManager } from '@mikro-orm/postgresql';
import type { Dispatcher } from 'undici';
import type { Orm } from '../../db/orm.ts';
import {
  findUserByUsername,
  GitLabClient,
  getUser,
  isGitLabError,
  RateLimitPacer,
  type RetryOptions,
} from '../../gitlab/index.ts';
import { CodedError, isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { ActivityKind } from '../activity/activity-kinds.ts';
import type { StoredActivity } from '../activity/activity-store.ts';
import type { IDataSource } from '../sources/data-source.entity.ts';
import { DataSource } from '../sources/data-source.entity.ts';
import type { DataSourceRepository } from '../sources/data-source.repository.ts';
import { MergeRequestLookups } from './event-follow-ups.ts';
import { PIPELINE_INTEREST_MS, type PipelineInterest, syncGraphqlStreams } from './graphql-streams.ts';
import { ProjectDirectory } from './project-directory.ts';
import type { SyncEngine, SyncRequest, SyncResult, SyncSourceResult, TeammateFailure } from './sync.types.ts';
import { type CursorMap, cursorKey, loadCursors } from './sync-cursors.ts';
import { SOURCE_LOCKED_SQL, tryLockSource } from './sync-lock.ts';
import { type EventsSyncContext, syncTeammateEvents, type TeammateRef } from './teammate-events.ts';

export interface SyncServiceOptions {
  orm: Orm;
  sources: DataSourceRepository;
  /** createGitLabDispatcher(...) in production (SSRF guard); any undici Dispatcher in tests. */
  dispatcher: Dispatcher;
  logger: Logger;
  metrics?: Metrics;
  now?: () => Date;
  /** Teammates of one source synced at once (sharing one client and pacer); default 4. */
  concurrency?: number;
  /** How far back a first sync reads; default 30 days. */
  firstSyncDays?: number;
  /** Lists per GraphQL request for time logs and pipelines; default 20. */
  graphqlBatchSize?: number;
  /** Retry policy for sync requests; nobody waits on a sync, so it is patient by default. */
  retry?: Partial<RetryOptions>;
  /** Sleep used for retries and pacing (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** A token GitLab refuses, or a GitLab that cannot be reached: no teammate can succeed, stop the source. */
const SOURCE_STOPPING_CODES = new Set([
  'GITLAB_BAD_TOKEN',
  'GITLAB_TOKEN_EXPIRED',
  'GITLAB_TOKEN_REVOKED',
  'GITLAB_MISSING_SCOPE',
  'GITLAB_HOST_REFUSED',
  'GITLAB_UNREACHABLE',
  'GITLAB_TLS',
]);

const SYNC_RETRY: Partial<RetryOptions> = { maxAttempts: 5, maxTotalWaitMs: 60_000 };

interface IdentityRow {
  identity_id: string;
  teammate_id: string;
  slack_user_id: string;
  username: string;
  external_user_id: string | number | null;
}

class SourceStopped extends Error {
  readonly code: string;
  readonly userMessage: string;

  constructor(code: string, userMessage: string) {
    super(userMessage);
    this.code = code;
    this.userMessage = userMessage;
  }
}

/**
 * The GitLab sync (SyncEngine): for each data source, each mapped teammate's activity since their
 * cursor — events page by page with the few follow-ups they need, then time logs and pipelines of
 * everyone in batched GraphQL requests. One run per source at a time (advisory lock); one
 * teammate's failure is recorded and the others go on; a refused token stops that source only.
 */
export class SyncService implements SyncEngine {
  readonly #options: SyncServiceOptions;
  readonly #now: () => Date;

  constructor(options: SyncServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  async sync(request: SyncRequest): Promise<SyncResult> {
    const em = this.#options.orm.em.fork();
    const sources = request.dataSourceId
      ? await em.find(DataSource, { id: request.dataSourceId, workspace: request.workspaceId })
      : await em.find(DataSource, { workspace: request.workspaceId }, { orderBy: { nameKey: 'asc' } });
    const results: SyncSourceResult[] = [];
    for (const source of sources) {
      if (request.signal?.aborted) break;
      results.push(await this.#syncSource(source, request));
    }
    return { sources: results };
  }

  async isRunning(workspaceId: string, dataSourceId?: string): Promise<boolean> {
    const rows = await this.#options.orm.em.fork().execute<Array<{ running: boolean }>>(
      `select exists (
           select 1 from data_source d
           where d.workspace_id = ? and (?::uuid is null or d.id = ?::uuid)
             and ${SOURCE_LOCKED_SQL.replace('hashtext(?)', 'hashtext(d.id::text)')}
         ) as running`,
      [workspaceId, dataSourceId ?? null, dataSourceId ?? null],
    );
    return rows[0]?.running === true;
  }

  async #syncSource(source: IDataSource, request: SyncRequest): Promise<SyncSourceResult> {
    const started = performance.now();
    const base: SyncSourceResult = {
      syncRunId: undefined,
      dataSourceId: source.id,
      dataSourceName: source.name,
      status: 'skipped',
      counts: {},
      apiCalls: 0,
      retries: 0,
      durationMs: 0,
      failures: [],
      notes: [],
    };
    const clientUrl = this.#options.orm.config.get('clientUrl') as string;
    const lock = await tryLockSource(clientUrl, source.id);
    if (!lock) {
      this.#options.metrics?.syncRuns.inc({ trigger: request.trigger, status: 'skipped' });
      return { ...base, skippedReason: 'locked', durationMs: Math.round(performance.now() - started) };
    }
    try {
      return await this.#runLocked(source, request, base, started);
    } finally {
      await lock.release();
    }
  }

  async #runLocked(
    source: IDataSource,
    request: SyncRequest,
    result: SyncSourceResult,
    started: number,
  ): Promise<SyncSourceResult> {
    const { orm, logger } = this.#options;
    const em = orm.em.fork();
    const runStartedAt = this.#now();
    const firstSyncFrom = new Date(runStartedAt.getTime() - (this.#options.firstSyncDays ?? 30) * 86_400_000);
    const identities = await em.execute<IdentityRow[]>(
      `select ei.id as identity_id, t.id as teammate_id, t.slack_user_id, ei.username, ei.external_user_id
       from external_identity ei join teammate t on t.id = ei.teammate_id
       where ei.data_source_id = ? order by t.slack_user_id`,
      [source.id],
    );
    const cursors = await loadCursors(em, source.id);
    const windowStart = request.since ?? earliestEventsCursor(identities, cursors) ?? firstSyncFrom;
    const runId = crypto.randomUUID();
    await em.execute(
      `insert into sync_run (id, workspace_id, data_source_id, trigger, requested_by, status, started_at,
         window_start, window_end, counts, failures)
       values (?, ?, ?, ?, ?, 'running', ?, ?, ?, '{}', '[]')`,
      [
        runId,
        request.workspaceId,
        source.id,
        request.trigger,
        request.requestedBy ?? null,
        runStartedAt,
        windowStart,
        runStartedAt,
      ],
    );
    result.syncRunId = runId;

    const countsByTeammate: Record<string, Partial<Record<ActivityKind, number>>> = {};
    const failures: Array<TeammateFailure & { teammateId: string }> = [];
    const notes: string[] = [];
    let stopped: SourceStopped | undefined;
    /** Something was not read this time (time logs and pipelines failed): the run is partial. */
    let incomplete = false;
    let client: GitLabClient | undefined;
    try {
      client = await this.#client(em, source);
      const gitlab = client;
      const transaction = <T>(work: (tx: EntityManager) => Promise<T>) =>
        orm.em.fork().transactional((tx) => work(tx as EntityManager));
      const onStored = (teammateId: string, stored: StoredActivity[]) => {
        if (stored.length === 0) return;
        const counts = countsByTeammate[teammateId] ?? {};
        countsByTeammate[teammateId] = counts;
        for (const row of stored) {
          counts[row.kind] = (counts[row.kind] ?? 0) + 1;
          this.#options.metrics?.activitiesStored.inc({ kind: row.kind });
        }
      };
      const projects = new ProjectDirectory(gitlab, cursors);
      const mergeRequests = new MergeRequestLookups(gitlab);
      const eventsContext: EventsSyncContext = {
        client: gitlab,
        transaction,
        workspaceId: request.workspaceId,
        dataSourceId: source.id,
        host: gitlab.host,
        baseUrl: gitlab.baseUrl,
        projects,
        mergeRequests,
        cursors,
        runStartedAt,
        firstSyncFrom,
        since: request.since,
        signal: request.signal,
        onStored,
      };

      const ready: TeammateRef[] = [];
      const interests: PipelineInterest[] = [];
      let done = 0;
      await runPool(identities, this.#options.concurrency ?? 4, async (identity) => {
        if (stopped || request.signal?.aborted) return;
        try {
          const teammate = await this.#resolveTeammate(em, gitlab, identity);
          const outcome = await syncTeammateEvents(eventsContext, teammate);
          ready.push(teammate);
          const hadCursor = cursors.has(cursorKey(teammate.teammateId, 'events'));
          if (outcome.eventsRead === 0 && !hadCursor && (await isPrivateProfile(gitlab, teammate.userId))) {
            failures.push({
              teammateId: identity.teammate_id,
              slackUserId: identity.slack_user_id,
              code: 'GITLAB_PRIVATE_PROFILE',
              message: `@${identity.username} has a private GitLab profile, which hides their activity from other users' tokens: they can make it public, or an admin's token can read it.`,
            });
          }
          interests.push(
            ...pipelineInterests(teammate, outcome.activeProjects, projects, cursors, runStartedAt),
          );
        } catch (error) {
          if (isCodedError(error) && SOURCE_STOPPING_CODES.has(error.code)) {
            stopped ??= new SourceStopped(error.code, error.userMessage);
            return;
          }
          logger.warn(
            { err: error, dataSourceId: source.id, username: identity.username },
            'teammate sync failed',
          );
          failures.push({
            teammateId: identity.teammate_id,
            slackUserId: identity.slack_user_id,
            code: isCodedError(error) ? error.code : 'SYNC_TEAMMATE_FAILED',
            message: isCodedError(error)
              ? error.userMessage
              : 'An unexpected error stopped this teammate’s sync; the details are in the ActivityPulse logs.',
          });
        } finally {
          done += 1;
          await Promise.resolve(
            request.onProgress?.({
              dataSourceId: source.id,
              dataSourceName: source.name,
              teammatesDone: done,
              teammatesTotal: identities.length,
              lastSlackUserId: identity.slack_user_id,
            }),
          ).catch((error: unknown) => logger.warn({ err: error }, 'sync progress callback failed'));
        }
      });

      if (!stopped && !request.signal?.aborted && ready.length > 0) {
        try {
          const streams = await syncGraphqlStreams(
            {
              client: gitlab,
              transaction,
              workspaceId: request.workspaceId,
              dataSourceId: source.id,
              host: gitlab.host,
              baseUrl: gitlab.baseUrl,
              cursors,
              runStartedAt,
              firstSyncFrom,
              since: request.since,
              batchSize: this.#options.graphqlBatchSize ?? 20,
              mergeRequests,
              onStored,
            },
            ready,
            interests,
          );
          if (streams.reviewRequestsUnavailable) {
            notes.push(
              'Review requests are included only once the reviewer comments or approves: this GitLab cannot list the merge requests awaiting someone’s review (GraphQL reviewRequestedMergeRequests).',
            );
          }
          if (streams.timelogsUnavailable) {
            notes.push(
              'Time logged is not included: this GitLab cannot list time-tracking entries per user (GraphQL timelogs); it appears after GitLab is upgraded.',
            );
          }
        } catch (error) {
          if (isCodedError(error) && SOURCE_STOPPING_CODES.has(error.code)) {
            stopped = new SourceStopped(error.code, error.userMessage);
          } else {
            logger.warn({ err: error, dataSourceId: source.id }, 'time logs and pipelines sync failed');
            incomplete = true;
            notes.push(
              `Time logged and pipelines could not be read this time (${isCodedError(error) ? error.userMessage : 'unexpected error'}); the next sync tries again.`,
            );
          }
        }
      }
      if (request.signal?.aborted)
        notes.push('The sync was stopped early; the next one continues where it stopped.');
      if (identities.length === 0)
        notes.push('No teammates are mapped to this source yet: map them with /pulse map.');
    } catch (error) {
      if (isCodedError(error) && SOURCE_STOPPING_CODES.has(error.code)) {
        stopped = new SourceStopped(error.code, error.userMessage);
      } else {
        logger.error({ err: error, dataSourceId: source.id }, 'sync failed');
        stopped = new SourceStopped(
          isCodedError(error) ? error.code : 'SYNC_FAILED',
          isCodedError(error)
            ? error.userMessage
            : 'The sync stopped on an unexpected error; the details are in the ActivityPulse logs.',
        );
      }
    }

    const status: SyncSourceResult['status'] = stopped
      ? 'failed'
      : failures.length > 0 && failures.length >= identities.length
        ? 'failed'
        : failures.length > 0 || incomplete || request.signal?.aborted
          ? 'partial'
          : 'succeeded';
    const durationMs = Math.round(performance.now() - started);
    const slackOf = new Map(identities.map((identity) => [identity.teammate_id, identity.slack_user_id]));
    Object.assign(result, {
      status,
      counts: Object.fromEntries(
        Object.entries(countsByTeammate).map(([teammateId, counts]) => [
          slackOf.get(teammateId) ?? teammateId,
          counts,
        ]),
      ),
      apiCalls: client?.stats.requests ?? 0,
      retries: client?.stats.retries ?? 0,
      durationMs,
      failures: failures.map(({ slackUserId, code, message }) => ({ slackUserId, code, message })),
      notes,
      ...(stopped ? { errorCode: stopped.code, error: stopped.userMessage } : {}),
    });
    if (status === 'failed' && !stopped) {
      result.errorCode = failures[0]?.code ?? 'SYNC_FAILED';
      result.error = failures[0]?.message ?? 'Every teammate failed.';
    }
    await this.#finish(source.id, runId, result, countsByTeammate, failures, runStartedAt);
    this.#options.metrics?.syncRuns.inc({ trigger: request.trigger, status });
    this.#options.metrics?.syncDuration.observe(durationMs / 1000);
    logger.info(
      { dataSourceId: source.id, status, apiCalls: result.apiCalls, retries: result.retries, durationMs },
      'sync finished',
    );
    return result;
  }

  async #client(em: EntityManager, source: IDataSource): Promise<GitLabClient> {
    const token = await this.#options.sources.openToken(em, source);
    const sleep = this.#options.sleep;
    return new GitLabClient({
      baseUrl: source.baseUrl,
      token,
      dispatcher: this.#options.dispatcher,
      logger: this.#options.logger,
      retry: { ...SYNC_RETRY, ...this.#options.retry },
      // One pacer per source run: the concurrent teammates share its view of RateLimit-Remaining.
      pacer: new RateLimitPacer(sleep ? { sleep } : {}),
      ...(sleep ? { sleep } : {}),
      onRequest: (event) =>
        this.#options.metrics?.gitlabRequests.inc({
          outcome: event.status ? String(event.status) : (event.errorCode ?? 'error'),
        }),
    });
  }

  /** The teammate's GitLab user id, looked up (and stored) the first time. */
  async #resolveTeammate(
    em: EntityManager,
    client: GitLabClient,
    identity: IdentityRow,
  ): Promise<TeammateRef> {
    const known = identity.external_user_id === null ? undefined : Number(identity.external_user_id);
    const ref = {
      teammateId: identity.teammate_id,
      slackUserId: identity.slack_user_id,
      username: identity.username,
    };
    if (known !== undefined) return { ...ref, userId: known };
    const user = await findUserByUsername(client, identity.username);
    if (!user) {
      throw new CodedError(
        'GITLAB_NOT_FOUND',
        `GitLab has no user named @${identity.username}: check the spelling and map the teammate again with /pulse map.`,
      );
    }
    await em.execute('update external_identity set external_user_id = ?, updated_at = now() where id = ?', [
      user.id,
      identity.identity_id,
    ]);
    return { ...ref, username: user.username, userId: user.id };
  }

  async #finish(
    sourceId: string,
    runId: string,
    result: SyncSourceResult,
    counts: Record<string, Partial<Record<ActivityKind, number>>>,
    failures: Array<TeammateFailure & { teammateId: string }>,
    runStartedAt: Date,
  ): Promise<void> {
    const em = this.#options.orm.em.fork();
    const finishedAt = this.#now();
    await em.execute(
      `update sync_run set status = ?, finished_at = ?, counts = ?::jsonb, failures = ?::jsonb,
         notes = (select coalesce(array_agg(value), '{}') from jsonb_array_elements_text(?::jsonb)),
         api_calls = ?, retries = ?, duration_ms = ?, error_code = ?, error = ?
       where id = ?`,
      [
        result.status,
        finishedAt,
        JSON.stringify(counts),
        JSON.stringify(failures.map(({ teammateId, code, message }) => ({ teammateId, code, message }))),
        JSON.stringify(result.notes),
        result.apiCalls,
        result.retries,
        result.durationMs,
        result.errorCode ?? null,
        result.error ?? null,
        runId,
      ],
    );
    if (result.status === 'failed' && result.errorCode && SOURCE_STOPPING_CODES.has(result.errorCode)) {
      // Back-off (failure_count, next_sync_after) is the scheduled job's decision; this says why.
      await em.execute(
        `update data_source set status = 'failing', last_error_code = ?, last_error = ?, updated_at = now()
         where id = ?`,
        [result.errorCode, result.error ?? null, sourceId],
      );
    } else if (result.status === 'succeeded' || result.status === 'partial') {
      await em.execute(
        `update data_source set status = 'ok', last_error_code = null, last_error = null, failure_count = 0,
           last_sync_at = greatest(last_sync_at, ?::timestamptz), updated_at = now()
         where id = ?`,
        [runStartedAt, sourceId],
      );
    }
  }
}

function earliestEventsCursor(identities: IdentityRow[], cursors: CursorMap): Date | undefined {
  let earliest: Date | undefined;
  for (const identity of identities) {
    const position = cursors.get(cursorKey(identity.teammate_id, 'events'))?.position;
    if (!position) return undefined; // someone syncs for the first time: the window is the default
    if (!earliest || position < earliest) earliest = position;
  }
  return earliest;
}

/**
 * Projects whose pipelines to ask about for a teammate: the ones they pushed to now, the ones
 * remembered but not read yet, and the ones polled before that saw activity within
 * PIPELINE_INTEREST_MS.
 */
function pipelineInterests(
  teammate: TeammateRef,
  activeProjects: Set<number>,
  projects: ProjectDirectory,
  cursors: CursorMap,
  runStartedAt: Date,
): PipelineInterest[] {
  const paths = new Set<string>();
  for (const id of activeProjects) {
    const path = projects.get(id);
    if (path) paths.add(path);
  }
  const prefix = `${teammate.teammateId}\u0000pipelines:`;
  for (const [key, value] of cursors) {
    if (!key.startsWith(prefix)) continue;
    // Never read yet (position null), or read and active lately.
    if (!value.position || runStartedAt.getTime() - value.position.getTime() <= PIPELINE_INTEREST_MS) {
      paths.add(key.slice(prefix.length));
    }
  }
  return [...paths].sort().map((projectPath) => ({ teammate, projectPath }));
}

/** GitLab leaves `created_at` out of a user it will not show the profile of (private profile). */
async function isPrivateProfile(client: GitLabClient, userId: number): Promise<boolean> {
  try {
    const user = await getUser(client, userId);
    return !('created_at' in user) || user['created_at'] === undefined;
  } catch (error) {
    if (isGitLabError(error, 'GITLAB_NOT_FOUND')) return false;
    throw error;
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function runPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Dispatcher } from 'undici';
import type { Orm } from '../../db/orm.ts';
import { GitLabClient, RateLimitPacer, type RetryOptions } from '../../gitlab/index.ts';
import { isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { StoredActivity } from '../activity/activity.repository.ts';
import type { ActivityKind } from '../activity/activity-kinds.ts';
import type { IDataSource } from '../sources/data-source.entity.ts';
import { DataSource } from '../sources/data-source.entity.ts';
import type { DataSourceRepository } from '../sources/data-source.repository.ts';
import { MergeRequestLookups } from './event-follow-ups.ts';
import {
  type PipelineInterest,
  type StreamLists,
  type StreamsContext,
  syncGraphqlStreams,
} from './graphql-streams.ts';
import { ProjectDirectory } from './project-directory.ts';
import { runPool } from './run-pool.ts';
import type { SyncEngine, SyncRequest, SyncResult, SyncSourceResult, TeammateFailure } from './sync.types.ts';
import { cursorKey, loadCursors } from './sync-cursor.repository.ts';
import { SOURCE_LOCKED_SQL, tryLockSource } from './sync-lock.ts';
import { finishRun, startRun } from './sync-run.repository.ts';
import {
  earliestEventsCursor,
  type IdentityRow,
  isPrivateProfile,
  pipelineInterests,
  resolveTeammate,
} from './sync-teammates.ts';
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
    const runId = await startRun(em, {
      workspaceId: request.workspaceId,
      sourceId: source.id,
      trigger: request.trigger,
      requestedBy: request.requestedBy ?? null,
      runStartedAt,
      windowStart,
    });
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

      const concurrency = this.#options.concurrency ?? 4;
      let done = 0;
      const progress = async (identity: IdentityRow) => {
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
      };
      const teammateFailed = (identity: IdentityRow, error: unknown) => {
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
      };
      const streamsContext: StreamsContext = {
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
        batch: { size: this.#options.graphqlBatchSize ?? 20 },
        mergeRequests,
        onStored,
      };
      const streams = async (lists: StreamLists, what: string) => {
        if (stopped || request.signal?.aborted) return;
        try {
          const outcome = await syncGraphqlStreams(streamsContext, lists);
          if (outcome.reviewRequestsUnavailable) {
            notes.push(
              'Review requests are included only once the reviewer comments or approves: this GitLab cannot list the merge requests awaiting someone’s review (GraphQL reviewRequestedMergeRequests).',
            );
          }
          if (outcome.timelogsUnavailable) {
            notes.push(
              'Time logged is not included: this GitLab cannot list time-tracking entries per user (GraphQL timelogs); it appears after GitLab is upgraded.',
            );
          }
        } catch (error) {
          if (isCodedError(error) && SOURCE_STOPPING_CODES.has(error.code)) {
            stopped = new SourceStopped(error.code, error.userMessage);
            return;
          }
          logger.warn({ err: error, dataSourceId: source.id }, `${what} sync failed`);
          incomplete = true;
          notes.push(
            `${what} could not be read this time (${isCodedError(error) ? error.userMessage : 'unexpected error'}); the next sync tries again.`,
          );
        }
      };

      // 1. Who each teammate is on GitLab (a look-up only the first time).
      const byIdentity = new Map<string, TeammateRef>();
      await runPool(identities, concurrency, async (identity) => {
        if (stopped || request.signal?.aborted) return;
        try {
          byIdentity.set(identity.identity_id, await resolveTeammate(em, gitlab, identity));
        } catch (error) {
          teammateFailed(identity, error);
          await progress(identity);
        }
      });
      const resolved = identities.flatMap((identity) => {
        const teammate = byIdentity.get(identity.identity_id);
        return teammate ? [{ identity, teammate }] : [];
      });
      const teammates = resolved.map((entry) => entry.teammate);

      // 2. Time logs, review requests, the teammates' own MRs and the pipelines of projects they
      //    pushed to before, batched: before the events, so the events find most MR facts known.
      const known = teammates.flatMap((teammate) =>
        pipelineInterests(teammate, new Set(), projects, cursors, runStartedAt),
      );
      const asked = new Set(
        known.map((interest) => `${interest.teammate.teammateId}\u0000${interest.projectPath}`),
      );
      if (teammates.length > 0) {
        await streams(
          { timelogs: teammates, reviews: teammates, authored: teammates, pipelines: known },
          'Time logged, review requests and pipelines',
        );
      }

      // 3. Each teammate's events, page by page, with their follow-ups.
      const interests: PipelineInterest[] = [];
      await runPool(resolved, concurrency, async ({ identity, teammate }) => {
        if (stopped || request.signal?.aborted) return;
        try {
          const outcome = await syncTeammateEvents(eventsContext, teammate);
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
          teammateFailed(identity, error);
        } finally {
          await progress(identity);
        }
      });

      // 4. Pipelines of projects pushed to for the first time in this run, batched.
      const fresh = interests.filter(
        (interest) => !asked.has(`${interest.teammate.teammateId}\u0000${interest.projectPath}`),
      );
      if (fresh.length > 0) await streams({ pipelines: fresh }, 'Pipelines');
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
    await finishRun(orm.em.fork(), {
      sourceId: source.id,
      runId,
      result,
      counts: countsByTeammate,
      failures,
      runStartedAt,
      finishedAt: this.#now(),
      sourceBroken: SOURCE_STOPPING_CODES,
    });
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
}

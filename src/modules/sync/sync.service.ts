import { type GitLabClient, graphqlFeaturesFor, RunBudget } from '../../gitlab/index.ts';
import { runPool } from '../../lib/run-pool.ts';
import type { ActivityKind } from '../activity/activity-kinds.ts';
import type { IDataSource } from '../sources/data-source.entity.ts';
import { loadSyncIdentities } from '../teammates/external-identity.repository.ts';
import { refreshSourceVersion } from './source-version.ts';
import { readSource } from './steps/read-source.ts';
import { foldRunReport, runResultOf } from './steps/run-report.ts';
import { emptyReport, SOURCE_STOPPING_CODES, type StepReport, stopOf } from './steps/step-report.ts';
import type { SyncEngine, SyncRequest, SyncResult, SyncSourceResult } from './sync.types.ts';
import { loadCursors } from './sync-cursor.repository.ts';
import { DEFAULT_SYNC_LIMITS, type SyncLimits } from './sync-limits.ts';
import { type HeldLock, isSyncRunning, tryLockSource } from './sync-lock.ts';
import { createRunClient, DEFAULT_HEARTBEAT_MS, type SyncServiceOptions } from './sync-options.ts';
import { beatRun, finishRun, markInterruptedRuns, startRun } from './sync-run.repository.ts';
import { buildRunContext, progressReporter } from './sync-run-context.ts';
import { earliestEventsCursor } from './sync-teammates.ts';

export { DEFAULT_SYNC_LIMITS, type SyncLimits } from './sync-limits.ts';
export type { SyncServiceOptions } from './sync-options.ts';

/**
 * The GitLab sync (SyncEngine): for each data source, each mapped teammate's activity since their
 * cursor — events page by page with the few follow-ups they need, then time logs and pipelines of
 * everyone in batched GraphQL requests. One run per source at a time (advisory lock); one
 * teammate's failure is recorded and the others go on; a refused token stops that source only.
 */
export class SyncService implements SyncEngine {
  readonly #options: SyncServiceOptions;
  readonly #now: () => Date;
  readonly #limits: SyncLimits;

  constructor(options: SyncServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#limits = { ...DEFAULT_SYNC_LIMITS, ...options.limits };
  }

  async sync(request: SyncRequest): Promise<SyncResult> {
    const em = this.#options.orm.em.fork();
    // Runs left 'running' by a process that died are closed before anyone reads them as live.
    const interrupted = await markInterruptedRuns(em, {
      workspaceId: request.workspaceId,
      staleAfterMs: 4 * (this.#options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS),
    });
    if (interrupted > 0) {
      this.#options.logger.warn(
        { workspaceId: request.workspaceId, interrupted },
        'marked sync runs interrupted',
      );
    }
    const sources = await this.#options.sources.listForSync(em, request.workspaceId, request.dataSourceId);
    // Sources side by side, each within its own deadline: a stuck GitLab does not hold up the others.
    const results: Array<SyncSourceResult | undefined> = [];
    await runPool([...sources.entries()], this.#limits.sourceConcurrency, async ([index, source]) => {
      if (request.signal?.aborted) return;
      results[index] = await this.#syncSource(source, request);
    });
    return { sources: results.filter((result) => result !== undefined) };
  }

  async isRunning(workspaceId: string, dataSourceId?: string): Promise<boolean> {
    return isSyncRunning(this.#options.orm.em.fork(), workspaceId, dataSourceId);
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
    // A lost lock stops the run at its next step, as a shutdown does.
    const signal = request.signal ? AbortSignal.any([request.signal, lock.signal]) : lock.signal;
    try {
      return await this.#runLocked(source, { ...request, signal }, base, started, lock);
    } finally {
      await lock.release();
    }
  }

  async #runLocked(
    source: IDataSource,
    request: SyncRequest,
    base: SyncSourceResult,
    started: number,
    lock: HeldLock,
  ): Promise<SyncSourceResult> {
    const { orm, logger } = this.#options;
    const em = orm.em.fork();
    const runStartedAt = this.#now();
    const firstSyncFrom = new Date(runStartedAt.getTime() - (this.#options.firstSyncDays ?? 30) * 86_400_000);
    const identities = await loadSyncIdentities(em, source.id);
    const cursors = await loadCursors(em, source.id);
    const windowStart = request.since ?? earliestEventsCursor(identities, cursors) ?? firstSyncFrom;
    // We hold the source's lock: any run of it still 'running' has no live owner.
    await markInterruptedRuns(em, { heldSourceId: source.id });
    const runId = await startRun(em, {
      workspaceId: request.workspaceId,
      sourceId: source.id,
      trigger: request.trigger,
      requestedBy: request.requestedBy ?? null,
      runStartedAt,
      windowStart,
    });
    const heartbeat = setInterval(() => {
      beatRun(orm.em.fork(), runId).catch((error: unknown) =>
        logger.warn({ err: error, runId }, 'could not renew the sync run heartbeat'),
      );
    }, this.#options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    heartbeat.unref();

    const countsByTeammate: Record<string, Partial<Record<ActivityKind, number>>> = {};
    const reports: StepReport[] = [];
    let client: GitLabClient | undefined;
    // The run's request cap and deadline, shared by everything the run asks GitLab.
    const budget = new RunBudget({
      maxRequests: this.#limits.maxRequestsPerRun,
      deadlineMs: this.#limits.runDeadlineMs,
      sourceName: source.name,
    });
    try {
      const token = await this.#options.sources.openToken(em, source);
      client = createRunClient(this.#options, this.#limits, { baseUrl: source.baseUrl, token, budget });
      const context = buildRunContext({
        orm,
        source,
        request,
        client,
        em,
        cursors,
        runStartedAt,
        firstSyncFrom,
        windowStart,
        concurrency: this.#options.concurrency ?? 4,
        graphqlBatchSize: this.#options.graphqlBatchSize ?? 300,
        // Queries are built from what this GitLab's version has (GET /version once a day).
        features: graphqlFeaturesFor(
          await refreshSourceVersion(em, source, client, {
            now: runStartedAt,
            logger,
            stopping: SOURCE_STOPPING_CODES,
          }),
        ),
      });
      context.onStored = (teammateId, stored) => {
        if (stored.length === 0) return;
        const counts = countsByTeammate[teammateId] ?? {};
        countsByTeammate[teammateId] = counts;
        for (const row of stored) {
          counts[row.kind] = (counts[row.kind] ?? 0) + 1;
          this.#options.metrics?.activitiesStored.inc({ kind: row.kind });
        }
      };
      context.teammateDone = progressReporter(source, request, identities.length, logger);

      reports.push(...(await readSource(context, identities, logger)));
      const unreadable = client.stats.unreadableItems;
      if (unreadable > 0) {
        logger.warn({ dataSourceId: source.id, unreadable }, 'GitLab list items skipped: unreadable');
        reports.push({
          ...emptyReport(),
          incomplete: true,
          notes: [
            `${unreadable === 1 ? '1 item' : `${unreadable} items`} GitLab sent could not be read and ${unreadable === 1 ? 'was' : 'were'} skipped; the rest is stored.`,
          ],
        });
      }
    } catch (error) {
      // Past the steps' own failure handling: the run stops, saying why in words.
      const stop = stopOf(error);
      if (stop.code === 'SYNC_FAILED') logger.error({ err: error, dataSourceId: source.id }, 'sync failed');
      reports.push({ ...emptyReport(), stop });
    } finally {
      budget.dispose();
    }

    // 5. Finish: one report folded from the steps, recorded with the run.
    clearInterval(heartbeat);
    const report = foldRunReport(reports, {
      lock,
      aborted: request.signal?.aborted === true,
      mapped: identities.length,
    });
    const durationMs = Math.round(performance.now() - started);
    const result = runResultOf({
      base: { ...base, syncRunId: runId },
      report,
      teammates: identities.length,
      aborted: request.signal?.aborted === true,
      countsByTeammate,
      slackUserOf: new Map(identities.map((identity) => [identity.teammate_id, identity.slack_user_id])),
      apiCalls: client?.stats.requests ?? 0,
      retries: client?.stats.retries ?? 0,
      durationMs,
    });
    try {
      await finishRun(orm.em.fork(), {
        sourceId: source.id,
        runId,
        result,
        counts: countsByTeammate,
        failures: report.failures,
        runStartedAt,
        finishedAt: this.#now(),
        sourceBroken: SOURCE_STOPPING_CODES,
      });
    } catch (error) {
      // The database is unreachable: the row stays 'running' until its heartbeat goes stale and
      // whoever sees it next marks it interrupted (see markInterruptedRuns).
      logger.error({ err: error, dataSourceId: source.id, runId }, 'could not record the end of a sync run');
    }
    this.#options.metrics?.syncRuns.inc({ trigger: request.trigger, status: result.status });
    this.#options.metrics?.syncDuration.observe(durationMs / 1000);
    logger.info(
      {
        dataSourceId: source.id,
        status: result.status,
        apiCalls: result.apiCalls,
        retries: result.retries,
        durationMs,
      },
      'sync finished',
    );
    return result;
  }
}

import type { Dispatcher } from 'undici';
import type { Orm } from '../../db/orm.ts';
import { GitLabClient, RateLimitPacer, type RetryOptions, type RunBudget } from '../../gitlab/index.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Metrics } from '../../lib/metrics.ts';
import type { DataSourceRepository } from '../sources/data-source.repository.ts';
import type { SyncLimits } from './sync-limits.ts';

/** What SyncService is built with (the composition root passes them; tests override a few). */
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
  /**
   * At most this many lists per GraphQL request; default 300 (a team's lists grouped under
   * `users(usernames:)` cost GitLab about one list's complexity). The real bound is GitLab's query
   * complexity (250), which each batch is sized by; a batch GitLab times out halves it.
   */
  graphqlBatchSize?: number;
  /** Retry policy for sync requests; nobody waits on a sync, so it is patient by default. */
  retry?: Partial<RetryOptions>;
  /** Sleep used for retries and pacing (tests). */
  sleep?: (ms: number) => Promise<void>;
  /** What one source's run may cost (config `limits`); DEFAULT_SYNC_LIMITS for what is left out. */
  limits?: Partial<SyncLimits>;
  /**
   * How often a running sync renews its lease (`sync_run.heartbeat_at`); default 15 s. A run
   * whose lease is 4 beats old and whose source nobody has locked is marked interrupted.
   */
  heartbeatMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;

const SYNC_RETRY: Partial<RetryOptions> = { maxAttempts: 5, maxTotalWaitMs: 60_000 };

/** The client of one source's run: its token, the run's budget, a pacer shared by its requests. */
export function createRunClient(
  options: SyncServiceOptions,
  limits: SyncLimits,
  run: { baseUrl: string; token: string; budget: RunBudget },
): GitLabClient {
  const sleep = options.sleep;
  return new GitLabClient({
    baseUrl: run.baseUrl,
    token: run.token,
    dispatcher: options.dispatcher,
    logger: options.logger,
    retry: { ...SYNC_RETRY, ...options.retry },
    budget: run.budget,
    limits: {
      totalMs: limits.requestTimeoutMs,
      maxResponseBytes: limits.maxResponseBytes,
      maxPages: limits.maxPages,
    },
    // One pacer per source run: the concurrent teammates share its view of RateLimit-Remaining.
    pacer: new RateLimitPacer(sleep ? { sleep } : {}),
    ...(sleep ? { sleep } : {}),
    onRequest: (event) =>
      options.metrics?.gitlabRequests.inc({
        outcome: event.status ? String(event.status) : (event.errorCode ?? 'error'),
      }),
  });
}

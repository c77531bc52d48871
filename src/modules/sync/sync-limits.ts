/** What one source's run may cost; the roots fill it from the GITLAB_* and SYNC_* settings. */
export interface SyncLimits {
  requestTimeoutMs: number;
  maxResponseBytes: number;
  maxPages: number;
  maxRequestsPerRun: number;
  runDeadlineMs: number;
  /** Sources synced at the same time by one `sync` call (a fetch of every source). */
  sourceConcurrency: number;
}

/** The defaults of the GITLAB_* and SYNC_* limit settings (RELIABILITY.md). */
export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  requestTimeoutMs: 60_000,
  maxResponseBytes: 10 * 1024 * 1024,
  maxPages: 1_000,
  maxRequestsPerRun: 20_000,
  runDeadlineMs: 30 * 60_000,
  sourceConcurrency: 4,
};

import { setTimeout as delay } from 'node:timers/promises';
import type { Orm } from '../../db/orm.ts';
import type { Logger } from '../../lib/logger.ts';
import {
  backOffUntil,
  type ClaimedSource,
  claimDueSource,
  claimTokenNotice,
  clearBackoff,
  countFailure,
  releaseTokenNotice,
} from '../sources/source-schedule.repository.ts';
import type { SyncEngine, SyncSourceResult } from './sync.types.ts';

/** First retry after a failed scheduled sync; doubled per consecutive failure up to the maximum. */
export const BACKOFF_BASE_MS = 15 * 60_000;
export const BACKOFF_MAX_MS = 6 * 60 * 60_000;

/** A token GitLab no longer accepts: retrying soon cannot help, a person has to replace it. */
export const TOKEN_PROBLEM_CODES: ReadonlySet<string> = new Set([
  'GITLAB_TOKEN_EXPIRED',
  'GITLAB_TOKEN_REVOKED',
  'GITLAB_BAD_TOKEN',
]);

/** How long a source waits after its `failureCount`-th consecutive failure (1 → 15 min … 6 h). */
export function backoffDelayMs(failureCount: number, tokenProblem = false): number {
  if (tokenProblem) return BACKOFF_MAX_MS;
  const exponent = Math.max(0, Math.min(failureCount - 1, 16));
  return Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_MAX_MS);
}

/** Sends a direct message to a Slack user of a workspace (implemented over the Slack Web API). */
export interface UserNotifier {
  notifyUser(workspaceId: string, userId: string, text: string): Promise<void>;
}

export interface ScheduledSyncOptions {
  orm: Orm;
  engine: SyncEngine;
  notifier: UserNotifier;
  logger: Logger;
  now: () => Date;
  /** Names this process in claims (`host:pid`), for operators reading the table. */
  replicaId: string;
  /**
   * A source claimed by any replica less than this long ago is not due: replicas whose cron fires
   * at the same minute sync each source once. Keep it below the cron interval.
   */
  minIntervalMs: number;
  /** Sources this process syncs at the same time. */
  concurrency?: number;
  /** How often an idle worker looks for newly due sources while another still syncs; default 30 s. */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface ScheduledSyncOutcome {
  dataSourceId: string;
  status: SyncSourceResult['status'];
  skippedReason?: SyncSourceResult['skippedReason'];
  errorCode?: string;
  /** Set when the failure made the source wait. */
  nextSyncAfter?: Date;
  ownerNotified?: boolean;
}

/**
 * One tick of the scheduled sync (SYNC_CRON). Safe on any number of replicas at once: each source
 * is claimed with `FOR UPDATE SKIP LOCKED`, so replicas take different sources and a source is
 * synced once per tick; the engine's advisory lock still guards against a concurrent `/pulse fetch`.
 * Sources backing off (`next_sync_after` in the future) are left alone — unless they are `ok` again
 * (a failure sets `failing`; a Test Connection after a new token, or a manual sync, sets `ok`), so a
 * fixed source does not wait out its back-off.
 */
export async function runScheduledSync(options: ScheduledSyncOptions): Promise<ScheduledSyncOutcome[]> {
  const outcomes: ScheduledSyncOutcome[] = [];
  let busy = 0;
  /** Sources this tick is syncing right now: never claimed a second time while they run. */
  const running = new Set<string>();
  const waiting = new Set<() => void>();
  const worker = async () => {
    for (;;) {
      if (options.signal?.aborted) return;
      // The first pass takes what is due; later, only what a whole cron interval has passed for.
      const source = await claimNextDueSource(
        options,
        busy > 0 ? options.minIntervalMs * 2 : options.minIntervalMs,
        running,
      );
      if (!source) {
        // Nothing due. While a sibling is still on a slow source (each run is bounded by
        // SYNC_RUN_DEADLINE_MS), keep looking: the next cron tick waits for this one, and sources
        // due meanwhile must not wait for the slow one.
        if (busy === 0) return;
        const siblingDone = new Promise<void>((resolve) => waiting.add(resolve));
        await Promise.race([siblingDone, idle(options.pollMs ?? 30_000, options.signal)]);
        continue;
      }
      busy += 1;
      running.add(source.id);
      try {
        outcomes.push(await syncClaimedSource(options, source));
      } finally {
        busy -= 1;
        running.delete(source.id);
        for (const resolve of waiting) resolve();
        waiting.clear();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return outcomes;
}

async function idle(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await delay(ms, undefined, { ref: false, ...(signal ? { signal } : {}) }).catch(() => undefined);
}

async function claimNextDueSource(
  options: ScheduledSyncOptions,
  intervalMs: number,
  running: ReadonlySet<string>,
): Promise<ClaimedSource | undefined> {
  const now = options.now();
  return claimDueSource(options.orm.em.fork(), {
    now,
    claimedBefore: new Date(now.getTime() - intervalMs),
    replicaId: options.replicaId,
    running: [...running],
  });
}

async function syncClaimedSource(
  options: ScheduledSyncOptions,
  source: ClaimedSource,
): Promise<ScheduledSyncOutcome> {
  let result: Pick<SyncSourceResult, 'status' | 'skippedReason' | 'errorCode' | 'error'>;
  try {
    const { sources } = await options.engine.sync({
      workspaceId: source.workspace_id,
      dataSourceId: source.id,
      trigger: 'cron',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    result = sources.find((entry) => entry.dataSourceId === source.id) ?? {
      status: 'failed',
      errorCode: 'SYNC_NO_RESULT',
      error: 'The sync finished without a result for this source.',
    };
  } catch (error) {
    options.logger.error({ err: error, dataSourceId: source.id }, 'scheduled sync crashed');
    result = {
      status: 'failed',
      errorCode: 'SYNC_CRASHED',
      error: 'The sync stopped on an unexpected error; the details are in the ActivityPulse logs.',
    };
  }
  const outcome: ScheduledSyncOutcome = { dataSourceId: source.id, status: result.status };
  if (result.skippedReason) outcome.skippedReason = result.skippedReason;
  if (result.status === 'skipped') {
    // Locked: another process (a /pulse fetch) is syncing it right now. Backoff: the engine keeps
    // its own wait. Either way this tick changes nothing.
    options.logger.info({ dataSourceId: source.id, reason: result.skippedReason }, 'scheduled sync skipped');
    return outcome;
  }
  const em = options.orm.em.fork();
  const now = options.now();
  if (result.status === 'succeeded' || result.status === 'partial') {
    // A working token again: a later expiry deserves a new notice. (last_sync_at is the engine's.)
    await clearBackoff(em, source.id);
    return outcome;
  }
  const errorCode = result.errorCode ?? 'SYNC_FAILED';
  const tokenProblem = TOKEN_PROBLEM_CODES.has(errorCode);
  const failures = await countFailure(em, { sourceId: source.id, errorCode, error: result.error ?? null });
  const nextSyncAfter = new Date(now.getTime() + backoffDelayMs(failures, tokenProblem));
  await backOffUntil(em, source.id, nextSyncAfter);
  outcome.errorCode = errorCode;
  outcome.nextSyncAfter = nextSyncAfter;
  options.logger.warn(
    { dataSourceId: source.id, errorCode, failures, nextSyncAfter },
    'scheduled sync failed; the source backs off',
  );
  if (tokenProblem) outcome.ownerNotified = await notifyOwnerOnce(options, source, result.error, now);
  return outcome;
}

/**
 * Tells the admin who added the source, once per token problem: the conditional update lets one
 * process win; a failed DM gives the mark back so a later tick tries again.
 */
async function notifyOwnerOnce(
  options: ScheduledSyncOptions,
  source: ClaimedSource,
  error: string | undefined,
  now: Date,
): Promise<boolean> {
  const em = options.orm.em.fork();
  if (!(await claimTokenNotice(em, source.id, now))) return false;
  try {
    await options.notifier.notifyUser(
      source.workspace_id,
      source.created_by,
      tokenProblemMessage(source, error),
    );
    return true;
  } catch (notifyError) {
    options.logger.warn({ err: notifyError, dataSourceId: source.id }, 'could not tell the source owner');
    await releaseTokenNotice(em, source.id);
    return false;
  }
}

/** The notice, in Slack mrkdwn (names are escaped: they are typed by people). */
export function tokenProblemMessage(source: { name: string }, error: string | undefined): string {
  const name = source.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const reason = error ?? 'GitLab no longer accepts its token.';
  return [
    `:warning: ActivityPulse stopped syncing the GitLab source *${name}*. ${reason}`,
    `Replace the token with \`/pulse source edit ${name}\`. Until then I try once every 6 hours, and this is the only message about it.`,
  ].join('\n');
}

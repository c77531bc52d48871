import type { SourceView } from './source.types.ts';

/**
 * When a source backing off will next be synced on schedule, or null when it is not waiting.
 * The same rule as the claim in scheduled-sync.job.ts: after failed scheduled syncs a source waits
 * until `nextSyncAfter`, unless it is `ok` again (a new token tested, a manual sync got through).
 */
export function backoffUntil(
  source: Pick<SourceView, 'status' | 'failureCount' | 'nextSyncAfter'>,
  now: Date,
): Date | null {
  if (source.status === 'ok' || source.failureCount <= 0 || !source.nextSyncAfter) return null;
  return source.nextSyncAfter.getTime() > now.getTime() ? source.nextSyncAfter : null;
}

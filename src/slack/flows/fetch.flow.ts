import type { Logger } from '../../lib/logger.ts';
import type { SyncEngine, SyncProgress, SyncRequest } from '../../modules/sync/sync.types.ts';
import { userMessageOf } from '../error-message.ts';
import {
  presentFetchBusy,
  presentFetchFailed,
  presentFetchProgress,
  presentFetchStarted,
  presentFetchSummary,
} from '../ui/fetch.ui.ts';
import type { MessageSink } from './message-sink.ts';

export interface FetchRun {
  engine: SyncEngine;
  request: Omit<SyncRequest, 'onProgress'>;
  /** For messages: the named source, or undefined for every source. */
  sourceName: string | undefined;
  timeZone: string;
  sink: MessageSink;
  logger: Logger;
  /** Admins also read a "details" line (request counts); others only what the fetch found. */
  showDetails?: boolean;
  /** Least time between two progress updates of the message. */
  progressIntervalMs?: number;
  clock?: () => number;
}

/**
 * `/pulse fetch` and the Fetch now buttons after ack: refuses a second fetch while one runs, posts
 * one message, updates it as teammates complete, and ends with the summary (or why it failed).
 */
export async function runFetch(run: FetchRun): Promise<void> {
  const { engine, request, sink } = run;
  if (await engine.isRunning(request.workspaceId, request.dataSourceId)) {
    await sink.post(presentFetchBusy(run.sourceName));
    return;
  }
  await sink.post(
    presentFetchStarted({
      sourceNames: run.sourceName ? [run.sourceName] : [],
      since: request.since,
      timeZone: run.timeZone,
    }),
  );
  const clock = run.clock ?? Date.now;
  const interval = run.progressIntervalMs ?? 1_500;
  const progress = new Map<string, SyncProgress>();
  let lastUpdate = Number.NEGATIVE_INFINITY;
  let updating: Promise<void> = Promise.resolve();
  const onProgress = (item: SyncProgress) => {
    progress.set(item.dataSourceId, item);
    if (clock() - lastUpdate < interval) return;
    lastUpdate = clock();
    const message = presentFetchProgress([...progress.values()]);
    // Progress is best effort: a failed update must not fail the sync.
    updating = updating
      .then(() => sink.update(message))
      .catch((error: unknown) => run.logger.warn({ err: error }, 'fetch progress update failed'));
  };
  try {
    const result = await engine.sync({ ...request, onProgress });
    await updating;
    await sink.update(presentFetchSummary(result, { details: run.showDetails ?? false }), { final: true });
  } catch (error) {
    await updating;
    run.logger.error({ err: error, teamId: request.workspaceId }, 'fetch failed');
    const message = userMessageOf(
      error,
      'something went wrong on our side; the details are in the ActivityPulse logs.',
    );
    await sink.update(presentFetchFailed(message), { final: true });
  }
}

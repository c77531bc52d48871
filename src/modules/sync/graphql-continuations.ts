import {
  type ActivityBatch,
  type ActivityBatchResult,
  type BatchListName,
  type CursorPage,
  fetchActivityBatch,
} from '../../gitlab/index.ts';
import { runPool } from '../../lib/run-pool.ts';
import type { ActivityRow } from '../activity/activity.repository.ts';
import { activityBatchComplexity, isTooBigForGitLab } from './graphql-batches.ts';
import type { StreamsContext, StreamsOutcome } from './graphql-streams.ts';
import type { CursorWrite } from './sync-cursor.repository.ts';

/** A list whose first page said there is more, and how to ask its next page within a batch. */
export interface ContinuingList {
  listName: BatchListName;
  key: string;
  /** The batch part asking this list's page after `after`. */
  part(after: string): ActivityBatch;
  rows(items: readonly unknown[]): ActivityRow[];
  finish(complete: boolean): CursorWrite[];
  after: string;
  /** False once a page came back incomplete: stored as far as it came, cursors kept back. */
  complete: boolean;
}

/** Rounds in flight at once, per batch being stored (the batch loop has three batches out). */
const ROUNDS_IN_FLIGHT = 2;

/**
 * The further pages of long lists, read together: each round asks the next page of as many lists
 * as one query holds (GitLab's complexity budget, the run's list cap) and stores those pages in one
 * transaction, each list's cursors with its last page. Asked one list a request, a first sync's
 * project-wide pipeline lists (five pages and more each) cost a request a page. A round GitLab
 * refuses as too big is split; a list GitLab hands a cursor it gave before, or leaves out, stops
 * without its cursors (the next sync reads it again).
 */
export async function continueLists(
  context: StreamsContext,
  lists: readonly ContinuingList[],
  outcome: StreamsOutcome,
  store: (rows: ActivityRow[], cursors: CursorWrite[]) => Promise<void>,
): Promise<void> {
  const asked = new Map<ContinuingList, Set<string>>(lists.map((list) => [list, new Set()]));
  let failure: { error: unknown } | undefined;
  let open = [...lists];
  while (open.length > 0 && !failure) {
    const rounds: ContinuingList[][] = [];
    while (open.length > 0) rounds.push(takeRound(context, open));
    const next: ContinuingList[] = [];
    // Any round's error stops the others before their next round; it is thrown once all ended.
    await runPool(rounds, ROUNDS_IN_FLIGHT, async (round) => {
      if (failure) return;
      try {
        next.push(...(await readRound(context, round, asked, outcome, store)));
      } catch (error) {
        failure ??= { error };
      }
    });
    open = next;
  }
  if (failure) throw failure.error;
}

/** One round: the next page of each list, stored; returns the lists that go on. */
async function readRound(
  context: StreamsContext,
  round: ContinuingList[],
  asked: Map<ContinuingList, Set<string>>,
  outcome: StreamsOutcome,
  store: (rows: ActivityRow[], cursors: CursorWrite[]) => Promise<void>,
): Promise<ContinuingList[]> {
  let result: ActivityBatchResult;
  try {
    result = await fetchActivityBatch(context.client, merged(round), context.features);
  } catch (error) {
    if (round.length > 1 && isTooBigForGitLab(error)) {
      // Smaller rounds for the rest of the run; these lists go again in the next wave.
      context.batch.maxLists = Math.max(1, Math.min(context.batch.maxLists, Math.ceil(round.length / 2)));
      return round;
    }
    throw error;
  }
  outcome.problems.push(...result.problems);
  const rows: ActivityRow[] = [];
  const cursors: CursorWrite[] = [];
  const going: ContinuingList[] = [];
  for (const list of round) {
    asked.get(list)?.add(list.after);
    if (result.problems.some((problem) => problem.list === list.listName && problem.key === list.key))
      list.complete = false;
    const page: CursorPage<unknown> | undefined = result[list.listName].get(list.key);
    if (!page) continue;
    rows.push(...list.rows(page.items));
    if (!page.hasNextPage || !page.endCursor) cursors.push(...list.finish(list.complete));
    else if (!asked.get(list)?.has(page.endCursor))
      going.push(Object.assign(list, { after: page.endCursor }));
    // else: a cursor GitLab gave before, the list would never end: no cursors.
  }
  await store(rows, cursors);
  return going;
}

/** The next lists off `open`, in order, while their query stays within the budget and the cap. */
function takeRound(context: StreamsContext, open: ContinuingList[]): ContinuingList[] {
  const round: ContinuingList[] = [open.shift() as ContinuingList];
  while (open.length > 0 && round.length < Math.max(1, context.batch.maxLists)) {
    const candidate = open[0] as ContinuingList;
    if (activityBatchComplexity(merged([...round, candidate]), context.features) > context.batch.budget)
      break;
    round.push(candidate);
    open.shift();
  }
  return round;
}

function merged(round: readonly ContinuingList[]): ActivityBatch {
  const query = { timelogs: [], pipelines: [], reviewRequests: [], authoredMergeRequests: [] } as {
    [K in 'timelogs' | 'pipelines' | 'reviewRequests' | 'authoredMergeRequests']: NonNullable<
      ActivityBatch[K]
    >[number][];
  };
  for (const list of round) {
    const part = list.part(list.after);
    query.timelogs.push(...(part.timelogs ?? []));
    query.pipelines.push(...(part.pipelines ?? []));
    query.reviewRequests.push(...(part.reviewRequests ?? []));
    query.authoredMergeRequests.push(...(part.authoredMergeRequests ?? []));
  }
  return query;
}

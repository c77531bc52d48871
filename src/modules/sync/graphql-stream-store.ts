import {
  type ActivityBatch,
  type ActivityBatchResult,
  type BatchListName,
  type CursorPage,
  type GitLabTimelog,
  listTimelogs,
} from '../../gitlab/index.ts';
import { runPool } from '../../lib/run-pool.ts';
import type { ActivityRow, StoredActivity } from '../activity/activity.repository.ts';
import { upsertActivities } from '../activity/activity.repository.ts';
import { mapTimelog } from './gitlab-resources.mapper.ts';
import type { Wanted } from './graphql-batches.ts';
import { type ContinuingList, continueLists } from './graphql-continuations.ts';
import {
  factsOfNode,
  type PendingReviewRequests,
  pendingNode,
  reviewRequestRows,
} from './graphql-review-requests.ts';
import type { StreamsContext, StreamsOutcome } from './graphql-streams.ts';
import { pipelineKeeper } from './pipeline-lists.ts';
import { type CursorWrite, saveCursors } from './sync-cursor.repository.ts';
import type { TeammateRef } from './teammate-events.ts';

/**
 * One list of a batch, read page by page. `rows` turns a page into rows (and learns what the page
 * tells about merge requests); `finish` gives the list's cursors once its last page is read, none
 * when it came back incomplete; `part` asks a further page inside a batch, or `rest` yields the
 * pages after the first, calling `broken` when one did not come back whole (its problem is
 * reported), and stops at a page it could not read.
 */
interface ListReader<T> {
  first: CursorPage<T>;
  /** Further pages read together with other lists' (graphql-continuations.ts): this list's part of a batch. */
  part?: { listName: BatchListName; key: string; ask(after: string): ActivityBatch };
  /** Further pages read alone. */
  rest?(after: string, broken: () => void): AsyncIterable<CursorPage<T>>;
  rows(items: readonly T[]): ActivityRow[];
  finish(complete: boolean): CursorWrite[];
}

/**
 * One batch's answer into rows and cursors. The lists' first pages (the batch's answer) are
 * stored in one transaction, with the cursors of the lists that end there. The longer lists then
 * go on together, their next pages asked in one query (graphql-continuations.ts), each page stored
 * as it comes — a team's months of pipelines are never held at once — and a list's cursor written
 * with its last page: a run that stops in between re-reads
 * the list from the old cursor next time, and the pages stored already are upserted again by their
 * natural keys (nothing lost, nothing doubled). Review request lists are handed to `reviews`,
 * stored once every list of the call is read (graphql-review-requests.ts). A list that came back
 * incomplete stores what came and keeps its cursor where it was.
 */
export async function storeBatch(
  context: StreamsContext,
  batch: Wanted[],
  result: ActivityBatchResult,
  outcome: StreamsOutcome,
  reviews: PendingReviewRequests,
): Promise<void> {
  const rows: ActivityRow[] = [];
  const cursors: CursorWrite[] = [];
  const longer: Array<{ reader: ListReader<unknown>; complete: boolean }> = [];
  for (const entry of batch) {
    const reader = readerOf(context, entry, result, outcome, reviews);
    if (!reader) continue;
    const [list, key] = problemKeyOf(entry);
    // A list that did not come back whole keeps its cursor: the next sync reads it again.
    const complete = !result.problems.some((problem) => problem.list === list && problem.key === key);
    rows.push(...reader.rows(reader.first.items));
    if (hasNext(reader.first)) longer.push({ reader, complete });
    else cursors.push(...reader.finish(complete));
  }
  await storeRows(context, rows, cursors);
  rows.length = 0;
  const together: ContinuingList[] = longer.flatMap(({ reader, complete }) =>
    reader.part
      ? [
          {
            listName: reader.part.listName,
            key: reader.part.key,
            part: reader.part.ask,
            rows: reader.rows,
            finish: reader.finish,
            after: reader.first.endCursor as string,
            complete,
          },
        ]
      : [],
  );
  await continueLists(context, together, outcome, (pageRows, pageCursors) =>
    storeRows(context, pageRows, pageCursors),
  );
  const alone = longer.filter(({ reader }) => !reader.part);
  await runPool(alone, 4, ({ reader, complete }) => streamRest(context, reader, complete));
}

/** A list's further pages, each stored as it comes; its cursors with the last one. */
async function streamRest<T>(context: StreamsContext, reader: ListReader<T>, whole: boolean): Promise<void> {
  let complete = whole;
  const broken = () => {
    complete = false;
  };
  if (!reader.rest) return;
  for await (const page of reader.rest(reader.first.endCursor as string, broken)) {
    const rows = reader.rows(page.items);
    await storeRows(context, rows, hasNext(page) ? [] : reader.finish(complete));
  }
}

function hasNext(page: CursorPage<unknown>): page is CursorPage<unknown> & { endCursor: string } {
  return page.hasNextPage && Boolean(page.endCursor);
}

function problemKeyOf(entry: Wanted): [BatchListName, string] {
  if (entry.kind === 'reviews') return ['reviewRequests', entry.wanted.key];
  if (entry.kind === 'authored') return ['authoredMergeRequests', entry.wanted.key];
  if (entry.kind === 'timelogs') return ['timelogs', entry.wanted.key];
  return ['pipelines', entry.wanted.key];
}

function readerOf(
  context: StreamsContext,
  entry: Wanted,
  result: ActivityBatchResult,
  outcome: StreamsOutcome,
  reviews: PendingReviewRequests,
): ListReader<unknown> | undefined {
  if (entry.kind === 'timelogs') {
    const first = result.timelogs.get(entry.wanted.key);
    if (!first) return undefined;
    const username = entry.teammate.username.toLowerCase();
    const reader: ListReader<GitLabTimelog> = {
      first,
      rest: (after, broken) => restOfTimelogs(context, { ...entry.wanted, after }, outcome, broken),
      // GitLab filters by username; re-check, as it ignores arguments it does not know.
      rows: (items) =>
        items
          .filter((node) => node.user.username.toLowerCase() === username)
          .map((node) => ({ ...mapTimelog(node, context), teammateId: entry.teammate.teammateId })),
      finish: (complete) => (complete ? readUntilRunStart(context, entry.teammate, 'timelogs') : []),
    };
    return reader;
  }
  if (entry.kind === 'reviews' || entry.kind === 'authored') {
    const listName = entry.kind === 'reviews' ? 'reviewRequests' : 'authoredMergeRequests';
    const first = result[listName].get(entry.wanted.key);
    if (!first) return undefined;
    const pending = { teammate: entry.teammate, nodes: [] as ReturnType<typeof pendingNode>[] };
    if (entry.kind === 'reviews') reviews.lists.push(pending);
    return {
      first,
      part: {
        listName,
        key: entry.wanted.key,
        ask: (cursor) => ({ [listName]: [{ ...entry.wanted, after: cursor }] }),
      },
      rows: (items) => {
        for (const node of items as typeof first.items) {
          // What the lists say about each MR spares the events a REST call for it.
          context.issuables.prime(factsOfNode(node));
          if (entry.kind === 'reviews') pending.nodes.push(pendingNode(node));
        }
        return [];
      },
      finish: (complete) => {
        if (!complete) return [];
        if (entry.kind === 'authored')
          return readUntilRunStart(context, entry.teammate, 'authored_merge_requests');
        // A review list's cursor moves with its rows, once they are stored.
        reviews.cursors.push(...readUntilRunStart(context, entry.teammate, 'review_requests'));
        return [];
      },
    };
  }
  const first = result.pipelines.get(entry.wanted.key);
  if (!first) return undefined;
  const { key, fullPath, updatedAfter } = entry.wanted;
  const list = entry.kind === 'pipelines' ? entry.wanted : { key, fullPath, updatedAfter };
  const keeper = pipelineKeeper(context, entry);
  return {
    first,
    part: { listName: 'pipelines', key, ask: (cursor) => ({ pipelines: [{ ...list, after: cursor }] }) },
    rows: keeper.rows,
    finish: keeper.finish,
  };
}

function readUntilRunStart(context: StreamsContext, teammate: TeammateRef, resource: string): CursorWrite[] {
  return [{ scope: teammate.teammateId, resource, position: context.runStartedAt, token: null }];
}

async function* restOfTimelogs(
  context: StreamsContext,
  wanted: Parameters<typeof listTimelogs>[1],
  outcome: StreamsOutcome,
  broken: () => void,
): AsyncGenerator<CursorPage<GitLabTimelog>> {
  try {
    yield* listTimelogs(context.client, wanted);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'GITLAB_TIMELOGS_UNAVAILABLE') {
      outcome.timelogsUnavailable = true;
      broken();
      return;
    }
    throw error;
  }
}

/** The pass's review requests and their lists' cursors, in one transaction. */
export async function storeReviewRequests(
  context: StreamsContext,
  pending: PendingReviewRequests,
): Promise<void> {
  if (pending.lists.length === 0 && pending.cursors.length === 0) return;
  await storeRows(context, await reviewRequestRows(context, pending.lists), pending.cursors);
  pending.lists.length = 0;
  pending.cursors.length = 0;
}

/** Rows and cursors in one transaction; the run counts what was stored. */
async function storeRows(
  context: StreamsContext,
  rows: ActivityRow[],
  cursors: CursorWrite[],
): Promise<void> {
  if (rows.length === 0 && cursors.length === 0) return;
  await context.transaction(async (em) => {
    const stored = await upsertActivities(
      em,
      { workspaceId: context.workspaceId, dataSourceId: context.dataSourceId },
      rows,
    );
    await saveCursors(em, context.dataSourceId, cursors);
    const byTeammate = new Map<string, StoredActivity[]>();
    for (const row of stored)
      byTeammate.set(row.teammateId, [...(byTeammate.get(row.teammateId) ?? []), row]);
    for (const [teammateId, list] of byTeammate) context.onStored(teammateId, list);
  });
}

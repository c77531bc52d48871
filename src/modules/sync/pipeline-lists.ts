import type { GitLabPipelineNode } from '../../gitlab/index.ts';
import type { ActivityRow } from '../activity/activity.repository.ts';
import { mapPipeline } from './gitlab-resources.mapper.ts';
import type { Wanted } from './graphql-batches.ts';
import type { PipelineInterest, StreamsContext } from './graphql-streams.ts';
import { type CursorWrite, cursorKey } from './sync-cursor.repository.ts';
import type { TeammateRef } from './teammate-events.ts';

/**
 * Pipelines of the projects teammates work in. A (teammate, project) cursor says how far that
 * teammate's pipelines there are stored: `position` the newest `updatedAt` seen (how recently
 * they worked there, see pipelineInterests), `token` `through:<time>` — every pipeline of theirs
 * updated before that time is stored. Once every teammate of a project is read through a time,
 * the project is read as ONE list of everyone's pipelines updated since the earliest of those
 * times (GitLab cannot filter by several users), kept for the teammates who work there: a quiet
 * project costs a few points of query complexity instead of one list per teammate.
 */
const THROUGH = 'through:';

/**
 * The read-through time stops this far before the run began: our clock against GitLab's, and a
 * pipeline saved just before the run began whose transaction commits after the list was read.
 */
export const PIPELINE_OVERLAP_MS = 2 * 60_000;

/**
 * A teammate read through longer ago than this (syncs paused, interest back after a while) is
 * read alone, filtered by username: everyone's pipelines of that long would cost more. Two days:
 * a once-a-day SYNC_CRON stays on the shared list.
 */
export const PROJECT_WIDE_MAX_AGE_MS = 48 * 3_600_000;

export function readThroughOf(token: string | null | undefined): Date | undefined {
  if (!token?.startsWith(THROUGH)) return undefined;
  const at = Date.parse(token.slice(THROUGH.length));
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** The lists to ask for these interests: project-wide where every teammate there has a read-through time. */
export function pipelineWanted(context: StreamsContext, interests: readonly PipelineInterest[]): Wanted[] {
  const wanted: Wanted[] = [];
  const byProject = new Map<string, PipelineInterest[]>();
  for (const interest of interests)
    byProject.set(interest.projectPath, [...(byProject.get(interest.projectPath) ?? []), interest]);
  for (const [fullPath, list] of byProject) {
    const projectId = context.projects.idOf(fullPath);
    const through = new Map<PipelineInterest, number>();
    for (const interest of list) {
      const cursor = context.cursors.get(cursorKey(interest.teammate.teammateId, `pipelines:${fullPath}`));
      const time = readThroughOf(cursor?.token);
      if (time && context.runStartedAt.getTime() - time.getTime() <= PROJECT_WIDE_MAX_AGE_MS)
        through.set(interest, time.getTime());
    }
    // A re-read from a date, an unknown project id, a teammate not read through lately: their own list.
    const own = list.filter((interest) => context.since || projectId === undefined || !through.has(interest));
    wanted.push(...own.map((interest) => pairWanted(context, interest)));
    const shared = list.filter((interest) => !own.includes(interest));
    if (shared.length === 0 || projectId === undefined) continue;
    wanted.push({
      kind: 'projectPipelines',
      teammates: shared.map(({ teammate }) => teammate),
      wanted: {
        key: `project\u0000${fullPath}`,
        fullPath,
        projectId,
        updatedAfter: new Date(Math.min(...through.values())).toISOString(),
      },
    });
  }
  return wanted;
}

function pairWanted(context: StreamsContext, { teammate, projectPath }: PipelineInterest): Wanted {
  const cursor = context.cursors.get(cursorKey(teammate.teammateId, `pipelines:${projectPath}`));
  const after = context.since ?? cursor?.position ?? context.firstSyncFrom;
  return {
    kind: 'pipelines',
    teammate,
    wanted: {
      key: `${teammate.teammateId}\u0000${projectPath}`,
      fullPath: projectPath,
      username: teammate.username,
      updatedAfter: after.toISOString(),
    },
  };
}

/**
 * One pipelines list, page by page: `rows` maps a page as it comes (its rows are stored before
 * the next page is asked for), `finish` gives the list's cursors once its last page is read — none
 * when the list came back incomplete, so the next sync reads it again from the same point.
 */
export function pipelineKeeper(
  context: StreamsContext,
  entry: Extract<Wanted, { kind: 'pipelines' | 'projectPipelines' }>,
): { rows(items: readonly GitLabPipelineNode[]): ActivityRow[]; finish(complete: boolean): CursorWrite[] } {
  const { fullPath, updatedAfter } = entry.wanted;
  const teammates: readonly TeammateRef[] = entry.kind === 'pipelines' ? [entry.teammate] : entry.teammates;
  const byUsername = new Map(teammates.map((teammate) => [teammate.username.toLowerCase(), teammate]));
  const newest = new Map<string, number>();
  return {
    rows(items) {
      const rows: ActivityRow[] = [];
      for (const node of items) {
        // A teammate's own list may name nobody (GitLab hides the user); everyone's list must name them.
        const teammate = node.user
          ? byUsername.get(node.user.username.toLowerCase())
          : entry.kind === 'pipelines'
            ? entry.teammate
            : undefined;
        if (!teammate) continue;
        rows.push({ ...mapPipeline(node, fullPath, context), teammateId: teammate.teammateId });
        const at = Date.parse(node.updatedAt ?? node.createdAt);
        newest.set(teammate.teammateId, Math.max(newest.get(teammate.teammateId) ?? at, at));
      }
      return rows;
    },
    finish(complete) {
      if (!complete) return [];
      const through = `${THROUGH}${new Date(context.runStartedAt.getTime() - PIPELINE_OVERLAP_MS).toISOString()}`;
      return teammates.map((teammate) => {
        const seen = newest.get(teammate.teammateId);
        // A teammate's own list read from a date moves their position there (nothing newer = not
        // active lately); in everyone's list, a teammate without pipelines keeps theirs (null).
        const position =
          entry.kind === 'pipelines'
            ? Math.max(Date.parse(updatedAfter), seen ?? Number.NEGATIVE_INFINITY)
            : seen;
        return {
          scope: teammate.teammateId,
          resource: `pipelines:${fullPath}`,
          position: position === undefined ? null : new Date(position),
          token: through,
        };
      });
    },
  };
}

import { countProjectPipelines, type GitLabPipelineNode } from '../../gitlab/index.ts';
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
 * project costs a few points of query complexity instead of one list per teammate. Teammates
 * with no such time (a first sync) are read the same way when the project's whole list, counted
 * first, has no more pages than their own lists would take.
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

/**
 * Teammates reading a project's pipelines on their own (a first sync, a long pause) each cost at
 * least one list; the project's one list of everyone's pipelines costs its pages. Counting them
 * takes a request, worth it once this many own lists could be saved.
 */
export const OWN_LISTS_WORTH_COUNTING = 12;
const PAGE = 100;

interface ProjectPlan {
  fullPath: string;
  projectId: number | undefined;
  /** Read alone from their start: no read-through time, or a stale one. */
  own: PipelineInterest[];
  /** Read through lately: on the project's shared list from their read-through time. */
  shared: PipelineInterest[];
  through: Map<PipelineInterest, number>;
}

/**
 * The lists to ask for these interests: project-wide where every teammate there has a recent
 * read-through time, and where many teammates would read alone but the project's whole list has
 * no more pages than they have lists (its count asked first).
 */
export async function pipelineWanted(
  context: StreamsContext,
  interests: readonly PipelineInterest[],
): Promise<Wanted[]> {
  const plans = planProjects(context, interests);
  const whole = await projectsCheaperWhole(context, plans);
  const wanted: Wanted[] = [];
  for (const plan of plans) {
    const { fullPath, projectId, own, shared, through } = plan;
    if (projectId !== undefined && whole.has(plan)) {
      const starts = new Map(
        own.map((interest) => [interest.teammate.teammateId, startOf(context, interest)]),
      );
      wanted.push(projectWanted(fullPath, projectId, [...own, ...shared], wholeFrom(context, plan), starts));
      continue;
    }
    wanted.push(...own.map((interest) => pairWanted(context, interest)));
    if (shared.length > 0 && projectId !== undefined)
      wanted.push(projectWanted(fullPath, projectId, shared, Math.min(...through.values())));
  }
  return wanted;
}

function planProjects(context: StreamsContext, interests: readonly PipelineInterest[]): ProjectPlan[] {
  const byProject = new Map<string, PipelineInterest[]>();
  for (const interest of interests)
    byProject.set(interest.projectPath, [...(byProject.get(interest.projectPath) ?? []), interest]);
  return [...byProject].map(([fullPath, list]) => {
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
    const shared = list.filter((interest) => !own.includes(interest));
    return { fullPath, projectId, own, shared, through };
  });
}

/**
 * Projects whose one list of everyone's pipelines, from the earliest start of its teammates, has
 * no more pages than the lists it replaces. Counted only when enough own lists are at stake; a
 * count GitLab does not give leaves the lists as they were.
 */
async function projectsCheaperWhole(
  context: StreamsContext,
  plans: readonly ProjectPlan[],
): Promise<Set<ProjectPlan>> {
  const candidates = plans.filter(
    (plan) => !context.since && plan.projectId !== undefined && plan.own.length >= 2,
  );
  const whole = new Set<ProjectPlan>();
  if (candidates.reduce((sum, plan) => sum + plan.own.length, 0) < OWN_LISTS_WORTH_COUNTING) return whole;
  const groups = new Map<string, number[]>();
  for (const plan of candidates) {
    const from = new Date(wholeFrom(context, plan)).toISOString();
    groups.set(from, [...(groups.get(from) ?? []), plan.projectId!]);
  }
  let counts: Map<number, number>;
  try {
    counts = await countProjectPipelines(
      context.client,
      [...groups].map(([updatedAfter, projectIds]) => ({ updatedAfter, projectIds })),
    );
  } catch {
    // Only a saving: the teammates' own lists read the same pipelines.
    return whole;
  }
  for (const plan of candidates) {
    const count = counts.get(plan.projectId!);
    const lists = plan.own.length + (plan.shared.length > 0 ? 1 : 0);
    if (count !== undefined && Math.ceil(count / PAGE) <= lists) whole.add(plan);
  }
  return whole;
}

function projectWanted(
  fullPath: string,
  projectId: number,
  interests: readonly PipelineInterest[],
  from: number,
  starts?: ReadonlyMap<string, number>,
): Wanted {
  return {
    kind: 'projectPipelines',
    teammates: interests.map(({ teammate }) => teammate),
    wanted: {
      key: `project\u0000${fullPath}`,
      fullPath,
      projectId,
      updatedAfter: new Date(from).toISOString(),
      ...(starts ? { starts } : {}),
    },
  };
}

/** Where the project's whole list starts: the earliest start of the teammates it stands for. */
function wholeFrom(context: StreamsContext, plan: ProjectPlan): number {
  return Math.min(...plan.own.map((interest) => startOf(context, interest)), ...plan.through.values());
}

/** Where a teammate's own list of a project starts. */
function startOf(context: StreamsContext, { teammate, projectPath }: PipelineInterest): number {
  const cursor = context.cursors.get(cursorKey(teammate.teammateId, `pipelines:${projectPath}`));
  return (context.since ?? cursor?.position ?? context.firstSyncFrom).getTime();
}

function pairWanted(context: StreamsContext, interest: PipelineInterest): Wanted {
  const { teammate, projectPath } = interest;
  const after = new Date(startOf(context, interest));
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
        // A teammate read with everyone in place of an own list moves as that list would have.
        const start =
          entry.kind === 'pipelines'
            ? Date.parse(updatedAfter)
            : entry.wanted.starts?.get(teammate.teammateId);
        const position = start === undefined ? seen : Math.max(start, seen ?? Number.NEGATIVE_INFINITY);
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

import { type GitLabEvent, listUserEvents } from '../../gitlab/index.ts';
import { readAhead } from '../../lib/read-ahead.ts';
import { type ActivityRow, upsertActivities } from '../activity/activity.repository.ts';
import type { ActivityDraft } from '../activity/activity-draft.ts';
import { setReviewTime } from '../activity/review-time.repository.ts';
import { groupPushes } from './event-follow-ups.ts';
import {
  type MapContext,
  type MergeRequestFacts,
  mapEvent,
  mergeRequestOf,
  mergeRequestRef,
  reviewedMergeRequestOf,
} from './gitlab-activity.mapper.ts';
import {
  mapCommit,
  mapPushHead,
  mapReviewRequest,
  projectPathFromWebUrl,
} from './gitlab-resources.mapper.ts';
import type { ProjectDirectory } from './project-directory.ts';
import type { ReviewRequest } from './review-request-notes.ts';
import { placeReviewTime } from './review-time-placement.ts';
import { type CursorWrite, cursorKey, saveCursors } from './sync-cursor.repository.ts';
import type { SyncRunContext } from './sync-run-context.ts';

/**
 * One teammate's contribution events, page by page: each page's activities are upserted and the
 * teammate's `events` cursor advanced in ONE transaction, so a crash between pages loses nothing
 * (the next run starts from the last stored page) and duplicates nothing (natural keys).
 */
export interface TeammateRef {
  teammateId: string;
  slackUserId: string;
  username: string;
  userId: number;
}

export interface EventsSyncOutcome {
  /** Projects the teammate pushed to or worked on an MR in during the window (for pipelines). */
  activeProjects: Set<number>;
  eventsRead: number;
  /** Whether the whole stream was read (false when stopped by the signal). */
  complete: boolean;
}

const DAY_MS = 86_400_000;

/**
 * `after` is an exclusive whole day in the SERVER's time zone: after = D means from D+1 00:00
 * there, which west of UTC is hours after D+1 00:00 UTC. Asking one day wider (D - 2 for a window
 * starting on UTC day D) covers every zone; the events are then filtered by their exact time.
 */
export function eventsAfterParam(from: Date): string {
  return new Date(from.getTime() - 2 * DAY_MS).toISOString().slice(0, 10);
}

export async function syncTeammateEvents(
  context: SyncRunContext,
  teammate: TeammateRef,
): Promise<EventsSyncOutcome> {
  const cursor = context.cursors.get(cursorKey(teammate.teammateId, 'events'));
  const from = context.since ?? cursor?.position ?? context.firstSyncFrom;
  // Events up to this id are stored already (a re-read of the cursor's day skips them for free).
  const storedUpTo = !context.since && cursor?.token ? Number(cursor.token) : undefined;
  const outcome: EventsSyncOutcome = { activeProjects: new Set(), eventsRead: 0, complete: false };
  // A `since` re-read never lowers the stored high-water mark.
  let lastId = cursor?.token ? Number(cursor.token) : undefined;

  // https://docs.gitlab.com/api/events/#get-contribution-events-for-a-user
  // The next page is asked for while this one is mapped and stored (readAhead).
  for await (const page of readAhead(
    listUserEvents(context.client, teammate.userId, { after: eventsAfterParam(from) }),
  )) {
    const fresh = page.items.filter((event) =>
      storedUpTo !== undefined ? event.id > storedUpTo : Date.parse(event.created_at) >= from.getTime(),
    );
    outcome.eventsRead += fresh.length;
    // Pipelines run on pushes, merges and MRs (also an MR from a fork, whose pipeline runs in the
    // target project): the projects of those events are worth asking about.
    for (const event of fresh)
      if (event.project_id && (event.push_data || event.target_type === 'MergeRequest'))
        outcome.activeProjects.add(event.project_id);
    const drafts = await draftsOfPage(context, teammate, fresh);
    const pageLast = fresh.reduce((max, event) => Math.max(max, event.id), lastId ?? 0);
    const pagePosition = fresh.reduce(
      (max, event) => Math.max(max, Date.parse(event.created_at)),
      from.getTime(),
    );
    await context.transaction(async (em) => {
      const reviewUpdates = await placeReviewTime(em, context, teammate.teammateId, drafts);
      const stored = await upsertActivities(
        em,
        { workspaceId: context.workspaceId, dataSourceId: context.dataSourceId },
        drafts.map((entry): ActivityRow => ({ ...entry, teammateId: teammate.teammateId })),
      );
      await setReviewTime(em, context.workspaceId, reviewUpdates);
      const cursors: CursorWrite[] = [
        ...context.projects.takeUnsaved(),
        // Where the teammate pushed, pipelines are worth asking about: remembered now, so a run
        // stopped before reading pipelines still reads them next time (position null = never read).
        ...pushedPaths(fresh, context.projects).map((path) => ({
          scope: teammate.teammateId,
          resource: `pipelines:${path}`,
          position: null,
          token: null,
        })),
        {
          scope: teammate.teammateId,
          resource: 'events',
          position: new Date(pagePosition),
          token: pageLast > 0 ? String(pageLast) : null,
        },
      ];
      await saveCursors(em, context.dataSourceId, cursors);
      context.onStored(teammate.teammateId, stored);
    });
    lastId = pageLast > 0 ? pageLast : lastId;
    if (context.signal?.aborted) return outcome;
  }
  // The whole stream is read: next time, start from the day this run began.
  await context.transaction((em) =>
    saveCursors(em, context.dataSourceId, [
      { scope: teammate.teammateId, resource: 'events', position: context.runStartedAt, token: null },
    ]),
  );
  outcome.complete = true;
  return outcome;
}

async function draftsOfPage(
  context: SyncRunContext,
  teammate: TeammateRef,
  events: GitLabEvent[],
): Promise<ActivityDraft[]> {
  if (events.length === 0) return [];
  const { projects } = context;
  const mergeRequests = new Map<string, MergeRequestFacts>();
  let issuesCreated = new Map<string, string>();
  const mapContext: MapContext = {
    host: context.host,
    baseUrl: context.baseUrl,
    projectPath: (id) => projects.get(id),
    mergeRequest: (projectId, iid) => mergeRequests.get(mergeRequestRef(projectId, iid)),
    issueCreatedAt: (projectId, iid) => issuesCreated.get(mergeRequestRef(projectId, iid)),
  };

  // Merge request facts, one listing per project (most known already from the GraphQL lists);
  // commits out of the run's listing of each project (project-commits.ts). In parallel.
  const wantedByProject = new Map<number, Set<number>>();
  for (const event of events) {
    const mr = mergeRequestOf(event);
    if (!mr) continue;
    const set = wantedByProject.get(mr.projectId) ?? new Set<number>();
    set.add(mr.iid);
    wantedByProject.set(mr.projectId, set);
  }
  const pushGroups = groupPushes(events);
  const [, commitLists] = await Promise.all([
    Promise.all(
      [...wantedByProject].map(async ([projectId, iids]) => {
        for (const facts of await context.issuables.facts(projectId, [...iids])) {
          mergeRequests.set(mergeRequestRef(facts.projectId, facts.iid), facts);
          projects.learn(facts.projectId, projectPathFromWebUrl(facts.webUrl, context.baseUrl));
        }
      }),
    ),
    Promise.all(pushGroups.map((group) => context.commits.ofPush(group))),
  ]);
  for (const [index, commits] of commitLists.entries()) {
    const group = pushGroups[index]!;
    const first = commits?.[0];
    if (first) projects.learn(group.projectId, projectPathFromWebUrl(first.web_url, context.baseUrl));
  }
  await projects.resolve(events.map((event) => event.project_id).filter((id) => typeof id === 'number'));

  const drafts: ActivityDraft[] = [];
  for (const [index, group] of pushGroups.entries()) {
    const commits = commitLists[index];
    const lastEvent = group.events.at(-1)!;
    if (!commits) {
      for (const event of group.events) {
        const head = mapPushHead(event, mapContext);
        if (head) drafts.push(head);
      }
      continue;
    }
    for (const commit of commits) {
      drafts.push(
        mapCommit(
          commit,
          {
            projectId: group.projectId,
            projectPath: projects.get(group.projectId) ?? null,
            ref: group.ref,
            pushEventId: lastEvent.id,
          },
          mapContext,
        ),
      );
    }
  }

  // When the page's opened issues were created (an opening or a re-open?) and whether review was
  // requested of the teammate on the MRs they review here: asked together (batched GraphQL, shared
  // by the run), known before mapping so the mapper returns finished activities.
  const reviewedRefs = [
    ...new Set(
      events.flatMap((event) => {
        const mr = reviewedMergeRequestOf(event, mapContext);
        return mr ? [mergeRequestRef(mr.projectId, mr.iid)] : [];
      }),
    ),
  ];
  const requests = new Map<string, ReviewRequest>();
  [issuesCreated] = await Promise.all([
    context.issuables.issueCreationTimes(events),
    Promise.all(
      reviewedRefs.map(async (ref) => {
        const [projectId, iid] = ref.split('!').map(Number) as [number, number];
        requests.set(ref, await context.issuables.reviewRequest(projectId, iid, teammate));
      }),
    ),
  ]);
  mapContext.reviewRequestedAt = (projectId, iid) => requests.get(mergeRequestRef(projectId, iid))?.at;

  for (const event of events) {
    const mapped = mapEvent(event, mapContext);
    if (mapped) drafts.push(mapped);
  }
  for (const ref of reviewedRefs) {
    const request = requests.get(ref);
    const facts = mergeRequests.get(ref);
    if (request?.requested && request.at && facts) {
      drafts.push(mapReviewRequest(facts, { userId: teammate.userId, requestedAt: request.at }, mapContext));
    }
  }
  return drafts;
}

function pushedPaths(events: GitLabEvent[], projects: ProjectDirectory): string[] {
  const paths = new Set<string>();
  for (const event of events) {
    const path = event.push_data && event.project_id ? projects.get(event.project_id) : undefined;
    if (path) paths.add(path);
  }
  return [...paths];
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { type GitLabEvent, listUserEvents } from '../../gitlab/index.ts';
import {
  type ActivityRow,
  findReviewActions,
  setReviewTime,
  upsertActivities,
} from '../activity/activity.repository.ts';
import type { ActivityDraft } from '../activity/activity-draft.ts';
import { groupPushes, issueCreationTimes } from './event-follow-ups.ts';
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
import { assignReviewTime, type ReviewAction } from './review-time.ts';
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
  for await (const page of listUserEvents(context.client, teammate.userId, {
    after: eventsAfterParam(from),
  })) {
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
      const reviewUpdates = await placeReviewTime(em, context, teammate, drafts);
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
  const { client, projects } = context;
  const mergeRequests = new Map<string, MergeRequestFacts>();
  const mapContext: MapContext = {
    host: context.host,
    baseUrl: context.baseUrl,
    projectPath: (id) => projects.get(id),
    mergeRequest: (projectId, iid) => mergeRequests.get(mergeRequestRef(projectId, iid)),
    issueCreatedAt: (projectId, iid) => issuesCreated.get(mergeRequestRef(projectId, iid)),
  };
  const issuesCreated = new Map<string, string>();

  // Merge request facts, one listing per project; commits out of the run's listing of each project
  // (project-commits.ts). In parallel.
  const wantedByProject = new Map<number, Set<number>>();
  for (const event of events) {
    const mr = mergeRequestOf(event);
    if (!mr) continue;
    const set = wantedByProject.get(mr.projectId) ?? new Set<number>();
    set.add(mr.iid);
    wantedByProject.set(mr.projectId, set);
  }
  const pushGroups = groupPushes(events);
  const [, , commitLists] = await Promise.all([
    issueCreationTimes(client, events).then((found) => {
      for (const [ref, at] of found) issuesCreated.set(ref, at);
    }),
    Promise.all(
      [...wantedByProject].map(async ([projectId, iids]) => {
        for (const facts of await context.mergeRequests.facts(projectId, [...iids])) {
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

  // Review requests: only for MRs the teammate reviews on this page (reviewers asked once per MR
  // per run), known before mapping so the mapper returns finished activities.
  const reviewedRefs = [
    ...new Set(
      events.flatMap((event) => {
        const mr = reviewedMergeRequestOf(event, mapContext);
        return mr ? [mergeRequestRef(mr.projectId, mr.iid)] : [];
      }),
    ),
  ];
  const requests = new Map<string, { requested: boolean; at: string | null }>();
  await Promise.all(
    reviewedRefs.map(async (ref) => {
      const [projectId, iid] = ref.split('!').map(Number) as [number, number];
      requests.set(ref, await context.mergeRequests.reviewRequest(projectId, iid, teammate.userId));
    }),
  );
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

/**
 * Review time for every MR the page's review actions touch, computed over the stored actions and
 * the new ones together: new drafts get their fields set before the upsert; stored rows that must
 * gain or lose them are returned as updates.
 */
async function placeReviewTime(
  em: EntityManager,
  context: SyncRunContext,
  teammate: TeammateRef,
  drafts: ActivityDraft[],
): Promise<Array<{ naturalKey: string; durationSeconds: number | null; pickupSeconds: number | null }>> {
  const reviewDrafts = drafts.filter(
    (entry) =>
      (entry.kind === 'mr_commented' || entry.kind === 'mr_approved') &&
      entry.isReview &&
      entry.mergeRequestRef !== null,
  );
  if (reviewDrafts.length === 0) return [];
  const refs = [...new Set(reviewDrafts.map((entry) => entry.mergeRequestRef as string))];
  const stored = await findReviewActions(
    em,
    { workspaceId: context.workspaceId, teammateId: teammate.teammateId },
    refs,
  );
  const updates: Array<{ naturalKey: string; durationSeconds: number | null; pickupSeconds: number | null }> =
    [];
  for (const ref of refs) {
    const fresh = reviewDrafts.filter((entry) => entry.mergeRequestRef === ref);
    const freshKeys = new Set(fresh.map((entry) => entry.naturalKey));
    const actions: ReviewAction[] = [
      ...stored
        .filter((row) => row.mergeRequest === ref && !freshKeys.has(row.naturalKey))
        .map((row) => ({
          naturalKey: row.naturalKey,
          kind: row.kind,
          occurredAt: row.occurredAt,
          requestedAt: row.requestedAt,
          openedAt: row.openedAt,
        })),
      ...fresh.map((entry) => ({
        naturalKey: entry.naturalKey,
        kind: entry.kind as ReviewAction['kind'],
        occurredAt: entry.occurredAt,
        requestedAt: entry.reviewRequestedAt,
        openedAt: entry.mrCreatedAt,
      })),
    ];
    const assigned = assignReviewTime(actions);
    for (const [naturalKey, time] of assigned) {
      const durationSeconds = time ? time.effortSeconds : null;
      const pickupSeconds = time ? time.pickupSeconds : null;
      const draftEntry = fresh.find((entry) => entry.naturalKey === naturalKey);
      if (draftEntry) {
        draftEntry.durationSeconds = durationSeconds;
        draftEntry.pickupSeconds = pickupSeconds;
      } else {
        updates.push({ naturalKey, durationSeconds, pickupSeconds });
      }
    }
  }
  return updates;
}

function pushedPaths(events: GitLabEvent[], projects: ProjectDirectory): string[] {
  const paths = new Set<string>();
  for (const event of events) {
    const path = event.push_data && event.project_id ? projects.get(event.project_id) : undefined;
    if (path) paths.add(path);
  }
  return [...paths];
}

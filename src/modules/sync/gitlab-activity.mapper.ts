import type { GitLabCommit, GitLabEvent, GitLabPipelineNode, GitLabTimelog } from '../../gitlab/index.ts';
import { type ActivityDraft, draft } from '../activity/activity-draft.ts';
import { jiraKeysFrom } from '../activity/jira-keys.ts';

/**
 * Raw GitLab objects → activity drafts. Pure: everything a mapping needs that is not in the raw
 * object (project paths, merge request facts) comes in through the context.
 *
 * Natural keys start with `gitlab:<host>:` and name the actor for kinds several people can do to
 * one target (closing, approving, being asked to review), so two people's actions never collide.
 */

/** What the sync learnt about a merge request (from the MR list or the commits' web URLs). */
export interface MergeRequestFacts {
  projectId: number;
  iid: number;
  title: string;
  webUrl: string;
  sourceBranch: string | null;
  createdAt: string;
  authorId: number | null;
}

export interface MapContext {
  /** Host (with port) of the GitLab, for natural keys. */
  host: string;
  /** Web base URL without /api/v4. */
  baseUrl: string;
  projectPath(projectId: number): string | undefined;
  mergeRequest(projectId: number, iid: number): MergeRequestFacts | undefined;
  /** When the actor's review of this merge request was requested, when known. */
  reviewRequestedAt?(projectId: number, iid: number): string | null | undefined;
  /** When an issue was created (to tell a re-open from the opening); undefined when unknown. */
  issueCreatedAt?(projectId: number, iid: number): string | undefined;
}

/**
 * GitLab names a re-open `opened` too: an `opened` event this long after its target was created
 * is a re-open, not an opening (the opening's own event is written as the target is created).
 */
export const REOPEN_AFTER_MS = 5 * 60_000;

export function isReopen(eventAt: string, targetCreatedAt: string | undefined | null): boolean {
  if (!targetCreatedAt) return false;
  return Date.parse(eventAt) - Date.parse(targetCreatedAt) > REOPEN_AFTER_MS;
}

const NOTE_TARGETS = new Set(['Note', 'DiffNote', 'DiscussionNote']);
const ISSUE_TYPES = new Set(['Issue', 'WorkItem']);

export function isNoteEvent(event: GitLabEvent): boolean {
  return NOTE_TARGETS.has(event.target_type ?? '') && !!event.note && event.note.system !== true;
}

export function mergeRequestRef(projectId: number, iid: number): string {
  return `${projectId}!${iid}`;
}

/** The merge request an event is about (its target, or the noteable of a comment), if any. */
export function mergeRequestOf(event: GitLabEvent): { projectId: number; iid: number } | undefined {
  const projectId = event.project_id;
  if (projectId === null || projectId === undefined) return undefined;
  if (event.target_type === 'MergeRequest' && event.target_iid !== null) {
    return { projectId, iid: event.target_iid };
  }
  if (isNoteEvent(event) && event.note?.noteable_type === 'MergeRequest' && event.note.noteable_iid) {
    return { projectId, iid: event.note.noteable_iid };
  }
  return undefined;
}

/**
 * The merge request an event reviews: an approval or a comment on someone else's MR (an MR whose
 * author is not known yet counts as someone else's).
 */
export function reviewedMergeRequestOf(
  event: GitLabEvent,
  context: Pick<MapContext, 'mergeRequest'>,
): { projectId: number; iid: number } | undefined {
  const mr = mergeRequestOf(event);
  if (!mr) return undefined;
  const reviewing =
    isNoteEvent(event) || (event.target_type === 'MergeRequest' && event.action_name === 'approved');
  if (!reviewing) return undefined;
  const facts = context.mergeRequest(mr.projectId, mr.iid);
  return facts && facts.authorId === event.author_id ? undefined : mr;
}

function webPath(context: MapContext, projectId: number, suffix: string): string | null {
  const path = context.projectPath(projectId);
  return path ? `${context.baseUrl}/${path}/-/${suffix}` : null;
}

const MR_ACTIONS: Record<string, 'mr_opened' | 'mr_merged' | 'mr_closed' | 'mr_approved'> = {
  opened: 'mr_opened',
  accepted: 'mr_merged',
  merged: 'mr_merged',
  closed: 'mr_closed',
  approved: 'mr_approved',
};

/**
 * One contribution event → an activity, or undefined for events that are not activities we keep
 * (pushes are mapped from their commits; joined, deleted, wiki edits… are ignored).
 */
export function mapEvent(event: GitLabEvent, context: MapContext): ActivityDraft | undefined {
  const projectId = event.project_id ?? null;
  if (projectId === null) return undefined;
  const actor = event.author_id;
  const occurredAt = new Date(event.created_at);
  const project = context.projectPath(projectId) ?? null;
  const base = `gitlab:${context.host}`;
  const common = { eventId: event.id, projectId, actorId: actor };

  if (event.target_type === 'MergeRequest' && event.target_iid !== null) {
    const kind = MR_ACTIONS[event.action_name];
    if (!kind) return undefined;
    const iid = event.target_iid;
    const facts = context.mergeRequest(projectId, iid);
    if (kind === 'mr_opened' && isReopen(event.created_at, facts?.createdAt)) return undefined;
    const title = facts?.title ?? event.target_title ?? `!${iid}`;
    const perActor = kind === 'mr_closed' || kind === 'mr_approved' ? `:${actor}` : '';
    return draft({
      kind,
      naturalKey: `${base}:${kind}:${projectId}:${iid}${perActor}`,
      occurredAt,
      title,
      url: facts?.webUrl ?? webPath(context, projectId, `merge_requests/${iid}`),
      project,
      jiraKeys: jiraKeysFrom({ branches: [facts?.sourceBranch], texts: [title] }),
      mergeRequestRef: mergeRequestRef(projectId, iid),
      ...(kind === 'mr_approved' ? reviewFacts(context, projectId, iid, actor) : {}),
      payload: {
        ...common,
        iid,
        ...(facts?.sourceBranch ? { sourceBranch: facts.sourceBranch } : {}),
        ...(facts?.authorId !== undefined && facts.authorId !== null ? { mrAuthorId: facts.authorId } : {}),
      },
    });
  }

  if (ISSUE_TYPES.has(event.target_type ?? '') && event.target_iid !== null) {
    const kind =
      event.action_name === 'opened'
        ? 'issue_opened'
        : event.action_name === 'closed'
          ? 'issue_closed'
          : undefined;
    if (!kind) return undefined;
    const iid = event.target_iid;
    if (kind === 'issue_opened' && isReopen(event.created_at, context.issueCreatedAt?.(projectId, iid))) {
      return undefined;
    }
    const title = event.target_title ?? `#${iid}`;
    return draft({
      kind,
      naturalKey: `${base}:${kind}:${projectId}:${iid}${kind === 'issue_closed' ? `:${actor}` : ''}`,
      occurredAt,
      title,
      url: webPath(context, projectId, `issues/${iid}`),
      project,
      jiraKeys: jiraKeysFrom({ texts: [title] }),
      payload: { ...common, iid, targetType: event.target_type },
    });
  }

  if (isNoteEvent(event) && event.note) {
    const note = event.note;
    const noteableIid = note.noteable_iid ?? null;
    if (noteableIid === null) return undefined;
    if (note.noteable_type === 'MergeRequest') {
      const facts = context.mergeRequest(projectId, noteableIid);
      const title = facts?.title ?? event.target_title ?? `!${noteableIid}`;
      const mrUrl = facts?.webUrl ?? webPath(context, projectId, `merge_requests/${noteableIid}`);
      return draft({
        kind: 'mr_commented',
        naturalKey: `${base}:note:${note.id}`,
        occurredAt: new Date(note.created_at),
        title,
        url: mrUrl ? `${mrUrl}#note_${note.id}` : null,
        project,
        jiraKeys: jiraKeysFrom({ branches: [facts?.sourceBranch], texts: [title] }),
        mergeRequestRef: mergeRequestRef(projectId, noteableIid),
        ...reviewFacts(context, projectId, noteableIid, actor),
        payload: {
          ...common,
          noteId: note.id,
          noteType: note.type ?? null,
          iid: noteableIid,
          body: clip(note.body, 500),
          ...(facts?.authorId !== undefined && facts.authorId !== null ? { mrAuthorId: facts.authorId } : {}),
        },
      });
    }
    if (ISSUE_TYPES.has(note.noteable_type)) {
      const title = event.target_title ?? `#${noteableIid}`;
      const issueUrl = webPath(context, projectId, `issues/${noteableIid}`);
      return draft({
        kind: 'issue_commented',
        naturalKey: `${base}:note:${note.id}`,
        occurredAt: new Date(note.created_at),
        title,
        url: issueUrl ? `${issueUrl}#note_${note.id}` : null,
        project,
        jiraKeys: jiraKeysFrom({ texts: [title] }),
        payload: { ...common, noteId: note.id, iid: noteableIid, body: clip(note.body, 500) },
      });
    }
  }
  return undefined;
}

/** Whether a comment or approval counts as a review (not on one's own MR), and when it could start. */
function reviewFacts(
  context: MapContext,
  projectId: number,
  iid: number,
  actor: number,
): Pick<ActivityDraft, 'isReview' | 'mrCreatedAt' | 'reviewRequestedAt'> {
  const facts = context.mergeRequest(projectId, iid);
  const requestedAt = context.reviewRequestedAt?.(projectId, iid);
  return {
    isReview: !facts || facts.authorId !== actor,
    mrCreatedAt: facts ? new Date(facts.createdAt) : null,
    reviewRequestedAt: requestedAt ? new Date(requestedAt) : null,
  };
}

export interface PushFacts {
  projectId: number;
  projectPath: string | null;
  ref: string | null;
  pushEventId: number;
}

/** A commit the teammate pushed (attributed through the push event, not the git author). */
export function mapCommit(
  commit: GitLabCommit,
  push: PushFacts,
  context: Pick<MapContext, 'host' | 'baseUrl'>,
): ActivityDraft {
  return draft({
    kind: 'commit_pushed',
    naturalKey: `gitlab:${context.host}:commit:${push.projectId}:${commit.id}`,
    occurredAt: new Date(commit.committed_date),
    title: commit.title,
    url: commit.web_url,
    project: push.projectPath ?? projectPathFromWebUrl(commit.web_url, context.baseUrl),
    linesAdded: commit.stats?.additions ?? null,
    linesRemoved: commit.stats?.deletions ?? null,
    jiraKeys: jiraKeysFrom({ branches: [push.ref], texts: [commit.message] }),
    payload: {
      projectId: push.projectId,
      sha: commit.id,
      shortId: commit.short_id,
      ref: push.ref,
      pushEventId: push.pushEventId,
      message: clip(commit.message, 2000),
      authorName: commit.author_name,
      parentCount: commit.parent_ids?.length ?? null,
    },
  });
}

/**
 * The head commit of a push whose commits could not be listed (branch deleted, history rewritten):
 * what the event itself says, without lines ±.
 */
export function mapPushHead(event: GitLabEvent, context: MapContext): ActivityDraft | undefined {
  const push = event.push_data;
  const projectId = event.project_id ?? null;
  if (!push?.commit_to || projectId === null) return undefined;
  const path = context.projectPath(projectId) ?? null;
  const title = push.commit_title ?? push.commit_to.slice(0, 8);
  return draft({
    kind: 'commit_pushed',
    naturalKey: `gitlab:${context.host}:commit:${projectId}:${push.commit_to}`,
    occurredAt: new Date(event.created_at),
    title,
    url: path ? `${context.baseUrl}/${path}/-/commit/${push.commit_to}` : null,
    project: path,
    jiraKeys: jiraKeysFrom({ branches: [push.ref], texts: [push.commit_title] }),
    payload: { projectId, sha: push.commit_to, ref: push.ref, pushEventId: event.id, statsMissing: true },
  });
}

export function mapTimelog(
  node: GitLabTimelog,
  context: Pick<MapContext, 'host' | 'baseUrl'>,
): ActivityDraft {
  const target = node.mergeRequest ?? node.issue ?? null;
  const title = target?.title ?? node.summary ?? 'Time logged';
  const url = target?.webUrl ?? null;
  return draft({
    kind: 'time_logged',
    naturalKey: `gitlab:${context.host}:timelog:${gidNumber(node.id)}`,
    occurredAt: new Date(node.spentAt ?? Date.now()),
    title,
    url,
    project: url ? projectPathFromWebUrl(url, context.baseUrl) : null,
    timeSpentSeconds: node.timeSpent,
    jiraKeys: jiraKeysFrom({ texts: [target?.title, node.summary] }),
    payload: {
      timelogId: node.id,
      summary: node.summary ?? null,
      target: node.mergeRequest ? 'merge_request' : node.issue ? 'issue' : null,
      targetIid: target?.iid ?? null,
    },
  });
}

export function mapPipeline(
  node: GitLabPipelineNode,
  projectPath: string,
  context: Pick<MapContext, 'host' | 'baseUrl'>,
): ActivityDraft {
  const id = gidNumber(node.id);
  const status = node.status.toLowerCase();
  return draft({
    kind: 'pipeline_run',
    naturalKey: `gitlab:${context.host}:pipeline:${projectPath}:${id}`,
    occurredAt: new Date(node.createdAt),
    title: `Pipeline #${id} ${status}${node.ref ? ` on ${node.ref}` : ''}`,
    url: node.path ? `${context.baseUrl}${node.path}` : `${context.baseUrl}/${projectPath}/-/pipelines/${id}`,
    project: projectPath,
    durationSeconds: node.duration === null || node.duration === undefined ? null : Math.round(node.duration),
    jiraKeys: jiraKeysFrom({ branches: [node.ref] }),
    pipelineStatus: status,
    payload: {
      pipelineId: id,
      iid: node.iid,
      status,
      ref: node.ref ?? null,
      sha: node.sha ?? null,
      source: node.source ?? null,
      startedAt: node.startedAt ?? null,
      finishedAt: node.finishedAt ?? null,
    },
  });
}

/** Review requested of the teammate on a merge request (reviewers endpoint `created_at`). */
export function mapReviewRequest(
  facts: MergeRequestFacts,
  reviewer: { userId: number; requestedAt: string; requestedAtUnknown?: boolean },
  context: Pick<MapContext, 'host' | 'baseUrl'>,
): ActivityDraft {
  return draft({
    kind: 'mr_review_requested',
    naturalKey: `gitlab:${context.host}:mr_review_requested:${facts.projectId}:${facts.iid}:${reviewer.userId}`,
    occurredAt: new Date(reviewer.requestedAt),
    title: facts.title,
    url: facts.webUrl,
    project: projectPathFromWebUrl(facts.webUrl, context.baseUrl),
    jiraKeys: jiraKeysFrom({ branches: [facts.sourceBranch], texts: [facts.title] }),
    mergeRequestRef: mergeRequestRef(facts.projectId, facts.iid),
    payload: {
      projectId: facts.projectId,
      iid: facts.iid,
      actorId: reviewer.userId,
      ...(reviewer.requestedAtUnknown ? { requestedAtUnknown: true } : {}),
    },
  });
}

/**
 * `https://host/group/sub/project/-/merge_requests/1` → `group/sub/project`; a GitLab on a sub-path
 * (`https://host/gitlab`) has that prefix removed when `baseUrl` is given.
 */
export function projectPathFromWebUrl(webUrl: string, baseUrl?: string): string | null {
  const url = URL.parse(webUrl);
  if (!url) return null;
  const prefix = baseUrl ? (URL.parse(baseUrl)?.pathname ?? '').replace(/\/+$/, '') : '';
  const pathname =
    prefix && url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : url.pathname;
  const [before] = pathname.split('/-/');
  // A group-level work item (18.x, no project) lives under /groups/<group>/-/…: name the group
  // ("groups" is a reserved top-level path, never a namespace).
  const path = (before ?? '').replace(/^\/+|\/+$/g, '').replace(/^groups\//, '');
  return path === '' ? null : path;
}

/** `gid://gitlab/Ci::Pipeline/123` → `123`; plain ids pass through. */
export function gidNumber(id: string): string {
  return /\/(\d+)$/.exec(id)?.[1] ?? id;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

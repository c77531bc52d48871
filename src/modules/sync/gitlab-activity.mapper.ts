import type { GitLabEvent } from '../../gitlab/index.ts';
import { type ActivityDraft, draft } from '../activity/activity-draft.ts';
import { jiraKeysFrom } from '../activity/jira-keys.ts';
import { clip } from './gitlab-resources.mapper.ts';

/**
 * GitLab contribution events → activity drafts (other resources: gitlab-resources.mapper.ts). Pure: everything a mapping needs that is not in the raw
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

import type { GitLabCommit, GitLabEvent, GitLabPipelineNode, GitLabTimelog } from '../../gitlab/index.ts';
import { type ActivityDraft, draft } from '../activity/activity-draft.ts';
import { jiraKeysFrom } from '../activity/jira-keys.ts';
import { type MapContext, type MergeRequestFacts, mergeRequestRef } from './gitlab-activity.mapper.ts';

/**
 * GitLab resources other than events → activity drafts: commits (attributed through the push),
 * time logs, pipelines and review requests. Pure, like the event mapper beside it.
 */

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

/** Review requested of the teammate on a merge request (when: review-request-notes.ts). */
export function mapReviewRequest(
  facts: MergeRequestFacts,
  reviewer: { userId: number; requestedAt: string },
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

/** Text kept short enough for a payload and a Slack line. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

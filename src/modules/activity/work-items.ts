import type { ActivityKind } from './activity-kinds.ts';

/** What grouping needs of one stored activity (a subset of ActivityItem). */
export interface GroupableActivity {
  kind: ActivityKind;
  occurredAt: Date;
  title: string;
  url: string | null;
  project: string | null;
  linesAdded: number | null;
  linesRemoved: number | null;
  durationSeconds: number | null;
  timeSpentSeconds: number | null;
  status: string | null;
  /** MR source branch (MR kinds) or pushed/pipeline ref (commits, pipelines). */
  branch: string | null;
  /** The start of a comment's text (comments only). */
  snippet: string | null;
  /** A comment or approval on someone else's MR (the sync decides; own MRs are not reviews). */
  review: boolean;
  jira: Array<{ key: string; url: string | null }>;
}

export type WorkItemType = 'merge_request' | 'issue' | 'branch' | 'other';

/** One piece of work (an MR, an issue, a branch) and everything the person did on it. */
export interface WorkItem {
  type: WorkItemType;
  title: string;
  url: string | null;
  project: string | null;
  /** `!12`, `#7`, or the branch name. */
  reference: string | null;
  jira: Array<{ key: string; url: string | null }>;
  /** The latest thing done on it: items are ordered by this, newest first. */
  lastAt: Date;
  opened: boolean;
  merged: boolean;
  closed: boolean;
  reviewRequested: boolean;
  commits: number;
  linesAdded: number;
  linesRemoved: number;
  /** The latest commit pushed to it: on a branch without an MR, the commits are what says what it is. */
  lastCommit: { title: string; url: string | null } | null;
  /** Reviewed: commented on or approved someone else's MR; effort as the sync estimated it. */
  reviewed: boolean;
  reviewSeconds: number;
  approved: boolean;
  comments: number;
  /** The latest comment's text, as stored (clipped by the sync). */
  lastComment: string | null;
  /** The latest pipeline on it. */
  pipeline: { status: string | null; durationSeconds: number | null; url: string | null; at: Date } | null;
  timeLoggedSeconds: number;
}

const MR_KINDS = new Set<ActivityKind>([
  'mr_opened',
  'mr_merged',
  'mr_closed',
  'mr_review_requested',
  'mr_approved',
  'mr_commented',
]);
const ISSUE_KINDS = new Set<ActivityKind>(['issue_opened', 'issue_closed', 'issue_commented']);

/** The page a note or anchor belongs to: `…/merge_requests/5#note_9` → `…/merge_requests/5`. */
function targetOf(url: string | null): string | null {
  return url ? (url.split('#')[0] ?? null) : null;
}

/** `https://host/group/project/-/commit/sha` → `https://host/group/project`. */
function projectUrlOf(url: string | null): string | null {
  if (!url?.includes('/-/')) return null;
  return url.split('/-/')[0] ?? null;
}

function referenceOf(url: string): string | null {
  const mr = /\/merge_requests\/(\d+)/.exec(url);
  if (mr) return `!${mr[1]}`;
  const issue = /\/(?:issues|work_items)\/(\d+)/.exec(url);
  return issue ? `#${issue[1]}` : null;
}

function emptyItem(type: WorkItemType, title: string, url: string | null, project: string | null): WorkItem {
  return {
    type,
    title,
    url,
    project,
    reference: url && type !== 'branch' ? referenceOf(url) : null,
    jira: [],
    lastAt: new Date(0),
    opened: false,
    merged: false,
    closed: false,
    reviewRequested: false,
    commits: 0,
    linesAdded: 0,
    linesRemoved: 0,
    lastCommit: null,
    reviewed: false,
    reviewSeconds: 0,
    approved: false,
    comments: 0,
    lastComment: null,
    pipeline: null,
    timeLoggedSeconds: 0,
  };
}

/**
 * Activities → pieces of work, newest first. MR events, comments, approvals and time logged on an
 * MR are one item; commits and pipelines on the MR's source branch join it; those on a branch
 * without an MR make a branch item; issue events, comments and time make an issue item.
 */
export function groupWorkItems(activities: GroupableActivity[]): WorkItem[] {
  const items = new Map<string, WorkItem>();
  // Commits and pipelines find their MR by project and source branch.
  const mrByBranch = new Map<string, string>();
  for (const activity of activities) {
    const target = targetOf(activity.url);
    if (MR_KINDS.has(activity.kind) && activity.branch && target) {
      mrByBranch.set(`${activity.project}\u0000${activity.branch}`, `mr:${target}`);
    }
  }
  const itemFor = (activity: GroupableActivity): WorkItem => {
    const target = targetOf(activity.url);
    let key: string;
    let make: () => WorkItem;
    const onMr = target?.includes('/merge_requests/');
    const onIssue = target ? /\/(issues|work_items)\//.test(target) : false;
    if (target && (MR_KINDS.has(activity.kind) || (activity.kind === 'time_logged' && onMr))) {
      key = `mr:${target}`;
      make = () => emptyItem('merge_request', activity.title, target, activity.project);
    } else if (target && (ISSUE_KINDS.has(activity.kind) || (activity.kind === 'time_logged' && onIssue))) {
      key = `issue:${target}`;
      make = () => emptyItem('issue', activity.title, target, activity.project);
    } else if ((activity.kind === 'commit_pushed' || activity.kind === 'pipeline_run') && activity.branch) {
      const branchKey = `${activity.project}\u0000${activity.branch}`;
      const projectUrl = projectUrlOf(activity.url);
      key = mrByBranch.get(branchKey) ?? `branch:${branchKey}`;
      make = () => ({
        ...emptyItem(
          'branch',
          activity.branch!,
          projectUrl ? `${projectUrl}/-/tree/${encodeURIComponent(activity.branch!)}` : null,
          activity.project,
        ),
        reference: activity.branch,
      });
    } else {
      key = `other:${activity.kind}:${target ?? activity.title}`;
      make = () => emptyItem('other', activity.title, target, activity.project);
    }
    let item = items.get(key);
    if (!item) {
      item = make();
      items.set(key, item);
    }
    return item;
  };

  // Oldest first, so "latest" facts (title, comment, pipeline) end with the newest.
  const ordered = [...activities].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  for (const activity of ordered) {
    const item = itemFor(activity);
    if (activity.occurredAt.getTime() > item.lastAt.getTime()) item.lastAt = activity.occurredAt;
    if (item.type !== 'branch' && MR_KINDS.has(activity.kind)) item.title = activity.title;
    for (const jira of activity.jira) {
      if (!item.jira.some((known) => known.key === jira.key)) item.jira.push(jira);
    }
    switch (activity.kind) {
      case 'mr_opened':
      case 'issue_opened':
        item.opened = true;
        break;
      case 'mr_merged':
        item.merged = true;
        break;
      case 'mr_closed':
      case 'issue_closed':
        item.closed = true;
        break;
      case 'mr_review_requested':
        item.reviewRequested = true;
        break;
      case 'mr_approved':
        item.approved = true;
        if (activity.review) item.reviewed = true;
        item.reviewSeconds += activity.review ? (activity.durationSeconds ?? 0) : 0;
        break;
      case 'mr_commented':
      case 'issue_commented':
        item.comments += 1;
        if (activity.snippet) item.lastComment = activity.snippet;
        if (activity.kind === 'mr_commented' && activity.review) {
          item.reviewed = true;
          item.reviewSeconds += activity.durationSeconds ?? 0;
        }
        break;
      case 'commit_pushed':
        item.commits += 1;
        item.linesAdded += activity.linesAdded ?? 0;
        item.linesRemoved += activity.linesRemoved ?? 0;
        item.lastCommit = { title: activity.title, url: activity.url };
        break;
      case 'pipeline_run':
        item.pipeline = {
          status: activity.status,
          durationSeconds: activity.durationSeconds,
          url: activity.url,
          at: activity.occurredAt,
        };
        break;
      case 'time_logged':
        item.timeLoggedSeconds += activity.timeSpentSeconds ?? 0;
        break;
    }
  }
  return [...items.values()].sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime());
}

import type { RouteContext } from '../route.ts';
import type { FakeMergeRequest, FakePipeline, FakeTimelog } from '../scenario.ts';

/**
 * The root value the fake GitLab executes queries with (graphql-js calls the functions with the
 * field's arguments): `timelogs`, `project { pipelines, mergeRequests, mergeRequest, issues }`,
 * `user { reviewRequestedMergeRequests, authoredMergeRequests }` and `currentUser`, backed by the
 * scenario. Which fields exist is the
 * schema's business: a node carries every field any GitLab version has, graphql-js picks.
 */
type Args = Record<string, unknown>;

const MAX_PAGE = 100;

export function rootValue(context: RouteContext): Record<string, unknown> {
  const { world, user } = context;
  return {
    currentUser: () => ({ id: `gid://gitlab/User/${user.id}`, username: user.username, name: user.name }),
    timelogs: (args: Args) => timelogs(context, args),
    project: (args: Args) => {
      const project = world.visibleProject(user.id, stringArg(args, 'fullPath') ?? '');
      if (!project) return null;
      return {
        id: `gid://gitlab/Project/${project.id}`,
        fullPath: project.path_with_namespace,
        pipelines: (inner: Args) => pipelines(context, project.id, project.path_with_namespace, inner),
        mergeRequests: (inner: Args) => projectMergeRequests(context, project.id, inner),
        mergeRequest: (inner: Args) => {
          const iid = Number(stringArg(inner, 'iid'));
          const mr = (world.scenario.mergeRequests ?? []).find(
            (entry) => entry.project_id === project.id && entry.iid === iid,
          );
          return mr ? mergeRequestNode(context, mr) : null;
        },
        issues: (inner: Args) => projectIssues(context, project.id, inner),
      };
    },
    user: (args: Args) => {
      const found = world.userByUsername(stringArg(args, 'username') ?? '');
      if (!found) return null;
      return {
        id: `gid://gitlab/User/${found.id}`,
        username: found.username,
        reviewRequestedMergeRequests: (inner: Args) =>
          userMergeRequests(context, found.username, 'reviewer', inner),
        authoredMergeRequests: (inner: Args) => userMergeRequests(context, found.username, 'author', inner),
      };
    },
  };
}

function timelogs(context: RouteContext, args: Args) {
  const { world, user } = context;
  const username = stringArg(args, 'username');
  const start = dateBound(stringArg(args, 'startDate'), 'start');
  const end = dateBound(stringArg(args, 'endDate'), 'end');
  const selected = (world.scenario.timelogs ?? []).filter((item) => {
    if (username && item.username.toLowerCase() !== username.toLowerCase()) return false;
    const at = Date.parse(item.spent_at);
    if (start !== undefined && at < start) return false;
    if (end !== undefined && at > end) return false;
    const target = item.issue ?? item.merge_request;
    return !target || world.canSee(user.id, target.project_id);
  });
  selected.sort((a, b) => Date.parse(a.spent_at) - Date.parse(b.spent_at) || a.id - b.id);
  const page = cursorPage(selected, args);
  return { nodes: page.items.map((item) => timelogNode(context, item)), pageInfo: page.pageInfo };
}

function timelogNode(context: RouteContext, item: FakeTimelog) {
  const { world } = context;
  const ref = (
    target: { project_id: number | null; iid: number; group?: string } | undefined,
    kind: 'issues' | 'merge_requests',
  ) => {
    if (!target) return null;
    const source =
      kind === 'issues'
        ? world.scenario.issues?.find(
            (entry) => entry.project_id === target.project_id && entry.iid === target.iid,
          )
        : world.scenario.mergeRequests?.find(
            (entry) => entry.project_id === target.project_id && entry.iid === target.iid,
          );
    // A group-level work item (18.x) has no project: GitLab answers projectId null.
    const webUrl =
      target.project_id === null
        ? `${world.webUrl}/groups/${target.group ?? 'acme'}/-/work_items/${target.iid}`
        : `${world.webUrl}/${world.projectPath(target.project_id)}/-/${kind}/${target.iid}`;
    return {
      iid: String(target.iid),
      title: source?.title ?? `Item ${target.iid}`,
      webUrl,
      projectId: target.project_id,
    };
  };
  return {
    id: `gid://gitlab/Timelog/${item.id}`,
    spentAt: item.spent_at,
    timeSpent: item.time_spent,
    summary: item.summary ?? null,
    user: fieldOrError(item.field_error, { username: item.username }),
    issue: ref(item.issue, 'issues'),
    mergeRequest: ref(item.merge_request, 'merge_requests'),
  };
}

function pipelines(context: RouteContext, projectId: number, path: string, args: Args) {
  const username = stringArg(args, 'username');
  const updatedAfter = stringArg(args, 'updatedAfter');
  const after = updatedAfter ? Date.parse(updatedAfter) : undefined;
  const selected = (context.world.scenario.pipelines ?? [])
    .filter((item) => item.project_id === projectId)
    .filter((item) => !username || item.username === username)
    .filter((item) => after === undefined || Date.parse(item.updated_at) >= after)
    .sort((a, b) => b.id - a.id);
  const page = cursorPage(selected, args);
  return { nodes: page.items.map((item) => pipelineNode(item, path)), pageInfo: page.pageInfo };
}

function pipelineNode(item: FakePipeline, path: string) {
  return {
    id: `gid://gitlab/Ci::Pipeline/${item.id}`,
    iid: String(item.iid),
    status: item.status.toUpperCase(),
    duration: item.duration ?? null,
    startedAt: item.started_at ?? null,
    finishedAt: item.finished_at ?? null,
    createdAt: item.created_at,
    updatedAt: item.updated_at,
    ref: item.ref,
    sha: item.sha,
    source: item.source ?? 'push',
    path: `/${path}/-/pipelines/${item.id}`,
    user: fieldOrError(item.field_error, { username: item.username }),
  };
}

/** Merge requests `username` reviews or wrote, updated at or after `updatedAfter`, newest first. */
function userMergeRequests(context: RouteContext, username: string, role: 'reviewer' | 'author', args: Args) {
  const { world, user } = context;
  const updatedAfter = stringArg(args, 'updatedAfter');
  const after = updatedAfter ? Date.parse(updatedAfter) : undefined;
  const selected = (world.scenario.mergeRequests ?? [])
    .filter((mr) => world.canSee(user.id, mr.project_id))
    .filter((mr) =>
      role === 'author'
        ? mr.author.toLowerCase() === username.toLowerCase()
        : (mr.reviewers ?? []).some((entry) => entry.username.toLowerCase() === username.toLowerCase()),
    )
    .filter((mr) => after === undefined || Date.parse(mr.updated_at) >= after)
    .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || b.iid - a.iid);
  const page = cursorPage(selected, args);
  return {
    nodes: page.items.map((mr) => ({
      iid: String(mr.iid),
      projectId: mr.project_id,
      title: mr.title,
      webUrl: `${world.webUrl}/${world.projectPath(mr.project_id)}/-/merge_requests/${mr.iid}`,
      createdAt: mr.created_at,
      updatedAt: mr.updated_at,
      sourceBranch: mr.source_branch,
      author: { id: `gid://gitlab/User/${world.userNamed(mr.author).id}`, username: mr.author },
    })),
    pageInfo: page.pageInfo,
  };
}

/** `Project.mergeRequests(iids:)`: every state, newest first (GitLab's default `created_desc`). */
function projectMergeRequests(context: RouteContext, projectId: number, args: Args) {
  const iids = iidsArg(args);
  const selected = (context.world.scenario.mergeRequests ?? [])
    .filter((mr) => mr.project_id === projectId && (!iids || iids.has(mr.iid)))
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.iid - a.iid);
  const page = cursorPage(selected, args);
  return { nodes: page.items.map((mr) => mergeRequestNode(context, mr)), pageInfo: page.pageInfo };
}

function mergeRequestNode(context: RouteContext, mr: FakeMergeRequest) {
  const { world } = context;
  return {
    iid: String(mr.iid),
    createdAt: mr.created_at,
    reviewers: (inner: Args) => {
      const page = cursorPage(mr.reviewers ?? [], inner);
      return {
        nodes: page.items.map((reviewer) => ({
          id: `gid://gitlab/User/${world.userNamed(reviewer.username).id}`,
          username: reviewer.username,
        })),
        pageInfo: page.pageInfo,
      };
    },
    notes: (inner: Args) => {
      const page = cursorPage(notesOf(mr), inner);
      return { nodes: page.items, pageInfo: page.pageInfo };
    },
  };
}

/**
 * The MR's notes, oldest first: its comments and system notes, plus the system note GitLab writes
 * when a reviewer is added to an existing MR ("requested review from @x", at the reviewer's
 * `created_at`). A reviewer set when the MR was opened gets no note, as on GitLab.
 */
function notesOf(mr: FakeMergeRequest) {
  const requests = (mr.reviewers ?? [])
    .filter((reviewer) => reviewer.created_at && Date.parse(reviewer.created_at) > Date.parse(mr.created_at))
    .map((reviewer) => ({
      system: true,
      body: `requested review from @${reviewer.username}`,
      createdAt: reviewer.created_at as string,
      author: { username: mr.author },
    }));
  const notes = (mr.notes ?? []).map((note) => ({
    system: note.system ?? false,
    body: note.body,
    createdAt: note.created_at,
    author: { username: note.author },
  }));
  return [...notes, ...requests].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

/** `Project.issues(iids:, createdAfter:)`: every state, newest first (GitLab's `created_desc`). */
function projectIssues(context: RouteContext, projectId: number, args: Args) {
  const iids = iidsArg(args);
  const createdAfter = stringArg(args, 'createdAfter');
  const after = createdAfter ? Date.parse(createdAfter) : undefined;
  const selected = (context.world.scenario.issues ?? [])
    .filter((issue) => issue.project_id === projectId && (!iids || iids.has(issue.iid)))
    .filter((issue) => after === undefined || Date.parse(issue.created_at) >= after)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.iid - a.iid);
  const page = cursorPage(selected, args);
  return {
    nodes: page.items.map((issue) => ({ iid: String(issue.iid), createdAt: issue.created_at })),
    pageInfo: page.pageInfo,
  };
}

function iidsArg(args: Args): Set<number> | undefined {
  const value = args['iids'];
  return Array.isArray(value) ? new Set(value.map(Number)) : undefined;
}

/** A field whose resolver fails, as GitLab's do on a broken record: an error for that node only. */
function fieldOrError<T>(message: string | undefined, value: T): T | (() => never) {
  if (message === undefined) return value;
  return () => {
    throw new Error(message);
  };
}

function cursorPage<T>(items: T[], args: Args) {
  const first = Math.min(MAX_PAGE, typeof args['first'] === 'number' ? args['first'] : MAX_PAGE);
  const after = stringArg(args, 'after');
  const offset = after ? decodeCursor(after) : 0;
  const slice = items.slice(offset, offset + first);
  const end = offset + slice.length;
  return {
    items: slice,
    pageInfo: { hasNextPage: end < items.length, endCursor: slice.length > 0 ? encodeCursor(end) : null },
  };
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
    return typeof parsed.offset === 'number' ? parsed.offset : 0;
  } catch {
    return 0;
  }
}

function stringArg(args: Args, name: string): string | undefined {
  const value = args[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** GitLab reads a bare date as the whole day: startDate from 00:00, endDate until 23:59:59. */
function dateBound(value: string | undefined, kind: 'start' | 'end'): number | undefined {
  if (!value) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return Date.parse(`${value}T${kind === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`);
  }
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

import type { RouteContext } from '../route.ts';
import type { FakePipeline, FakeProject, FakeTimelog, FakeUser } from '../scenario.ts';
import {
  derived,
  issuesByProjectAndIid,
  mergeRequestsByAuthor,
  mergeRequestsByProjectAndIid,
  mergeRequestsByReviewer,
  pipelinesByProject,
  timelogsByUsername,
} from '../scenario-index.ts';
import { issuableFields } from './issuable-resolvers.ts';
import { type Args, cursorPage, stringArg } from './pages.ts';

/**
 * The root value the fake GitLab executes queries with (graphql-js calls the functions with the
 * field's arguments): `timelogs`, `project { pipelines, mergeRequests, mergeRequest, issues }`,
 * `projects(ids:) { pipelines }`, `user` and `users(usernames:)` with
 * `{ reviewRequestedMergeRequests, authoredMergeRequests, timelogs }` and `currentUser`, backed by
 * the scenario. Which fields exist is the
 * schema's business: a node carries every field any GitLab version has, graphql-js picks.
 */

export function rootValue(context: RouteContext): Record<string, unknown> {
  const { world, user } = context;
  return {
    currentUser: () => ({ id: `gid://gitlab/User/${user.id}`, username: user.username, name: user.name }),
    timelogs: (args: Args) => timelogs(context, args),
    project: (args: Args) => {
      const project = world.visibleProject(user.id, stringArg(args, 'fullPath') ?? '');
      return project ? projectNode(context, project) : null;
    },
    // GitLab: ProjectsResolver, sorted id_desc; projects the token cannot see are left out.
    projects: (args: Args) => {
      const ids = new Set(stringsArg(args, 'ids').map((gid) => Number(/\/(\d+)$/.exec(gid)?.[1])));
      const found = (world.scenario.projects ?? [])
        .filter((project) => ids.has(project.id) && world.canSee(user.id, project.id))
        .sort((a, b) => b.id - a.id);
      const page = cursorPage(found, args);
      return { nodes: page.items.map((project) => projectNode(context, project)), pageInfo: page.pageInfo };
    },
    user: (args: Args) => {
      const found = world.userByUsername(stringArg(args, 'username') ?? '');
      return found ? userNode(context, found) : null;
    },
    // GitLab: UsersResolver, matching usernames case-insensitively, sorted created_desc.
    users: (args: Args) => {
      const wanted = new Set(stringsArg(args, 'usernames').map((name) => name.toLowerCase()));
      const found = world.scenario.users
        .filter((entry) => wanted.has(entry.username.toLowerCase()))
        .sort((a, b) => b.id - a.id);
      const page = cursorPage(found, args);
      return { nodes: page.items.map((entry) => userNode(context, entry)), pageInfo: page.pageInfo };
    },
  };
}

function projectNode(context: RouteContext, project: FakeProject) {
  return {
    id: `gid://gitlab/Project/${project.id}`,
    fullPath: project.path_with_namespace,
    pipelines: (inner: Args) => pipelines(context, project.id, project.path_with_namespace, inner),
    ...issuableFields(context, project.id),
  };
}

function userNode(context: RouteContext, found: FakeUser) {
  return {
    id: `gid://gitlab/User/${found.id}`,
    username: found.username,
    reviewRequestedMergeRequests: (inner: Args) =>
      userMergeRequests(context, found.username, 'reviewer', inner),
    authoredMergeRequests: (inner: Args) => userMergeRequests(context, found.username, 'author', inner),
    // User.timelogs: the user's own entries, whatever `username` says.
    timelogs: (inner: Args) => timelogs(context, { ...inner, username: found.username }),
  };
}

function timelogs(context: RouteContext, args: Args) {
  const { world, user } = context;
  const username = stringArg(args, 'username');
  const start = dateBound(stringArg(args, 'startDate'), 'start');
  const end = dateBound(stringArg(args, 'endDate'), 'end');
  const all = world.scenario.timelogs ?? [];
  const candidates = username ? (derived(all, timelogsByUsername).get(username.toLowerCase()) ?? []) : all;
  const selected = candidates.filter((item) => {
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
    // Scenario issues and MRs all belong to a project: a group-level item matches none of them.
    const source =
      target.project_id === null
        ? undefined
        : kind === 'issues'
          ? derived(world.scenario.issues, issuesByProjectAndIid).get(target.project_id)?.get(target.iid)
          : derived(world.scenario.mergeRequests, mergeRequestsByProjectAndIid)
              .get(target.project_id)
              ?.get(target.iid);
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
  const inProject = derived(context.world.scenario.pipelines, pipelinesByProject).get(projectId) ?? [];
  const selected = inProject
    .filter((item) => !username || item.username === username)
    .filter((item) => after === undefined || Date.parse(item.updated_at) >= after)
    .sort((a, b) => b.id - a.id);
  const page = cursorPage(selected, args);
  // PipelineConnection.count: the whole filtered list, not the page.
  return {
    nodes: page.items.map((item) => pipelineNode(item, path)),
    pageInfo: page.pageInfo,
    count: selected.length,
  };
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
  const mergeRequests = world.scenario.mergeRequests;
  const byRole = derived(mergeRequests, role === 'author' ? mergeRequestsByAuthor : mergeRequestsByReviewer);
  const selected = (byRole.get(username.toLowerCase()) ?? [])
    .filter((mr) => world.canSee(user.id, mr.project_id))
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

/** A field whose resolver fails, as GitLab's do on a broken record: an error for that node only. */
function fieldOrError<T>(message: string | undefined, value: T): T | (() => never) {
  if (message === undefined) return value;
  return () => {
    throw new Error(message);
  };
}

function stringsArg(args: Args, name: string): string[] {
  const value = args[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
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

import type { RouteContext } from '../route.ts';
import type { FakeMergeRequest } from '../scenario.ts';
import {
  derived,
  issuesByProject,
  mergeRequestsByProject,
  mergeRequestsByProjectAndIid,
} from '../scenario-index.ts';
import { type Args, cursorPage, stringArg } from './pages.ts';

/**
 * A project's `mergeRequests(iids:)`, `mergeRequest(iid:)` and `issues(iids:, createdAfter:)`,
 * backed by the scenario: what the sync asks to time review requests and tell issue re-opens.
 */
export function issuableFields(context: RouteContext, projectId: number): Record<string, unknown> {
  return {
    mergeRequests: (args: Args) => projectMergeRequests(context, projectId, args),
    mergeRequest: (args: Args) => {
      const iid = Number(stringArg(args, 'iid'));
      const mr = derived(context.world.scenario.mergeRequests, mergeRequestsByProjectAndIid)
        .get(projectId)
        ?.get(iid);
      return mr ? mergeRequestNode(context, mr) : null;
    },
    issues: (args: Args) => projectIssues(context, projectId, args),
  };
}

/** `Project.mergeRequests(iids:)`: every state, newest first (GitLab's default `created_desc`). */
function projectMergeRequests(context: RouteContext, projectId: number, args: Args) {
  const iids = iidsArg(args);
  const inProject =
    derived(context.world.scenario.mergeRequests, mergeRequestsByProject).get(projectId) ?? [];
  const selected = inProject
    .filter((mr) => !iids || iids.has(mr.iid))
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
  const inProject = derived(context.world.scenario.issues, issuesByProject).get(projectId) ?? [];
  const selected = inProject
    .filter((issue) => !iids || iids.has(issue.iid))
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

import { approvals, mergeRequest, note, userBasic } from '../present.ts';
import { json, list, notFound, type Route, type RouteContext, sortBy, timeParam } from '../route.ts';
import type { FakeMergeRequest, FakeUser } from '../scenario.ts';
import { derived, mergeRequestsByProject, mergeRequestsByProjectAndIid } from '../scenario-index.ts';

function scoped(context: RouteContext, items: FakeMergeRequest[]): FakeMergeRequest[] {
  const { query, user, world } = context;
  // GitLab's default scope for /merge_requests is created_by_me: scope=all is needed to see others'.
  const scope = query.get('scope') ?? 'created_by_me';
  const is = (username: string | undefined, other: FakeUser | string | null) =>
    !!username &&
    !!other &&
    username.toLowerCase() === (typeof other === 'string' ? other : other.username).toLowerCase();
  const updatedAfter = timeParam(query, 'updated_after');
  const updatedBefore = timeParam(query, 'updated_before');
  const state = query.get('state');
  // `iids=1,2` or `iids[]=1&iids[]=2` (GitLab accepts both).
  const iidList = [...query.getAll('iids[]'), ...(query.get('iids') ?? '').split(',')]
    .filter(Boolean)
    .map(Number);
  return items.filter((mr) => {
    if (!world.canSee(user.id, mr.project_id)) return false;
    if (iidList.length > 0 && !iidList.includes(mr.iid)) return false;
    if (scope === 'created_by_me' && !is(mr.author, user)) return false;
    if (scope === 'assigned_to_me') return false; // assignees are not modelled
    if (query.get('author_username') && !is(mr.author, query.get('author_username'))) return false;
    const reviewer = query.get('reviewer_username');
    if (reviewer && !(mr.reviewers ?? []).some((entry) => is(entry.username, reviewer))) return false;
    if (updatedAfter !== undefined && Date.parse(mr.updated_at) < updatedAfter) return false;
    if (updatedBefore !== undefined && Date.parse(mr.updated_at) > updatedBefore) return false;
    if (state && state !== 'all' && mr.state !== state) return false;
    return true;
  });
}

function ordered(context: RouteContext, items: FakeMergeRequest[]): FakeMergeRequest[] {
  const orderBy = context.query.get('order_by') === 'updated_at' ? 'updated_at' : 'created_at';
  return sortBy(
    items,
    (mr) => mr[orderBy],
    (mr) => mr.iid,
    context.query.get('sort'),
  );
}

function findMergeRequest(context: RouteContext): FakeMergeRequest | undefined {
  const project = context.world.visibleProject(context.user.id, context.params['id'] ?? '');
  if (!project) return undefined;
  const iid = Number(context.params['iid']);
  return derived(context.world.scenario.mergeRequests, mergeRequestsByProjectAndIid)
    .get(project.id)
    ?.get(iid);
}

function withMergeRequest(
  context: RouteContext,
  answer: (mr: FakeMergeRequest) => ReturnType<Route['handle']>,
) {
  if (!context.world.visibleProject(context.user.id, context.params['id'] ?? '')) return notFound('Project');
  const mr = findMergeRequest(context);
  return mr ? answer(mr) : notFound('Merge Request');
}

export const mergeRequestRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/merge_requests',
    access: 'read_api',
    handle: (context) => {
      const items = ordered(context, scoped(context, context.world.scenario.mergeRequests ?? []));
      return list(items, (mr) => mergeRequest(context.world, mr));
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id/merge_requests',
    access: 'read_api',
    handle: (context) => {
      const project = context.world.visibleProject(context.user.id, context.params['id'] ?? '');
      if (!project) return notFound('Project');
      const inProject =
        derived(context.world.scenario.mergeRequests, mergeRequestsByProject).get(project.id) ?? [];
      context.query.set('scope', context.query.get('scope') ?? 'all');
      return list(ordered(context, scoped(context, inProject)), (mr) => mergeRequest(context.world, mr));
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id/merge_requests/:iid',
    access: 'read_api',
    handle: (context) => withMergeRequest(context, (mr) => json(mergeRequest(context.world, mr))),
  },
  {
    method: 'GET',
    pattern: '/projects/:id/merge_requests/:iid/approvals',
    access: 'read_api',
    handle: (context) => withMergeRequest(context, (mr) => json(approvals(context.world, mr))),
  },
  {
    method: 'GET',
    pattern: '/projects/:id/merge_requests/:iid/reviewers',
    access: 'read_api',
    handle: (context) =>
      withMergeRequest(context, (mr) =>
        json(
          (mr.reviewers ?? []).map((reviewer) => ({
            user: userBasic(context.world, context.world.userNamed(reviewer.username)),
            state: reviewer.state ?? 'unreviewed',
            ...(reviewer.created_at === undefined ? {} : { created_at: reviewer.created_at }),
          })),
        ),
      ),
  },
  {
    method: 'GET',
    pattern: '/projects/:id/merge_requests/:iid/notes',
    access: 'read_api',
    handle: (context) =>
      withMergeRequest(context, (mr) => {
        // Scenario notes are never edited, so created_at and updated_at orders agree.
        const notes = sortBy(
          mr.notes ?? [],
          (item) => item.created_at,
          (item) => item.id,
          context.query.get('sort'),
        );
        return list(notes, (item) => note(context.world, item, mr));
      }),
  },
];

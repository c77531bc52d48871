import { event } from '../present.ts';
import { list, notFound, type Route, type RouteContext, sortBy } from '../route.ts';
import type { FakeEvent, FakeUser } from '../scenario.ts';
import { derived, eventsByAuthor } from '../scenario-index.ts';

/** `action` filter values → the action_name values they select. */
const ACTIONS: Record<string, string[]> = {
  approved: ['approved'],
  closed: ['closed'],
  commented: ['commented on'],
  created: ['created', 'opened'],
  destroyed: ['deleted', 'destroyed'],
  expired: ['expired'],
  joined: ['joined'],
  left: ['left'],
  merged: ['accepted'],
  pushed: ['pushed to', 'pushed new', 'deleted'],
  reopened: ['reopened'],
  updated: ['updated'],
};

const TARGET_TYPES: Record<string, string[]> = {
  issue: ['Issue'],
  merge_request: ['MergeRequest'],
  milestone: ['Milestone'],
  note: ['Note', 'DiffNote', 'DiscussionNote'],
  project: ['Project'],
  snippet: ['Snippet'],
  user: ['User'],
  wiki: ['WikiPage::Meta'],
  design: ['DesignManagement::Design'],
};

const DAY_MS = 86_400_000;

/**
 * Whole days in the server's time zone, both bounds exclusive: after=D means from D+1 00:00 there,
 * before=D until D 00:00 there.
 */
function dayBound(value: string | null, kind: 'after' | 'before', offsetMinutes: number): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const midnight = Date.parse(`${value.slice(0, 10)}T00:00:00Z`) - offsetMinutes * 60_000;
  return kind === 'after' ? midnight + DAY_MS : midnight;
}

function eventsOf(context: RouteContext, author: FakeUser) {
  const { world, query, user } = context;
  // A private profile hides events from everyone else: 200 with an empty list.
  if (author.private_profile && author.id !== user.id) return list([], (item) => item);
  const offset = world.scenario.serverUtcOffsetMinutes ?? 0;
  const after = dayBound(query.get('after'), 'after', offset);
  const before = dayBound(query.get('before'), 'before', offset);
  const actions = query.get('action') ? ACTIONS[query.get('action') ?? ''] : undefined;
  const targetTypes = query.get('target_type') ? TARGET_TYPES[query.get('target_type') ?? ''] : undefined;
  const authored = derived(world.scenario.events, eventsByAuthor).get(author.username.toLowerCase()) ?? [];
  const selected = authored.filter((item) => {
    const at = Date.parse(item.created_at);
    if (after !== undefined && at < after) return false;
    if (before !== undefined && at >= before) return false;
    if (actions && !actions.includes(item.action_name)) return false;
    if (targetTypes && !targetTypes.includes(item.target_type ?? '')) return false;
    return true;
  });
  const sorted = sortBy(
    selected,
    (item) => item.created_at,
    (item) => item.id,
    query.get('sort'),
  );
  return list(sorted, (item: FakeEvent) => event(world, item), {
    // GitLab drops events the reader may not see after slicing the page: pages come out short.
    visibleAfterPaging: (item: FakeEvent) => world.canSee(user.id, item.project_id),
  });
}

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/users/:id/events',
    access: 'read_api',
    handle: (context) => {
      const author = context.world.userByIdOrUsername(context.params['id'] ?? '');
      return author ? eventsOf(context, author) : notFound('User');
    },
  },
  {
    method: 'GET',
    pattern: '/events',
    access: 'read_api',
    handle: (context) => eventsOf(context, context.user),
  },
];

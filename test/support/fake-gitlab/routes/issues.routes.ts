import { issue } from '../present.ts';
import { json, list, notFound, type Route, sortBy, timeParam } from '../route.ts';

const same = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

export const issueRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/issues',
    access: 'read_api',
    handle: ({ world, user, query }) => {
      // Like merge requests, the default scope is created_by_me.
      const scope = query.get('scope') ?? 'created_by_me';
      const updatedAfter = timeParam(query, 'updated_after');
      const updatedBefore = timeParam(query, 'updated_before');
      const state = query.get('state');
      const selected = (world.scenario.issues ?? []).filter((item) => {
        if (!world.canSee(user.id, item.project_id)) return false;
        if (scope === 'created_by_me' && !same(item.author, user.username)) return false;
        if (scope === 'assigned_to_me' && !(item.assignees ?? []).some((name) => same(name, user.username))) {
          return false;
        }
        if (query.get('author_username') && !same(item.author, query.get('author_username'))) return false;
        const assignee = query.get('assignee_username');
        if (assignee && !(item.assignees ?? []).some((name) => same(name, assignee))) return false;
        if (updatedAfter !== undefined && Date.parse(item.updated_at) < updatedAfter) return false;
        if (updatedBefore !== undefined && Date.parse(item.updated_at) > updatedBefore) return false;
        if (state && state !== 'all' && item.state !== state) return false;
        return true;
      });
      const key = query.get('order_by') === 'updated_at' ? 'updated_at' : 'created_at';
      const sorted = sortBy(
        selected,
        (item) => item[key],
        (item) => item.iid,
        query.get('sort'),
      );
      return list(sorted, (item) => issue(world, item));
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id/issues/:iid',
    access: 'read_api',
    handle: ({ world, user, params }) => {
      const project = world.visibleProject(user.id, params['id'] ?? '');
      if (!project) return notFound('Project');
      const found = (world.scenario.issues ?? []).find(
        (item) => item.project_id === project.id && item.iid === Number(params['iid']),
      );
      return found ? json(issue(world, found)) : notFound('Issue');
    },
  },
];

import { issue, userBasic } from '../present.ts';
import { json, list, notFound, type Route, sortBy, timeParam } from '../route.ts';
import {
  derived,
  eventsByProject,
  issuesByProject,
  issuesByProjectAndIid,
  timelogsByIssueProject,
} from '../scenario-index.ts';

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
    pattern: '/projects/:id/issues',
    access: 'read_api',
    handle: ({ world, user, params, query }) => {
      const project = world.visibleProject(user.id, params['id'] ?? '');
      if (!project) return notFound('Project');
      // `iids=1,2` or `iids[]=1&iids[]=2`; state defaults to all for a project's list.
      const iids = [...query.getAll('iids[]'), ...(query.get('iids') ?? '').split(',')]
        .filter(Boolean)
        .map(Number);
      const state = query.get('state');
      const inProject = derived(world.scenario.issues, issuesByProject).get(project.id) ?? [];
      const selected = inProject.filter(
        (item) =>
          (iids.length === 0 || iids.includes(item.iid)) &&
          (!state || state === 'all' || item.state === state),
      );
      return list(
        sortBy(
          selected,
          (item) => item.created_at,
          (item) => item.iid,
          query.get('sort'),
        ),
        (item) => issue(world, item),
      );
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id/issues/:iid',
    access: 'read_api',
    handle: ({ world, user, params }) => {
      const project = world.visibleProject(user.id, params['id'] ?? '');
      if (!project) return notFound('Project');
      const found = derived(world.scenario.issues, issuesByProjectAndIid)
        .get(project.id)
        ?.get(Number(params['iid']));
      return found ? json(issue(world, found)) : notFound('Issue');
    },
  },
  {
    // Comments on an issue: the scenario records them as `commented on` events.
    method: 'GET',
    pattern: '/projects/:id/issues/:iid/notes',
    access: 'read_api',
    handle: ({ world, user, params, query }) => {
      const project = world.visibleProject(user.id, params['id'] ?? '');
      if (!project) return notFound('Project');
      const iid = Number(params['iid']);
      const inProject = derived(world.scenario.events, eventsByProject).get(project.id) ?? [];
      const notes = inProject.filter(
        (event) =>
          event.note &&
          ['Issue', 'WorkItem'].includes(event.note.noteable_type) &&
          event.note.noteable_iid === iid,
      );
      const sorted = sortBy(
        notes,
        (event) => event.created_at,
        (event) => event.note?.id ?? 0,
        query.get('sort'),
      );
      return list(sorted, (event) => ({
        id: event.note?.id,
        type: event.note?.type ?? null,
        body: event.note?.body,
        author: userBasic(world, world.userNamed(event.author)),
        created_at: event.note?.created_at,
        updated_at: event.note?.created_at,
        system: false,
        noteable_id: event.note?.noteable_id ?? null,
        noteable_type: 'Issue',
        noteable_iid: iid,
        project_id: project.id,
      }));
    },
  },
  {
    // REST knows only totals per issue (single entries need GraphQL).
    method: 'GET',
    pattern: '/projects/:id/issues/:iid/time_stats',
    access: 'read_api',
    handle: ({ world, user, params }) => {
      const project = world.visibleProject(user.id, params['id'] ?? '');
      if (!project) return notFound('Project');
      const iid = Number(params['iid']);
      const spent = (derived(world.scenario.timelogs, timelogsByIssueProject).get(project.id) ?? [])
        .filter((log) => log.issue?.iid === iid)
        .reduce((sum, log) => sum + log.time_spent, 0);
      return json({
        time_estimate: 0,
        total_time_spent: spent,
        human_time_estimate: null,
        human_total_time_spent: spent > 0 ? `${Math.round(spent / 60)}m` : null,
      });
    },
  },
];

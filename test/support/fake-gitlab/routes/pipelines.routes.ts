import { pipeline } from '../present.ts';
import { json, list, notFound, type Route, timeParam } from '../route.ts';
import { derived, pipelinesByProject } from '../scenario-index.ts';

export const pipelineRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/projects/:id/pipelines',
    access: 'read_api',
    handle: ({ world, user, params, query }) => {
      const project = world.visibleProject(user.id, params['id'] ?? '');
      if (!project) return notFound('Project');
      const updatedAfter = timeParam(query, 'updated_after');
      const updatedBefore = timeParam(query, 'updated_before');
      const inProject = derived(world.scenario.pipelines, pipelinesByProject).get(project.id) ?? [];
      const selected = inProject.filter((item) => {
        if (query.get('username') && item.username !== query.get('username')) return false;
        if (query.get('status') && item.status !== query.get('status')) return false;
        if (query.get('ref') && item.ref !== query.get('ref')) return false;
        if (updatedAfter !== undefined && Date.parse(item.updated_at) < updatedAfter) return false;
        if (updatedBefore !== undefined && Date.parse(item.updated_at) > updatedBefore) return false;
        return true;
      });
      const direction = query.get('sort') === 'asc' ? 1 : -1;
      const sorted = [...selected].sort((a, b) => direction * (a.id - b.id));
      return list(sorted, (item) => pipeline(world, item, false));
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id/pipelines/:pipeline_id',
    access: 'read_api',
    handle: ({ world, user, params }) => {
      const project = world.visibleProject(user.id, params['id'] ?? '');
      if (!project) return notFound('Project');
      const pipelineId = Number(params['pipeline_id']);
      const inProject = derived(world.scenario.pipelines, pipelinesByProject).get(project.id) ?? [];
      const found = inProject.find((item) => item.id === pipelineId);
      return found ? json(pipeline(world, found, true)) : notFound('Pipeline');
    },
  },
];

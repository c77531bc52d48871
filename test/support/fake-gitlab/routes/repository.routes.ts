import { commit, project } from '../present.ts';
import { json, list, notFound, type Route, sortBy, timeParam } from '../route.ts';
import type { FakeCommit } from '../scenario.ts';
import { commitsByProject, derived } from '../scenario-index.ts';

/** Per project, its commits by id (the last one listed wins, as in a Map built from the list). */
const commitsById = (commits: readonly FakeCommit[]) => {
  const byProject = new Map<number, Map<string, FakeCommit>>();
  for (const [projectId, inProject] of derived(commits, commitsByProject))
    byProject.set(projectId, new Map(inProject.map((item) => [item.id, item])));
  return byProject;
};

/**
 * Per project, newest commit first as the listing orders them (committed_date, ties in list order):
 * sorted once, since filtering a sorted list keeps its order, as sorting the filtered list would.
 */
const commitsNewestFirst = (commits: readonly FakeCommit[]) => {
  const byProject = new Map<number, FakeCommit[]>();
  for (const [projectId, inProject] of derived(commits, commitsByProject))
    byProject.set(
      projectId,
      sortBy(
        inProject,
        (item) => item.committed_date,
        () => 0,
        'desc',
      ),
    );
  return byProject;
};

/** Commits reachable from a sha through parent_ids (the sha included). */
function ancestors(commits: FakeCommit[] | undefined, projectId: number, sha: string): Set<string> {
  const byId = derived(commits, commitsById).get(projectId) ?? new Map<string, FakeCommit>();
  const seen = new Set<string>();
  const stack = [sha];
  while (stack.length > 0) {
    const id = stack.pop()!;
    const found = byId.get(id) ?? [...byId.values()].find((item) => id.length >= 7 && item.id.startsWith(id));
    if (!found || seen.has(found.id)) continue;
    seen.add(found.id);
    stack.push(...(found.parent_ids ?? []));
  }
  return seen;
}

/** For a sha or `from..to` ref: the commits it selects; undefined for a branch name. */
function reachableSet(
  commits: FakeCommit[] | undefined,
  projectId: number,
  ref: string,
): Set<string> | undefined {
  const [from, to] = ref.includes('..') ? ref.split('..') : [undefined, ref];
  const isSha = (value: string | undefined) => !!value && /^[0-9a-f]{7,40}$/.test(value);
  if (!isSha(to) || (from !== undefined && !isSha(from))) return undefined;
  const selected = ancestors(commits, projectId, to!);
  if (from) for (const id of ancestors(commits, projectId, from)) selected.delete(id);
  return selected;
}

export const repositoryRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/projects/:id',
    access: 'read_api',
    handle: ({ world, user, params }) => {
      const found = world.visibleProject(user.id, params['id'] ?? '');
      return found ? json(project(world, found)) : notFound('Project');
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id/repository/commits',
    access: 'read_api',
    handle: ({ world, user, params, query }) => {
      const found = world.visibleProject(user.id, params['id'] ?? '');
      if (!found) return notFound('Project');
      const ref = query.get('ref_name') ?? found.default_branch ?? 'main';
      const since = timeParam(query, 'since');
      const until = timeParam(query, 'until');
      const all = query.get('all') === 'true';
      // `ref_name` may also be a sha or a range `from..to` (commits reachable from `to`, not from `from`).
      const reachable = reachableSet(world.scenario.commits, found.id, ref);
      const inProject = derived(world.scenario.commits, commitsNewestFirst).get(found.id) ?? [];
      const newestFirst = inProject.filter((item) => {
        if (reachable ? !reachable.has(item.id) : !all && !item.refs.includes(ref)) return false;
        const at = Date.parse(item.committed_date);
        if (since !== undefined && at < since) return false;
        if (until !== undefined && at > until) return false;
        return true;
      });
      const withStats = query.get('with_stats') === 'true';
      // Commits never carry X-Total / X-Total-Pages.
      return list(newestFirst, (item) => commit(world, item, withStats), { totals: false });
    },
  },
  {
    method: 'GET',
    pattern: '/projects/:id/repository/commits/:sha',
    access: 'read_api',
    handle: ({ world, user, params, query }) => {
      const found = world.visibleProject(user.id, params['id'] ?? '');
      if (!found) return notFound('Project');
      const sha = params['sha'] ?? '';
      const inProject = derived(world.scenario.commits, commitsByProject).get(found.id) ?? [];
      const match = inProject.find((item) => sha.length >= 7 && item.id.startsWith(sha));
      // A single commit includes stats unless stats=false.
      return match ? json(commit(world, match, query.get('stats') !== 'false')) : notFound('Commit');
    },
  },
];

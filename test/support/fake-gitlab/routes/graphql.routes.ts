import { json, type Route, type RouteContext } from '../route.ts';
import type { FakePipeline, FakeTimelog } from '../scenario.ts';

/**
 * Just enough GraphQL to answer the queries ActivityPulse sends: `timelogs(…)` at the top level and
 * `project(fullPath: …) { pipelines(…) }`, each possibly aliased (`t0: timelogs(…)`) and repeated
 * in one request. Arguments come from the query text, `$variables` resolved; lists use cursor
 * pagination (`first`, `after`, pageInfo). Nodes carry every field those queries select.
 */
interface GraphqlBody {
  query?: unknown;
  variables?: Record<string, unknown> | null;
}

const MAX_PAGE = 100;

export const graphqlRoute: Route = {
  method: 'POST',
  pattern: '/api/graphql',
  access: 'read_api',
  handle: (context) => {
    const body = (context.body ?? {}) as GraphqlBody;
    const query = typeof body.query === 'string' ? body.query : '';
    const variables = body.variables ?? {};
    const timelogCalls = fieldCalls(query, 'timelogs', variables);
    const projectCalls = fieldCalls(query, 'project', variables);
    if (timelogCalls.length > 0 && context.world.scenario.features?.graphqlTimelogs === false) {
      return json({ errors: [unknownTimelogsField()] });
    }
    const maxComplexity = context.world.scenario.features?.graphqlMaxComplexity;
    if (maxComplexity !== undefined) {
      const lists =
        timelogCalls.length +
        projectCalls.reduce((sum, call) => sum + fieldCalls(call.body, 'pipelines', variables).length, 0) +
        fieldCalls(query, 'reviewRequestedMergeRequests', variables).length +
        fieldCalls(query, 'authoredMergeRequests', variables).length;
      if (lists * 10 > maxComplexity) {
        return json({
          errors: [
            {
              message: `Query has complexity of ${lists * 10}, which exceeds max complexity of ${maxComplexity}`,
            },
          ],
        });
      }
    }
    const data: Record<string, unknown> = {};
    for (const call of timelogCalls) data[call.alias] = timelogs(context, call.args);
    for (const call of projectCalls) {
      const project = context.world.visibleProject(context.user.id, stringArg(call.args, 'fullPath') ?? '');
      if (!project) {
        data[call.alias] = null;
        continue;
      }
      const inner: Record<string, unknown> = {};
      for (const nested of fieldCalls(call.body, 'pipelines', variables)) {
        inner[nested.alias] = pipelines(context, project.id, project.path_with_namespace, nested.args);
      }
      data[call.alias] = inner;
    }
    for (const call of fieldCalls(query, 'user', variables)) {
      const found = context.world.userByUsername(stringArg(call.args, 'username') ?? '');
      if (!found) {
        data[call.alias] = null;
        continue;
      }
      const inner: Record<string, unknown> = {};
      for (const nested of fieldCalls(call.body, 'reviewRequestedMergeRequests', variables)) {
        inner[nested.alias] = userMergeRequests(context, found.username, 'reviewer', nested.args);
      }
      for (const nested of fieldCalls(call.body, 'authoredMergeRequests', variables)) {
        inner[nested.alias] = userMergeRequests(context, found.username, 'author', nested.args);
      }
      data[call.alias] = inner;
    }
    if (Object.keys(data).length === 0) {
      return json({ errors: [{ message: 'The fake GitLab does not answer this query' }] });
    }
    return json({ data });
  },
};

interface FieldCall {
  alias: string;
  args: Record<string, unknown>;
  /** Text of the field's selection set (between its braces). */
  body: string;
}

/** Every `[alias:] field(args) { … }` in `text`, arguments resolved against `variables`. */
function fieldCalls(text: string, field: string, variables: Record<string, unknown>): FieldCall[] {
  const calls: FieldCall[] = [];
  const pattern = new RegExp(`(?:(\\w+)\\s*:\\s*)?\\b${field}\\s*\\(([^)]*)\\)\\s*\\{`, 'g');
  for (const match of text.matchAll(pattern)) {
    const open = (match.index ?? 0) + match[0].length - 1;
    const close = matchingBrace(text, open);
    calls.push({
      alias: match[1] ?? field,
      args: parseArgs(match[2] ?? '', variables),
      body: text.slice(open + 1, close),
    });
  }
  return calls;
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index += 1) {
    if (text[index] === '{') depth += 1;
    if (text[index] === '}') depth -= 1;
    if (depth === 0) return index;
  }
  return text.length;
}

function parseArgs(text: string, variables: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const match of text.matchAll(/(\w+)\s*:\s*(\$\w+|"(?:[^"\\]|\\.)*"|-?\d+|true|false|null)/g)) {
    const [, name = '', raw = ''] = match;
    if (raw.startsWith('$')) args[name] = variables[raw.slice(1)] ?? null;
    else if (raw.startsWith('"')) args[name] = JSON.parse(raw);
    else if (/^-?\d+$/.test(raw)) args[name] = Number(raw);
    else args[name] = raw === 'null' ? null : raw === 'true';
  }
  return args;
}

function unknownTimelogsField() {
  return {
    message: "Field 'timelogs' doesn't exist on type 'Query'",
    locations: [{ line: 2, column: 3 }],
    path: ['query', 'timelogs'],
    extensions: { code: 'undefinedField', typeName: 'Query', fieldName: 'timelogs' },
  };
}

function timelogs(context: RouteContext, args: Record<string, unknown>) {
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
    target: { project_id: number; iid: number } | undefined,
    kind: 'issues' | 'merge_requests',
  ) => {
    if (!target) return null;
    const path = world.projectPath(target.project_id);
    const source =
      kind === 'issues'
        ? world.scenario.issues?.find(
            (entry) => entry.project_id === target.project_id && entry.iid === target.iid,
          )
        : world.scenario.mergeRequests?.find(
            (entry) => entry.project_id === target.project_id && entry.iid === target.iid,
          );
    return {
      iid: String(target.iid),
      title: source?.title ?? `Item ${target.iid}`,
      webUrl: `${world.webUrl}/${path}/-/${kind}/${target.iid}`,
      projectId: target.project_id,
    };
  };
  return {
    id: `gid://gitlab/Timelog/${item.id}`,
    spentAt: item.spent_at,
    timeSpent: item.time_spent,
    summary: item.summary ?? null,
    user: { username: item.username },
    issue: ref(item.issue, 'issues'),
    mergeRequest: ref(item.merge_request, 'merge_requests'),
  };
}

function pipelines(context: RouteContext, projectId: number, path: string, args: Record<string, unknown>) {
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

/** Merge requests `username` reviews or wrote, updated at or after `updatedAfter`, newest first. */
function userMergeRequests(
  context: RouteContext,
  username: string,
  role: 'reviewer' | 'author',
  args: Record<string, unknown>,
) {
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
    user: { username: item.username },
  };
}

function cursorPage<T>(items: T[], args: Record<string, unknown>) {
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

function stringArg(args: Record<string, unknown>, name: string): string | undefined {
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

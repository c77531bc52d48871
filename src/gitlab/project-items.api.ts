import { z } from 'zod';
import type { GitLabClient } from './client.ts';
import { connectionComplexity, MAX_QUERY_COMPLEXITY, selectionComplexity } from './graphql-complexity.ts';
import { errorFromGraphql } from './graphql-errors.ts';
import { pageInfoSchema } from './graphql-schemas.ts';
import { PAGE_INFO_FIELDS } from './graphql-selections.ts';

/**
 * Merge requests and issues of several projects by iid in ONE GraphQL request: per project an alias
 * `p<n>: project(fullPath:) { m: mergeRequests(iids:) { … } i: issues(iids:) { … } }`. For a merge
 * request: when it was opened, its reviewers and its system notes — GraphQL has no "review
 * requested at" field in any version (15.x–18.x), but every version keeps the "requested review
 * from @x" / "removed review request for @x" system notes. For an issue: when it was created.
 * A REST sync asks one reviewers call per MR and one issue listing per project and page.
 */

export interface ProjectItemsWanted {
  fullPath: string;
  mergeRequestIids: readonly number[];
  issueIids: readonly number[];
}

export interface MergeRequestReviewInfo {
  iid: number;
  createdAt: string;
  reviewers: Array<{ id: number; username: string }>;
  /** System notes, oldest first (comments are dropped). */
  systemNotes: Array<{ body: string; createdAt: string }>;
}

export interface ProjectItems {
  mergeRequests: Map<number, MergeRequestReviewInfo>;
  /** iid → created at. */
  issues: Map<number, string>;
}

/** By full path; a project the token cannot see (or that is gone) is absent. */
export type ProjectItemsResult = Map<string, ProjectItems>;

const NOTE_FIELDS = `nodes { system body createdAt }
          ${PAGE_INFO_FIELDS}`;
const MERGE_REQUEST_FIELDS = `nodes {
        iid createdAt
        reviewers(first: 100) { nodes { id username } }
        notes(first: 100) {
          ${NOTE_FIELDS}
        }
      }
      ${PAGE_INFO_FIELDS}`;
const ISSUE_FIELDS = `nodes { iid createdAt }
      ${PAGE_INFO_FIELDS}`;

/** Most iids one list takes: GitLab pages at 100. */
export const MAX_IIDS_PER_LIST = 100;
/** MergeRequestsResolver and IssuesResolver: 1, +1 for their `sort` argument. */
const ISSUABLES_RESOLVER = 2;
/** `project(fullPath:)` around the lists. */
const PROJECT_WRAPPER = 1;
const PAGE_INFO = selectionComplexity(PAGE_INFO_FIELDS);
/**
 * Selections of one merge request list: `nodes` (1) holding iid and createdAt (1 each), the
 * reviewers connection (first 100, no sort: (3 + 1) × 2) and the notes connection (first 100, no
 * sort: (4 + 3 + 1) × 2), then pageInfo. Counted by hand: the nested lists are connections,
 * which selectionComplexity does not know.
 */
const MERGE_REQUEST_SELECTIONS =
  1 + 2 + connectionComplexity(3, 1, 100) + connectionComplexity(4 + PAGE_INFO, 1, 100) + PAGE_INFO;
const ISSUE_SELECTIONS = selectionComplexity(ISSUE_FIELDS);

/** GitLab's complexity of one project's lists (graphql-complexity.ts has the rules). */
export function projectItemsComplexity(mergeRequests: number, issues: number): number {
  const list = (selections: number, count: number) =>
    count === 0 ? 0 : connectionComplexity(selections, ISSUABLES_RESOLVER, count);
  return PROJECT_WRAPPER + list(MERGE_REQUEST_SELECTIONS, mergeRequests) + list(ISSUE_SELECTIONS, issues);
}

/**
 * The wanted items packed into queries within GitLab's complexity limit: lists of at most 100
 * iids, as many projects per query as fit. A project's iids may be spread over several queries.
 */
export function packProjectItems(
  wanted: readonly ProjectItemsWanted[],
  budget = MAX_QUERY_COMPLEXITY,
): ProjectItemsWanted[][] {
  const chunks: ProjectItemsWanted[] = [];
  for (const entry of wanted) {
    const mrs = [...new Set(entry.mergeRequestIids)];
    const issues = [...new Set(entry.issueIids)];
    // Halve a list while it alone is over the budget (a list of one always goes).
    let size = MAX_IIDS_PER_LIST;
    while (
      size > 1 &&
      projectItemsComplexity(Math.min(size, mrs.length), Math.min(size, issues.length)) > budget
    )
      size = Math.ceil(size / 2);
    for (let start = 0; start < Math.max(mrs.length, issues.length); start += size) {
      chunks.push({
        fullPath: entry.fullPath,
        mergeRequestIids: mrs.slice(start, start + size),
        issueIids: issues.slice(start, start + size),
      });
    }
  }
  const queries: ProjectItemsWanted[][] = [];
  let current: ProjectItemsWanted[] = [];
  let cost = 0;
  for (const chunk of chunks) {
    const chunkCost = projectItemsComplexity(chunk.mergeRequestIids.length, chunk.issueIids.length);
    if (current.length > 0 && cost + chunkCost > budget) {
      queries.push(current);
      current = [];
      cost = 0;
    }
    current.push(chunk);
    cost += chunkCost;
  }
  if (current.length > 0) queries.push(current);
  return queries;
}

/** The query text and variables for one packed query (exported for tests). */
export function buildProjectItemsQuery(wanted: readonly ProjectItemsWanted[]): {
  query: string;
  variables: Record<string, unknown>;
} {
  const declarations: string[] = [];
  const selections: string[] = [];
  const variables: Record<string, unknown> = {};
  wanted.forEach((entry, index) => {
    declarations.push(`$p${index}: ID!`);
    variables[`p${index}`] = entry.fullPath;
    const lists: string[] = [];
    if (entry.mergeRequestIids.length > 0) {
      declarations.push(`$m${index}: [String!]`);
      variables[`m${index}`] = entry.mergeRequestIids.map(String);
      lists.push(
        `    m: mergeRequests(iids: $m${index}, first: ${entry.mergeRequestIids.length}) {\n      ${MERGE_REQUEST_FIELDS}\n    }`,
      );
    }
    if (entry.issueIids.length > 0) {
      declarations.push(`$i${index}: [String!]`);
      variables[`i${index}`] = entry.issueIids.map(String);
      lists.push(
        `    i: issues(iids: $i${index}, first: ${entry.issueIids.length}) {\n      ${ISSUE_FIELDS}\n    }`,
      );
    }
    selections.push(`  p${index}: project(fullPath: $p${index}) {\n${lists.join('\n')}\n  }`);
  });
  const query = `query ActivityPulseProjectItems(${declarations.join(', ')}) {\n${selections.join('\n')}\n}`;
  return { query, variables };
}

export const MERGE_REQUEST_NOTES_QUERY = `query ActivityPulseMergeRequestNotes($path: ID!, $iid: String!, $after: String) {
  project(fullPath: $path) {
    mergeRequest(iid: $iid) {
      notes(first: 100, after: $after) {
          ${NOTE_FIELDS}
      }
    }
  }
}`;

const noteSchema = z.looseObject({ system: z.boolean(), body: z.string(), createdAt: z.string() });
const notesSchema = z.looseObject({ nodes: z.array(noteSchema), pageInfo: pageInfoSchema });
const mergeRequestSchema = z.looseObject({
  iid: z.string(),
  createdAt: z.string(),
  reviewers: z
    .looseObject({ nodes: z.array(z.looseObject({ id: z.string(), username: z.string() })) })
    .nullable()
    .optional(),
  notes: notesSchema,
});
const projectSchema = z
  .looseObject({
    m: z
      .looseObject({ nodes: z.array(mergeRequestSchema), pageInfo: pageInfoSchema })
      .nullable()
      .optional(),
    i: z
      .looseObject({
        nodes: z.array(z.looseObject({ iid: z.string(), createdAt: z.string() })),
        pageInfo: pageInfoSchema,
      })
      .nullable()
      .optional(),
  })
  .nullable();
const notesDataSchema = z.looseObject({
  project: z.looseObject({ mergeRequest: z.looseObject({ notes: notesSchema }).nullable() }).nullable(),
});

const ENDPOINT = 'POST /api/graphql (project items)';

/**
 * One packed query (see packProjectItems). Any error GitLab reports fails the whole call: the
 * facts asked for here decide what a sync stores, so half an answer is no answer.
 */
export async function fetchProjectItems(
  client: GitLabClient,
  wanted: readonly ProjectItemsWanted[],
): Promise<ProjectItemsResult> {
  const result: ProjectItemsResult = new Map();
  if (wanted.length === 0) return result;
  const { query, variables } = buildProjectItemsQuery(wanted);
  // https://docs.gitlab.com/api/graphql/reference/#projectmergerequests
  // https://docs.gitlab.com/api/graphql/reference/#projectissues
  const envelope = await client.graphqlEnvelope(query, variables, { endpoint: ENDPOINT });
  if (envelope.errors.length > 0) throw errorFromGraphql(ENDPOINT, envelope.errors);
  const data = z.record(z.string(), projectSchema).parse(envelope.data ?? {});
  for (const [index, entry] of wanted.entries()) {
    const project = data[`p${index}`];
    if (!project) continue; // hidden or gone: as a REST 404
    const items = result.get(entry.fullPath) ?? { mergeRequests: new Map(), issues: new Map() };
    result.set(entry.fullPath, items);
    const askedMrs = new Set(entry.mergeRequestIids);
    for (const node of project.m?.nodes ?? []) {
      const iid = Number(node.iid);
      if (!askedMrs.has(iid)) continue;
      const notes = [...node.notes.nodes];
      let page = node.notes.pageInfo;
      // An MR with more than 100 notes: the rest of its notes, one page a request.
      while (page.hasNextPage && page.endCursor) {
        const next = await fetchMergeRequestNotes(client, entry.fullPath, iid, page.endCursor);
        if (!next) break;
        notes.push(...next.nodes);
        page = next.pageInfo;
      }
      items.mergeRequests.set(iid, {
        iid,
        createdAt: node.createdAt,
        reviewers: (node.reviewers?.nodes ?? []).map((reviewer) => ({
          id: Number(/\/(\d+)$/.exec(reviewer.id)?.[1] ?? Number.NaN),
          username: reviewer.username,
        })),
        systemNotes: notes
          .filter((note) => note.system)
          .map(({ body, createdAt }) => ({ body, createdAt }))
          .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)),
      });
    }
    const askedIssues = new Set(entry.issueIids);
    for (const node of project.i?.nodes ?? []) {
      const iid = Number(node.iid);
      if (askedIssues.has(iid)) items.issues.set(iid, node.createdAt);
    }
  }
  return result;
}

async function fetchMergeRequestNotes(
  client: GitLabClient,
  fullPath: string,
  iid: number,
  after: string,
): Promise<z.infer<typeof notesSchema> | undefined> {
  // https://docs.gitlab.com/api/graphql/reference/#mergerequestnotes
  const data = await client.graphql(
    MERGE_REQUEST_NOTES_QUERY,
    { path: fullPath, iid: String(iid), after },
    notesDataSchema,
    { endpoint: 'POST /api/graphql (merge request notes)' },
  );
  return data.project?.mergeRequest?.notes;
}

import { connectionComplexity, MAX_QUERY_COMPLEXITY, selectionComplexity } from './graphql-complexity.ts';
import { PAGE_INFO_FIELDS } from './graphql-selections.ts';

/**
 * Merge requests and issues of several projects by iid in ONE GraphQL request: per project an alias
 * `p<n>: project(fullPath:) { m: mergeRequests(iids:) { … } i: issues(iids:) { … } }`. For a merge
 * request: when it was opened, its reviewers and its system notes — GraphQL has no "review
 * requested at" field in any version (15.x–18.x), but every version keeps the "requested review
 * from @x" / "removed review request for @x" system notes. For an issue: when it was created;
 * or, with `issuesCreatedAfter`, the first 100 issues created since then (`s: issues(createdAfter:)`),
 * which answers for every issue of a quiet project at once. A REST sync asks one reviewers call
 * per MR and one issue listing per project and page. The fetch is in project-items.api.ts.
 */

export interface ProjectItemsWanted {
  fullPath: string;
  mergeRequestIids: readonly number[];
  issueIids: readonly number[];
  /** ISO 8601: also list the issues created since then (one page of 100). */
  issuesCreatedAfter?: string;
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
  /** The newest 100 issues created since `issuesCreatedAfter`, iid → created at. */
  issuesCreatedSince?: Map<number, string>;
}

/** By full path; a project the token cannot see (or that is gone) is absent. */
export type ProjectItemsResult = Map<string, ProjectItems>;

export const NOTE_FIELDS = `nodes { system body createdAt }
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
export function projectItemsComplexity(mergeRequests: number, issues: number, createdSince = false): number {
  const list = (selections: number, count: number) =>
    count === 0 ? 0 : connectionComplexity(selections, ISSUABLES_RESOLVER, count);
  return (
    PROJECT_WRAPPER +
    list(MERGE_REQUEST_SELECTIONS, mergeRequests) +
    list(ISSUE_SELECTIONS, issues) +
    list(ISSUE_SELECTIONS, createdSince ? MAX_IIDS_PER_LIST : 0)
  );
}

function chunkComplexity(chunk: ProjectItemsWanted): number {
  return projectItemsComplexity(
    chunk.mergeRequestIids.length,
    chunk.issueIids.length,
    chunk.issuesCreatedAfter !== undefined,
  );
}

/**
 * The wanted items packed into queries within GitLab's complexity limit: lists of at most 100
 * iids, as many projects per query as fit. A project's iids may be spread over several queries.
 */
export function packProjectItems(
  wanted: readonly ProjectItemsWanted[],
  budget = MAX_QUERY_COMPLEXITY,
): ProjectItemsWanted[][] {
  const chunks = wanted.flatMap((entry) => projectChunks(entry, budget));
  const queries: ProjectItemsWanted[][] = [];
  let current: ProjectItemsWanted[] = [];
  let cost = 0;
  for (const chunk of chunks) {
    const chunkCost = chunkComplexity(chunk);
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

/**
 * One project's lists in pieces that fit the budget: MR and issue lists of as many iids as fit
 * (at most 100), side by side where they fit together; the created-since list with the first.
 */
function projectChunks(entry: ProjectItemsWanted, budget: number): ProjectItemsWanted[] {
  const none = { fullPath: entry.fullPath, mergeRequestIids: [], issueIids: [] };
  const pieces = (iids: readonly number[], cost: (size: number) => number) => {
    const unique = [...new Set(iids)];
    // The longest list within the budget (a list of one always goes), then pieces of even size.
    let longest = Math.min(MAX_IIDS_PER_LIST, unique.length);
    while (longest > 1 && cost(longest) > budget) longest -= 1;
    const size = Math.ceil(unique.length / Math.ceil(unique.length / Math.max(1, longest)));
    const out: number[][] = [];
    for (let start = 0; start < unique.length; start += size) out.push(unique.slice(start, start + size));
    return out;
  };
  const mrs = pieces(entry.mergeRequestIids, (size) => projectItemsComplexity(size, 0));
  const issues = pieces(entry.issueIids, (size) => projectItemsComplexity(0, size));
  const since = entry.issuesCreatedAfter;
  const chunks: ProjectItemsWanted[] = [];
  const count = Math.max(mrs.length, issues.length, since === undefined ? 0 : 1);
  for (let index = 0; index < count; index += 1) {
    const together: ProjectItemsWanted = {
      ...none,
      mergeRequestIids: mrs[index] ?? [],
      issueIids: issues[index] ?? [],
      ...(since !== undefined && index === 0 ? { issuesCreatedAfter: since } : {}),
    };
    if (chunkComplexity(together) <= budget) {
      chunks.push(together);
      continue;
    }
    // Apart, each list of the piece in a chunk of its own.
    if (together.mergeRequestIids.length > 0)
      chunks.push({ ...none, mergeRequestIids: together.mergeRequestIids });
    if (together.issueIids.length > 0) chunks.push({ ...none, issueIids: together.issueIids });
    if (together.issuesCreatedAfter !== undefined)
      chunks.push({ ...none, issuesCreatedAfter: together.issuesCreatedAfter });
  }
  return chunks;
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
    if (entry.issuesCreatedAfter !== undefined) {
      declarations.push(`$s${index}: Time`);
      variables[`s${index}`] = entry.issuesCreatedAfter;
      lists.push(
        `    s: issues(createdAfter: $s${index}, first: ${MAX_IIDS_PER_LIST}) {\n      ${ISSUE_FIELDS}\n    }`,
      );
    }
    selections.push(`  p${index}: project(fullPath: $p${index}) {\n${lists.join('\n')}\n  }`);
  });
  const query = `query ActivityPulseProjectItems(${declarations.join(', ')}) {\n${selections.join('\n')}\n}`;
  return { query, variables };
}

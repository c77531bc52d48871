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
  const chunks: ProjectItemsWanted[] = [];
  for (const entry of wanted) {
    const mrs = [...new Set(entry.mergeRequestIids)];
    const issues = [...new Set(entry.issueIids)];
    // Halve a list while it alone is over the budget (a list of one always goes).
    const since = entry.issuesCreatedAfter !== undefined;
    let size = MAX_IIDS_PER_LIST;
    while (
      size > 1 &&
      projectItemsComplexity(Math.min(size, mrs.length), Math.min(size, issues.length), since) > budget
    )
      size = Math.ceil(size / 2);
    // The created-since list rides with the project's first chunk.
    const total = Math.max(mrs.length, issues.length, since ? 1 : 0);
    for (let start = 0; start < total; start += size) {
      chunks.push({
        fullPath: entry.fullPath,
        mergeRequestIids: mrs.slice(start, start + size),
        issueIids: issues.slice(start, start + size),
        ...(since && start === 0 ? { issuesCreatedAfter: entry.issuesCreatedAfter } : {}),
      });
    }
  }
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

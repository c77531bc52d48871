import { z } from 'zod';
import type { GitLabClient } from './client.ts';
import { errorFromGraphql } from './graphql-errors.ts';
import { pageInfoSchema } from './graphql-schemas.ts';
import { idOfGid } from './grouped-lists.ts';
import {
  buildProjectItemsQuery,
  NOTE_FIELDS,
  type ProjectItems,
  type ProjectItemsResult,
  type ProjectItemsWanted,
} from './project-items-query.ts';

export * from './project-items-query.ts';

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
const issuesSchema = z.looseObject({
  nodes: z.array(z.looseObject({ iid: z.string(), createdAt: z.string() })),
  pageInfo: pageInfoSchema,
});
const projectSchema = z
  .looseObject({
    m: z
      .looseObject({ nodes: z.array(mergeRequestSchema), pageInfo: pageInfoSchema })
      .nullable()
      .optional(),
    i: issuesSchema.nullable().optional(),
    s: issuesSchema.nullable().optional(),
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
    const items: ProjectItems = result.get(entry.fullPath) ?? { mergeRequests: new Map(), issues: new Map() };
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
          id: idOfGid(reviewer.id),
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
    if (entry.issuesCreatedAfter !== undefined && project.s) {
      const after = Date.parse(entry.issuesCreatedAfter);
      items.issuesCreatedSince = new Map(
        project.s.nodes
          // GitLab filters by createdAfter; re-checked, as the answer decides what is a re-open.
          .filter((node) => Date.parse(node.createdAt) >= after)
          .map((node) => [Number(node.iid), node.createdAt]),
      );
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

import { z } from 'zod';
import type { GitLabClient } from './client.ts';
import { MAX_QUERY_COMPLEXITY, pipelineCountGroupComplexity } from './graphql-complexity.ts';
import { idOfGid, MAX_PROJECTS_PER_GROUP, projectGid } from './grouped-lists.ts';

/**
 * How many pipelines, everyone's, projects have updated after a time: what one list of a whole
 * project would cost in pages, asked before reading the pipelines of many teammates there for the
 * first time. One request counts up to hundreds of projects.
 */
export interface PipelineCountGroup {
  /** ISO 8601: the projects' shared `updatedAfter`. */
  updatedAfter: string;
  projectIds: readonly number[];
}

const countsSchema = z.record(
  z.string(),
  z
    .object({
      nodes: z.array(
        z.object({ id: z.string(), pipelines: z.object({ count: z.number().int() }).nullable() }).nullable(),
      ),
    })
    .nullable(),
);

/** The queries for these groups: 50 projects a group, as many groups a query as 250 allows. */
export function pipelineCountQueries(
  groups: readonly PipelineCountGroup[],
): Array<{ query: string; variables: Record<string, unknown> }> {
  const chunks = groups.flatMap((group) => {
    const out: PipelineCountGroup[] = [];
    for (let start = 0; start < group.projectIds.length; start += MAX_PROJECTS_PER_GROUP)
      out.push({ ...group, projectIds: group.projectIds.slice(start, start + MAX_PROJECTS_PER_GROUP) });
    return out;
  });
  const queries: Array<{ query: string; variables: Record<string, unknown> }> = [];
  let declarations: string[] = [];
  let selections: string[] = [];
  let variables: Record<string, unknown> = {};
  let complexity = 0;
  const flush = () => {
    if (selections.length === 0) return;
    queries.push({
      query: `query ActivityPulsePipelineCounts(${declarations.join(', ')}) {\n${selections.join('\n')}\n}`,
      variables,
    });
    [declarations, selections, variables, complexity] = [[], [], {}, 0];
  };
  for (const chunk of chunks) {
    const cost = pipelineCountGroupComplexity(chunk.projectIds.length);
    if (complexity + cost > MAX_QUERY_COMPLEXITY) flush();
    const prefix = `c${selections.length}`;
    declarations.push(`$${prefix}i: [ID!]!`, `$${prefix}a: Time`);
    variables[`${prefix}i`] = chunk.projectIds.map(projectGid);
    variables[`${prefix}a`] = chunk.updatedAfter;
    selections.push(
      `  ${prefix}: projects(ids: $${prefix}i, first: ${chunk.projectIds.length}) {\n    nodes { id pipelines(updatedAfter: $${prefix}a) { count } }\n  }`,
    );
    complexity += cost;
  }
  flush();
  return queries;
}

/** Each project's count; a project GitLab does not return (gone, hidden) is left out. */
export async function countProjectPipelines(
  client: GitLabClient,
  groups: readonly PipelineCountGroup[],
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const { query, variables } of pipelineCountQueries(groups)) {
    // https://docs.gitlab.com/api/graphql/reference/#queryprojects
    // https://docs.gitlab.com/api/graphql/reference/#pipelineconnection
    const data = await client.graphql(query, variables, countsSchema, {
      endpoint: 'POST /api/graphql (pipeline counts)',
    });
    for (const group of Object.values(data)) {
      for (const node of group?.nodes ?? []) {
        const id = idOfGid(node?.id ?? '');
        if (node?.pipelines && Number.isInteger(id)) counts.set(id, node.pipelines.count);
      }
    }
  }
  return counts;
}

import { z } from 'zod';

/**
 * Raw GraphQL `data` shapes (https://docs.gitlab.com/api/graphql/reference/) for the queries in
 * timelogs.api.ts and pipelines.api.ts, in GraphQL's camelCase.
 */

export const pageInfoSchema = z.looseObject({
  hasNextPage: z.boolean(),
  endCursor: z.string().nullable(),
});
export type GraphqlPageInfo = z.infer<typeof pageInfoSchema>;

/** `webUrl` is nullable on MergeRequest; `Issue.projectId` is nullable from 16.8 (group-level work items). */
const issuableRefSchema = z.looseObject({
  iid: z.string(),
  title: z.string(),
  webUrl: z.string().nullable().optional(),
  projectId: z.number().int().nullable().optional(),
});

export const timelogNodeSchema = z.looseObject({
  id: z.string(),
  spentAt: z.string().nullable(),
  /** Seconds; negative when time was subtracted. */
  timeSpent: z.number().int(),
  summary: z.string().nullable().optional(),
  user: z.looseObject({ username: z.string() }),
  issue: issuableRefSchema.nullable().optional(),
  mergeRequest: issuableRefSchema.nullable().optional(),
});
export type GitLabTimelog = z.infer<typeof timelogNodeSchema>;

export const timelogsDataSchema = z.looseObject({
  timelogs: z.looseObject({
    nodes: z.array(timelogNodeSchema),
    pageInfo: pageInfoSchema,
  }),
});

export const pipelineNodeSchema = z.looseObject({
  id: z.string(),
  iid: z.string(),
  status: z.string(),
  /** Seconds, null while running or when never started. */
  duration: z.number().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  finishedAt: z.string().nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string().nullable().optional(),
  ref: z.string().nullable().optional(),
  sha: z.string().nullable().optional(),
  source: z.string().nullable().optional(),
  /** Relative path of the pipeline page, e.g. /group/project/-/pipelines/123. */
  path: z.string().nullable().optional(),
  user: z.looseObject({ username: z.string() }).nullable().optional(),
});
export type GitLabPipelineNode = z.infer<typeof pipelineNodeSchema>;

/** `project` is null when the path does not exist or the token cannot see it. */
export const projectPipelinesDataSchema = z.looseObject({
  project: z
    .looseObject({
      pipelines: z
        .looseObject({
          nodes: z.array(pipelineNodeSchema),
          pageInfo: pageInfoSchema,
        })
        .nullable(),
    })
    .nullable(),
});

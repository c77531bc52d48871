import { z } from 'zod';

/**
 * Raw REST response shapes in GitLab's own casing (https://docs.gitlab.com/api/rest/). Objects are
 * loose: unknown fields are kept (the sync stores the raw payload), only the fields ActivityPulse
 * reads are checked. Fields GitLab sends as null are nullable; fields that depend on the GitLab
 * version are optional. Mapping to ActivityPulse's model happens elsewhere.
 */

export * from './graphql-schemas.ts';

const timestamp = z.string();
const nullableTimestamp = timestamp.nullable();

export const userBasicSchema = z.looseObject({
  id: z.number().int(),
  username: z.string(),
  name: z.string(),
  state: z.string().optional(),
  avatar_url: z.string().nullable().optional(),
  web_url: z.string().optional(),
});
export type GitLabUserBasic = z.infer<typeof userBasicSchema>;

/** GET /user: the token's own user. */
export const currentUserSchema = userBasicSchema.extend({
  public_email: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  private_profile: z.boolean().nullable().optional(),
  created_at: nullableTimestamp.optional(),
  is_admin: z.boolean().optional(),
});
export type GitLabCurrentUser = z.infer<typeof currentUserSchema>;

/** GET /personal_access_tokens/self. `expires_at` is a date (YYYY-MM-DD) or null. */
export const tokenSelfSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  revoked: z.boolean(),
  active: z.boolean(),
  scopes: z.array(z.string()),
  user_id: z.number().int(),
  created_at: timestamp,
  last_used_at: nullableTimestamp.optional(),
  expires_at: z.string().nullable(),
});
export type GitLabTokenSelf = z.infer<typeof tokenSelfSchema>;

export const versionSchema = z.looseObject({
  version: z.string(),
  revision: z.string().optional(),
  enterprise: z.boolean().optional(),
});
export type GitLabVersion = z.infer<typeof versionSchema>;

export const pushDataSchema = z.object({
  commit_count: z.number().int(),
  action: z.string(),
  ref_type: z.string(),
  commit_from: z.string().nullable(),
  commit_to: z.string().nullable(),
  ref: z.string().nullable(),
  commit_title: z.string().nullable(),
  ref_count: z.number().int().nullable().optional(),
});

export const noteSchema = z.object({
  id: z.number().int(),
  body: z.string(),
  type: z.string().nullable().optional(),
  author: userBasicSchema.optional(),
  created_at: timestamp,
  updated_at: timestamp.optional(),
  system: z.boolean().optional(),
  noteable_id: z.number().int().nullable().optional(),
  noteable_type: z.string(),
  noteable_iid: z.number().int().nullable().optional(),
  resolvable: z.boolean().optional(),
  position: z.looseObject({}).nullable().optional(),
});
export type GitLabNote = z.infer<typeof noteSchema>;

/**
 * GET /users/:id/events. Events, their notes and push data, and commits are read by the thousand:
 * their schemas keep only the fields we read (an unknown field is dropped, not copied).
 */
export const eventSchema = z.object({
  id: z.number().int(),
  project_id: z.number().int().nullable().optional(),
  action_name: z.string(),
  target_id: z.number().int().nullable(),
  target_iid: z.number().int().nullable(),
  target_type: z.string().nullable(),
  target_title: z.string().nullable(),
  author_id: z.number().int(),
  /** null for a deleted user (ghost) or a system action. */
  author_username: z.string().nullable().optional(),
  author: userBasicSchema.optional(),
  created_at: timestamp,
  /** null on some pushes (bulk pushes, imports): such an event is a push we cannot detail. */
  push_data: pushDataSchema.nullable().optional(),
  note: noteSchema.optional(),
});
export type GitLabEvent = z.infer<typeof eventSchema>;

export const mergeRequestSchema = z.looseObject({
  id: z.number().int(),
  iid: z.number().int(),
  project_id: z.number().int(),
  title: z.string(),
  description: z.string().nullable().optional(),
  state: z.string(),
  draft: z.boolean().optional(),
  created_at: timestamp,
  updated_at: timestamp,
  merged_at: nullableTimestamp.optional(),
  closed_at: nullableTimestamp.optional(),
  source_branch: z.string(),
  target_branch: z.string().optional(),
  web_url: z.string(),
  author: userBasicSchema,
  merged_by: userBasicSchema.nullable().optional(),
  merge_user: userBasicSchema.nullable().optional(),
  closed_by: userBasicSchema.nullable().optional(),
  reviewers: z.array(userBasicSchema).optional(),
  assignees: z.array(userBasicSchema).optional(),
  references: z.looseObject({ short: z.string(), relative: z.string(), full: z.string() }).optional(),
});
export type GitLabMergeRequest = z.infer<typeof mergeRequestSchema>;

/** GET /projects/:id/merge_requests/:iid/approvals. Credit only `approved_by`, never `approved`. */
export const mergeRequestApprovalsSchema = z.looseObject({
  approved: z.boolean().optional(),
  approved_by: z.array(
    z.looseObject({
      user: userBasicSchema,
      approved_at: nullableTimestamp.optional(),
    }),
  ),
});
export type GitLabMergeRequestApprovals = z.infer<typeof mergeRequestApprovalsSchema>;

/** GET /projects/:id/merge_requests/:iid/reviewers. */
export const mergeRequestReviewerSchema = z.looseObject({
  user: userBasicSchema,
  state: z.string(),
  created_at: nullableTimestamp.optional(),
});
export type GitLabMergeRequestReviewer = z.infer<typeof mergeRequestReviewerSchema>;

export const commitSchema = z.object({
  id: z.string(),
  short_id: z.string(),
  title: z.string(),
  message: z.string(),
  author_name: z.string(),
  author_email: z.string(),
  authored_date: timestamp,
  committer_name: z.string().optional(),
  committer_email: z.string().optional(),
  committed_date: timestamp,
  created_at: timestamp.optional(),
  parent_ids: z.array(z.string()).optional(),
  web_url: z.string(),
  stats: z.object({ additions: z.number(), deletions: z.number(), total: z.number() }).optional(),
});
export type GitLabCommit = z.infer<typeof commitSchema>;

export const projectSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().optional(),
  path_with_namespace: z.string(),
  web_url: z.string(),
  default_branch: z.string().nullable().optional(),
  visibility: z.string().optional(),
});
export type GitLabProject = z.infer<typeof projectSchema>;

export const issueSchema = z.looseObject({
  id: z.number().int(),
  iid: z.number().int(),
  project_id: z.number().int(),
  title: z.string(),
  state: z.string(),
  created_at: timestamp,
  updated_at: timestamp.optional(),
  closed_at: nullableTimestamp.optional(),
  web_url: z.string(),
  author: userBasicSchema,
  closed_by: userBasicSchema.nullable().optional(),
  issue_type: z.string().optional(),
  references: z.looseObject({ full: z.string() }).optional(),
});
export type GitLabIssue = z.infer<typeof issueSchema>;

/** GET /projects/:id/pipelines: no duration, no user (one more request per pipeline for those). */
export const pipelineSchema = z.looseObject({
  id: z.number().int(),
  iid: z.number().int().optional(),
  project_id: z.number().int(),
  sha: z.string(),
  ref: z.string(),
  status: z.string(),
  source: z.string().optional(),
  created_at: timestamp,
  updated_at: timestamp,
  web_url: z.string(),
});
export type GitLabPipeline = z.infer<typeof pipelineSchema>;

/** GET /projects/:id/pipelines/:pipeline_id. */
export const pipelineDetailSchema = pipelineSchema.extend({
  started_at: nullableTimestamp.optional(),
  finished_at: nullableTimestamp.optional(),
  duration: z.number().nullable().optional(),
  queued_duration: z.number().nullable().optional(),
  user: userBasicSchema.nullable().optional(),
});
export type GitLabPipelineDetail = z.infer<typeof pipelineDetailSchema>;

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  commitSchema,
  currentUserSchema,
  eventSchema,
  issueSchema,
  mergeRequestApprovalsSchema,
  mergeRequestReviewerSchema,
  mergeRequestSchema,
  noteSchema,
  pipelineDetailSchema,
  pipelineSchema,
  projectPipelinesDataSchema,
  projectSchema,
  timelogsDataSchema,
  tokenSelfSchema,
  userBasicSchema,
  versionSchema,
} from '../../src/gitlab/schemas.ts';
import commit from '../support/fake-gitlab/fixtures/commit.json' with { type: 'json' };
import currentUser from '../support/fake-gitlab/fixtures/current-user.json' with { type: 'json' };
import eventCommented from '../support/fake-gitlab/fixtures/event-commented.json' with { type: 'json' };
import eventPushed from '../support/fake-gitlab/fixtures/event-pushed.json' with { type: 'json' };
import pipelinesData from '../support/fake-gitlab/fixtures/graphql-project-pipelines.json' with {
  type: 'json',
};
import timelogsData from '../support/fake-gitlab/fixtures/graphql-timelogs.json' with { type: 'json' };
import issue from '../support/fake-gitlab/fixtures/issue.json' with { type: 'json' };
import mergeRequest from '../support/fake-gitlab/fixtures/merge-request.json' with { type: 'json' };
import approvals from '../support/fake-gitlab/fixtures/merge-request-approvals.json' with { type: 'json' };
import reviewer from '../support/fake-gitlab/fixtures/merge-request-reviewer.json' with { type: 'json' };
import note from '../support/fake-gitlab/fixtures/note.json' with { type: 'json' };
import pipeline from '../support/fake-gitlab/fixtures/pipeline.json' with { type: 'json' };
import pipelineDetail from '../support/fake-gitlab/fixtures/pipeline-detail.json' with { type: 'json' };
import project from '../support/fake-gitlab/fixtures/project.json' with { type: 'json' };
import tokenSelf from '../support/fake-gitlab/fixtures/token-self.json' with { type: 'json' };
import userBasic from '../support/fake-gitlab/fixtures/user-basic.json' with { type: 'json' };
import version from '../support/fake-gitlab/fixtures/version.json' with { type: 'json' };

const cases: Array<[string, z.ZodType, unknown]> = [
  ['user basic', userBasicSchema, userBasic],
  ['current user', currentUserSchema, currentUser],
  ['token self', tokenSelfSchema, tokenSelf],
  ['version', versionSchema, version],
  ['merge request', mergeRequestSchema, mergeRequest],
  ['merge request approvals', mergeRequestApprovalsSchema, approvals],
  ['merge request reviewer', mergeRequestReviewerSchema, reviewer],
  ['project', projectSchema, project],
  ['issue', issueSchema, issue],
  ['pipeline (list)', pipelineSchema, pipeline],
  ['pipeline (single)', pipelineDetailSchema, pipelineDetail],
  ['GraphQL timelogs data', timelogsDataSchema, timelogsData.data],
  ['GraphQL project pipelines data', projectPipelinesDataSchema, pipelinesData.data],
];

/** Read by the thousand in a sync: only the fields we read are kept. */
const readOnly: Array<[string, z.ZodObject, Record<string, unknown>]> = [
  ['push event', eventSchema, eventPushed],
  ['comment event (DiffNote with position)', eventSchema, eventCommented],
  ['note', noteSchema, note],
  ['commit with stats', commitSchema, commit],
];

describe('raw GitLab schemas', () => {
  it.each(readOnly)('accept a real-shaped %s and keep every field they declare', (_name, schema, fixture) => {
    const parsed = schema.parse(fixture) as Record<string, unknown>;
    // Nothing made up, nothing changed…
    expect(fixture).toMatchObject(parsed);
    // …and every declared field GitLab sent is there.
    for (const key of Object.keys(schema.shape)) if (key in fixture) expect(parsed).toHaveProperty(key);
    expect(Object.keys(parsed).length).toBeLessThan(Object.keys(fixture).length);
  });

  it.each(cases)('accept a real-shaped %s and keep every field', (_name, schema, fixture) => {
    const parsed = schema.parse(fixture);
    // Loose objects: nothing GitLab sent is dropped.
    expect(parsed).toEqual(fixture);
  });

  it('accept the nulls GitLab sends', () => {
    expect(
      mergeRequestSchema.parse({ ...mergeRequest, merged_by: null, merged_at: null, closed_at: null })
        .merged_by,
    ).toBeNull();
    expect(
      eventSchema.parse({ ...eventPushed, push_data: { ...eventPushed.push_data, commit_from: null } })
        .push_data,
    ).toMatchObject({ commit_from: null });
    expect(tokenSelfSchema.parse({ ...tokenSelf, expires_at: null }).expires_at).toBeNull();
    expect(
      pipelineDetailSchema.parse({ ...pipelineDetail, duration: null, started_at: null }).duration,
    ).toBeNull();
  });

  it('accept older GitLab answers that lack newer fields', () => {
    const { approved_at: _dropped, ...olderApproval } = approvals.approved_by[0] as { approved_at: string };
    expect(
      mergeRequestApprovalsSchema.parse({ approved_by: [olderApproval] }).approved_by[0]?.approved_at,
    ).toBe(undefined);
    const { reviewers: _reviewers, references: _references, ...olderMr } = mergeRequest;
    expect(mergeRequestSchema.safeParse(olderMr).success).toBe(true);
  });

  it('reject what the sync could not use', () => {
    expect(eventSchema.safeParse({ ...eventPushed, created_at: undefined }).success).toBe(false);
    expect(commitSchema.safeParse({ ...commit, id: 42 }).success).toBe(false);
    expect(mergeRequestSchema.safeParse({ ...mergeRequest, author: null }).success).toBe(false);
  });
});

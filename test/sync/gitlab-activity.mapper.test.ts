import { describe, expect, it } from 'vitest';
import type { GitLabEvent } from '../../src/gitlab/index.ts';
import { groupPushes } from '../../src/modules/sync/event-follow-ups.ts';
import { type MapContext, mapEvent } from '../../src/modules/sync/gitlab-activity.mapper.ts';
import {
  mapPipeline,
  mapTimelog,
  projectPathFromWebUrl,
} from '../../src/modules/sync/gitlab-resources.mapper.ts';
import { budgetAfterRefusal } from '../../src/modules/sync/graphql-batches.ts';
import { eventsAfterParam } from '../../src/modules/sync/teammate-events.ts';

const context: MapContext = {
  host: 'gitlab.example.com',
  baseUrl: 'https://gitlab.example.com',
  projectPath: (id) => (id === 7 ? 'acme/billing' : undefined),
  mergeRequest: (projectId, iid) =>
    projectId === 7 && iid === 5
      ? {
          projectId: 7,
          iid: 5,
          title: 'Invoices export',
          webUrl: 'https://gitlab.example.com/acme/billing/-/merge_requests/5',
          sourceBranch: 'feature/pay-12-invoices',
          createdAt: '2024-05-06T10:00:00Z',
          authorId: 41,
        }
      : undefined,
};

function event(overrides: Partial<GitLabEvent>): GitLabEvent {
  return {
    id: 1,
    project_id: 7,
    action_name: 'opened',
    target_id: null,
    target_iid: null,
    target_type: null,
    target_title: null,
    author_id: 42,
    created_at: '2024-05-07T09:00:00Z',
    ...overrides,
  };
}

const note = (noteableType: string, system = false) =>
  event({
    action_name: 'commented on',
    target_type: 'DiscussionNote',
    target_id: 99,
    target_title: 'Invoices export',
    note: {
      id: 99,
      body: 'ok',
      created_at: '2024-05-07T09:00:00Z',
      noteable_type: noteableType,
      noteable_iid: 5,
      system,
    },
  });

describe('mapping GitLab events to activities', () => {
  it('maps merge request actions, crediting the merger on accepted and naming the actor where several can act', () => {
    const kinds = ['opened', 'accepted', 'closed', 'approved', 'reopened', 'updated'].map((action) => {
      // The opening's event is written as the MR is created (10:00).
      const at = action === 'opened' ? '2024-05-06T10:00:01Z' : '2024-05-07T09:00:00Z';
      const mapped = mapEvent(
        event({ action_name: action, target_type: 'MergeRequest', target_iid: 5, created_at: at }),
        context,
      );
      return mapped && [mapped.kind, mapped.naturalKey];
    });
    expect(kinds).toEqual([
      ['mr_opened', 'gitlab:gitlab.example.com:mr_opened:7:5'],
      ['mr_merged', 'gitlab:gitlab.example.com:mr_merged:7:5'],
      ['mr_closed', 'gitlab:gitlab.example.com:mr_closed:7:5:42'],
      ['mr_approved', 'gitlab:gitlab.example.com:mr_approved:7:5:42'],
      undefined,
      undefined,
    ]);
    const approved = mapEvent(
      event({ action_name: 'approved', target_type: 'MergeRequest', target_iid: 5 }),
      context,
    );
    expect(approved).toMatchObject({
      url: 'https://gitlab.example.com/acme/billing/-/merge_requests/5',
      jiraKeys: ['PAY-12'],
      mergeRequestRef: '7!5',
      isReview: true,
      mrCreatedAt: new Date('2024-05-06T10:00:00Z'),
      reviewRequestedAt: null,
    });
    expect(approved?.payload).not.toHaveProperty('review');
  });

  it('does not count a re-open (GitLab names it `opened` too) as an opening', () => {
    // MR !5 was created 2024-05-06 10:00; an `opened` event a day later is its re-open.
    expect(mapEvent(event({ target_type: 'MergeRequest', target_iid: 5 }), context)).toBeUndefined();
    const withIssue: MapContext = { ...context, issueCreatedAt: () => '2024-04-01T08:00:00Z' };
    expect(mapEvent(event({ target_type: 'Issue', target_iid: 3 }), withIssue)).toBeUndefined();
    expect(
      mapEvent(event({ target_type: 'Issue', target_iid: 3, created_at: '2024-04-01T08:00:02Z' }), withIssue),
    ).toMatchObject({ kind: 'issue_opened', occurredAt: new Date('2024-04-01T08:00:02Z') });
    // When GitLab does not tell when the target was created, the event counts as an opening.
    expect(mapEvent(event({ target_type: 'Issue', target_iid: 3 }), context)).toMatchObject({
      kind: 'issue_opened',
    });
  });

  it('maps issues and work items opened and closed', () => {
    expect(
      mapEvent(event({ target_type: 'Issue', target_iid: 3, target_title: 'OPS-9 crash' }), context),
    ).toMatchObject({
      kind: 'issue_opened',
      url: 'https://gitlab.example.com/acme/billing/-/issues/3',
      jiraKeys: ['OPS-9'],
    });
    expect(
      mapEvent(event({ action_name: 'closed', target_type: 'WorkItem', target_iid: 4 }), context),
    ).toMatchObject({
      kind: 'issue_closed',
      naturalKey: 'gitlab:gitlab.example.com:issue_closed:7:4:42',
    });
  });

  it('keeps comments on merge requests and issues only, never system notes', () => {
    expect(mapEvent(note('MergeRequest'), context)).toMatchObject({
      kind: 'mr_commented',
      naturalKey: 'gitlab:gitlab.example.com:note:99',
      url: 'https://gitlab.example.com/acme/billing/-/merge_requests/5#note_99',
    });
    expect(mapEvent(note('Issue'), context)?.kind).toBe('issue_commented');
    expect(mapEvent(note('WorkItem'), context)?.kind).toBe('issue_commented');
    expect(mapEvent(note('Commit'), context)).toBeUndefined();
    expect(mapEvent(note('Snippet'), context)).toBeUndefined();
    expect(mapEvent(note('MergeRequest', true), context)).toBeUndefined();
  });

  it('maps time logs and pipelines from GraphQL nodes', () => {
    expect(
      mapTimelog(
        {
          id: 'gid://gitlab/Timelog/301',
          spentAt: '2024-05-08T16:00:00Z',
          timeSpent: 5400,
          summary: 'Pairing',
          user: { username: 'ada' },
          issue: { iid: '3', title: 'OPS-9 crash', webUrl: 'https://gitlab.example.com/acme/web/-/issues/3' },
          mergeRequest: null,
        },
        context,
      ),
    ).toMatchObject({
      kind: 'time_logged',
      naturalKey: 'gitlab:gitlab.example.com:timelog:301',
      timeSpentSeconds: 5400,
      project: 'acme/web',
      jiraKeys: ['OPS-9'],
    });
    expect(
      mapPipeline(
        {
          id: 'gid://gitlab/Ci::Pipeline/501',
          iid: '51',
          status: 'SUCCESS',
          duration: 300,
          createdAt: '2024-05-06T09:31:00Z',
          ref: 'feature/pay-12-invoices',
          sha: 'abc',
          path: '/acme/billing/-/pipelines/501',
        },
        'acme/billing',
        context,
      ),
    ).toMatchObject({
      kind: 'pipeline_run',
      naturalKey: 'gitlab:gitlab.example.com:pipeline:acme/billing:501',
      durationSeconds: 300,
      url: 'https://gitlab.example.com/acme/billing/-/pipelines/501',
      pipelineStatus: 'success',
      payload: { status: 'success', ref: 'feature/pay-12-invoices', sha: 'abc' },
    });
  });

  it('reads project paths from web URLs, also under a sub-path', () => {
    expect(projectPathFromWebUrl('https://h/group/sub/project/-/merge_requests/1')).toBe('group/sub/project');
    expect(projectPathFromWebUrl('https://h/gitlab/group/p/-/commit/abc', 'https://h/gitlab')).toBe(
      'group/p',
    );
  });
});

describe('request planning', () => {
  const push = (id: number, ref: string, from: string | null, to: string, count = 1, projectId = 7) =>
    event({
      id,
      project_id: projectId,
      action_name: from ? 'pushed to' : 'pushed new',
      push_data: {
        commit_count: count,
        action: from ? 'pushed' : 'created',
        ref_type: 'branch',
        commit_from: from,
        commit_to: to,
        ref,
        commit_title: 'x',
      },
    });

  it('merges contiguous pushes to one branch into one commits request, keeps others apart', () => {
    const groups = groupPushes([
      push(1, 'a', null, 's2', 2),
      push(2, 'b', 'b0', 'b1'),
      push(3, 'a', 's2', 's3'),
      push(4, 'a', 's3', 's5', 2),
      push(5, 'a', 'zz', 's9'), // force-pushed: not contiguous
      push(6, 'a', 's9', 's10', 1, 8), // same branch name, another project
      event({
        id: 7,
        push_data: {
          commit_count: 1,
          action: 'pushed',
          ref_type: 'tag',
          commit_from: null,
          commit_to: 't',
          ref: 'v1',
          commit_title: null,
        },
      }),
      push(8, 'gone', 'g1', '0000000000000000000000000000000000000000', 0),
    ]);
    expect(groups.map((group) => [group.projectId, group.ref, group.from, group.to, group.count])).toEqual([
      [7, 'a', null, 's5', 5],
      [7, 'b', 'b0', 'b1', 1],
      [7, 'a', 'zz', 's9', 1],
      [8, 'a', 's9', 's10', 1],
    ]);
  });

  it('asks for events one day wider than the window, as `after` excludes a whole day of the server’s zone', () => {
    // A window from 2024-05-10 05:00 UTC on a server at UTC-10 (still 05-09 there): after=05-08.
    expect(eventsAfterParam(new Date('2024-05-10T05:00:00Z'))).toBe('2024-05-08');
    expect(eventsAfterParam(new Date('2024-05-10T00:00:00Z'))).toBe('2024-05-08');
  });

  it('lowers the complexity budget by how much more GitLab counted than we did', () => {
    // We sent 240 by our count; GitLab counted 300 against 250: plan with 200 from now on.
    expect(
      budgetAfterRefusal(250, 240, ['Query has complexity of 300, which exceeds max complexity of 250']),
    ).toBe(200);
    expect(budgetAfterRefusal(250, 240, ['Request timed out'])).toBe(250);
  });
});

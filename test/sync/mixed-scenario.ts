import type { FakeCommit, FakeScenario } from '../support/fake-gitlab/index.ts';

/**
 * A small team's week on one GitLab, touching every activity kind:
 * - ada pushes a new branch `feature/pay-12-invoices` (2 commits) then one more commit on it, pushes
 *   2 commits to the existing `fix/ops-9-login`, opens MR !5, comments on it herself, reviews
 *   grace's MR !6 (review requested 08:00; comments 10:00, 10:20, 14:00; approves 15:00), opens
 *   issue #3 and comments on it, closes work item #4, logs 2 h, runs a pipeline;
 * - grace pushes a new branch `feature/refunds` (1 commit), opens MR !6 from it, merges ada's !5,
 *   logs 30 min, runs a failing pipeline;
 * - grace asks ada to review MR !7 (not reviewed yet);
 * - hidden has a private profile; ghost does not exist on GitLab.
 */
export const SYNC_TOKEN = 'glpat-SyncBotReadApi00001';
export const EXPIRED_TOKEN = 'glpat-SyncBotExpired00002';

const commit = (
  id: string,
  refs: string[],
  parent: string | null,
  message: string,
  at: string,
  additions: number,
  deletions: number,
): FakeCommit => ({
  project_id: 7,
  refs,
  id,
  message,
  author_name: 'Ada Example',
  author_email: 'ada@example.test',
  authored_date: at,
  committed_date: at,
  additions,
  deletions,
  parent_ids: parent ? [parent] : [],
});

const sha = (name: string) => name.padEnd(40, '0');
export const SHA = {
  base: sha('ba5e'),
  c1: sha('c1c1'),
  c2: sha('c2c2'),
  c3: sha('c3c3'),
  x1: sha('e1e1'),
  x2: sha('e2e2'),
  x3: sha('e3e3'),
  refunds: sha('f00d'),
};

export function mixedScenario(): FakeScenario {
  const feature = 'feature/pay-12-invoices';
  const fix = 'fix/ops-9-login';
  return {
    users: [
      { id: 41, username: 'ada', name: 'Ada Example' },
      { id: 42, username: 'grace', name: 'Grace Example' },
      { id: 43, username: 'hidden', name: 'Private Person', private_profile: true },
      { id: 50, username: 'pulse-bot', name: 'ActivityPulse bot' },
    ],
    tokens: {
      [SYNC_TOKEN]: { userId: 50, scopes: ['read_api'], expires_at: null },
      [EXPIRED_TOKEN]: { userId: 50, scopes: ['read_api'], expires_at: '2020-01-01' },
    },
    projects: [
      { id: 7, path_with_namespace: 'acme/billing', default_branch: 'main' },
      { id: 8, path_with_namespace: 'acme/web', default_branch: 'main' },
    ],
    commits: [
      commit(SHA.base, ['main', feature, fix], null, 'Initial commit', '2024-04-01T08:00:00Z', 100, 0),
      commit(SHA.c1, [feature], SHA.base, 'PAY-12 add invoice model', '2024-05-06T08:50:00Z', 10, 2),
      commit(SHA.c2, [feature], SHA.c1, 'Add exporter', '2024-05-06T08:55:00Z', 30, 5),
      commit(SHA.c3, [feature], SHA.c2, 'Fix rounding (PAY-13)', '2024-05-06T09:25:00Z', 3, 1),
      commit(SHA.x1, [fix], SHA.base, 'Start login fix', '2024-04-02T08:00:00Z', 1, 1),
      commit(SHA.x2, [fix], SHA.x1, 'Guard null session', '2024-05-06T11:00:00Z', 4, 0),
      commit(SHA.x3, [fix], SHA.x2, 'Add test for the CVE-2024-1234 fix', '2024-05-06T11:05:00Z', 20, 0),
      {
        ...commit(SHA.refunds, ['feature/refunds'], SHA.base, 'Refunds', '2024-05-07T06:55:00Z', 50, 10),
        author_name: 'Grace Example',
        author_email: 'grace@example.test',
      },
    ],
    mergeRequests: [
      {
        project_id: 7,
        iid: 5,
        title: 'Invoices export',
        state: 'merged',
        author: 'ada',
        source_branch: feature,
        created_at: '2024-05-06T10:00:00Z',
        updated_at: '2024-05-08T09:00:00Z',
        merged_at: '2024-05-08T09:00:00Z',
        merged_by: 'grace',
        reviewers: [{ username: 'grace', created_at: '2024-05-06T10:00:00Z', state: 'approved' }],
        notes: [{ id: 7005, author: 'ada', body: 'Ready for review', created_at: '2024-05-06T10:05:00Z' }],
      },
      {
        project_id: 7,
        iid: 6,
        title: 'PAY-20 refunds',
        state: 'opened',
        author: 'grace',
        source_branch: 'feature/refunds',
        created_at: '2024-05-07T07:00:00Z',
        updated_at: '2024-05-07T15:00:00Z',
        reviewers: [{ username: 'ada', created_at: '2024-05-07T08:00:00Z', state: 'approved' }],
        approvals: [{ username: 'ada', approved_at: '2024-05-07T15:00:00Z' }],
        notes: [
          {
            id: 7002,
            author: 'ada',
            body: 'Why not reuse the ledger?',
            created_at: '2024-05-07T10:00:00Z',
            type: 'DiffNote',
          },
          {
            id: 7003,
            author: 'ada',
            body: 'Nit: naming',
            created_at: '2024-05-07T10:20:00Z',
            type: 'DiffNote',
          },
          { id: 7004, author: 'ada', body: 'Looks good now', created_at: '2024-05-07T14:00:00Z' },
        ],
      },
      {
        // Waiting for ada's review: she has not acted on it yet.
        project_id: 7,
        iid: 7,
        title: 'Ledger cleanup',
        state: 'opened',
        author: 'grace',
        source_branch: 'chore/ops-31-ledger',
        created_at: '2024-05-09T08:00:00Z',
        updated_at: '2024-05-09T09:00:00Z',
        reviewers: [{ username: 'ada', created_at: '2024-05-09T09:00:00Z', state: 'unreviewed' }],
      },
    ],
    issues: [
      {
        project_id: 8,
        iid: 3,
        title: 'Crash on login OPS-9',
        state: 'opened',
        author: 'ada',
        created_at: '2024-05-08T08:00:00Z',
        updated_at: '2024-05-08T08:30:00Z',
      },
      {
        project_id: 8,
        iid: 4,
        title: 'Old task',
        state: 'closed',
        author: 'grace',
        created_at: '2024-04-01T08:00:00Z',
        updated_at: '2024-05-08T10:00:00Z',
        closed_at: '2024-05-08T10:00:00Z',
        closed_by: 'ada',
      },
    ],
    events: [
      // ada: a new branch with 2 commits, then one more commit on it (contiguous: one commits request).
      pushEvent(1001, 'ada', '2024-05-06T09:00:00Z', {
        action: 'created',
        ref: feature,
        from: null,
        to: SHA.c2,
        count: 2,
        title: 'Add exporter',
      }),
      pushEvent(1002, 'ada', '2024-05-06T09:30:00Z', {
        action: 'pushed',
        ref: feature,
        from: SHA.c2,
        to: SHA.c3,
        count: 1,
        title: 'Fix rounding (PAY-13)',
      }),
      {
        id: 1003,
        author: 'ada',
        project_id: 7,
        action_name: 'opened',
        target_type: 'MergeRequest',
        target_id: 70005,
        target_iid: 5,
        target_title: 'Invoices export',
        created_at: '2024-05-06T10:00:00Z',
      },
      noteEvent(1004, 'ada', 7, '2024-05-06T10:05:00Z', {
        id: 7005,
        noteable_type: 'MergeRequest',
        noteable_iid: 5,
        title: 'Invoices export',
        body: 'Ready for review',
      }),
      pushEvent(1005, 'ada', '2024-05-06T11:10:00Z', {
        action: 'pushed',
        ref: fix,
        from: SHA.x1,
        to: SHA.x3,
        count: 2,
        title: 'Add test for the CVE-2024-1234 fix',
      }),
      noteEvent(1006, 'ada', 7, '2024-05-07T10:00:00Z', {
        id: 7002,
        noteable_type: 'MergeRequest',
        noteable_iid: 6,
        title: 'PAY-20 refunds',
        body: 'Why not reuse the ledger?',
        type: 'DiffNote',
        target: 'DiffNote',
      }),
      noteEvent(1007, 'ada', 7, '2024-05-07T10:20:00Z', {
        id: 7003,
        noteable_type: 'MergeRequest',
        noteable_iid: 6,
        title: 'PAY-20 refunds',
        body: 'Nit: naming',
        type: 'DiffNote',
        target: 'DiffNote',
      }),
      noteEvent(1008, 'ada', 7, '2024-05-07T14:00:00Z', {
        id: 7004,
        noteable_type: 'MergeRequest',
        noteable_iid: 6,
        title: 'PAY-20 refunds',
        body: 'Looks good now',
      }),
      {
        id: 1009,
        author: 'ada',
        project_id: 7,
        action_name: 'approved',
        target_type: 'MergeRequest',
        target_id: 70006,
        target_iid: 6,
        target_title: 'PAY-20 refunds',
        created_at: '2024-05-07T15:00:00Z',
      },
      {
        id: 1010,
        author: 'ada',
        project_id: 8,
        action_name: 'opened',
        target_type: 'Issue',
        target_id: 80003,
        target_iid: 3,
        target_title: 'Crash on login OPS-9',
        created_at: '2024-05-08T08:00:00Z',
      },
      noteEvent(1011, 'ada', 8, '2024-05-08T08:30:00Z', {
        id: 7001,
        noteable_type: 'Issue',
        noteable_iid: 3,
        title: 'Crash on login OPS-9',
        body: 'Stack trace attached',
      }),
      {
        id: 1012,
        author: 'ada',
        project_id: 8,
        action_name: 'closed',
        target_type: 'WorkItem',
        target_id: 80004,
        target_iid: 4,
        target_title: 'Old task',
        created_at: '2024-05-08T10:00:00Z',
      },
      // Not activities: a joined event and a system note.
      {
        id: 1013,
        author: 'ada',
        project_id: 8,
        action_name: 'joined',
        target_type: null,
        created_at: '2024-05-08T11:00:00Z',
      },
      // grace
      pushEvent(2000, 'grace', '2024-05-07T06:58:00Z', {
        action: 'created',
        ref: 'feature/refunds',
        from: null,
        to: SHA.refunds,
        count: 1,
        title: 'Refunds',
      }),
      {
        id: 2001,
        author: 'grace',
        project_id: 7,
        action_name: 'opened',
        target_type: 'MergeRequest',
        target_id: 70006,
        target_iid: 6,
        target_title: 'PAY-20 refunds',
        created_at: '2024-05-07T07:00:00Z',
      },
      {
        id: 2002,
        author: 'grace',
        project_id: 7,
        action_name: 'accepted',
        target_type: 'MergeRequest',
        target_id: 70005,
        target_iid: 5,
        target_title: 'Invoices export',
        created_at: '2024-05-08T09:00:00Z',
      },
      // Before the 30-day window: never read.
      {
        id: 900,
        author: 'grace',
        project_id: 7,
        action_name: 'opened',
        target_type: 'Issue',
        target_id: 1,
        target_iid: 1,
        target_title: 'Ancient',
        created_at: '2024-03-01T08:00:00Z',
      },
    ],
    timelogs: [
      {
        id: 301,
        username: 'ada',
        spent_at: '2024-05-08T16:00:00Z',
        time_spent: 7200,
        summary: 'Debugging OPS-9',
        issue: { project_id: 8, iid: 3 },
      },
      {
        id: 302,
        username: 'grace',
        spent_at: '2024-05-07T12:00:00Z',
        time_spent: 1800,
        summary: null,
        merge_request: { project_id: 7, iid: 6 },
      },
    ],
    pipelines: [
      {
        project_id: 7,
        id: 501,
        iid: 51,
        status: 'success',
        ref: feature,
        sha: SHA.c3,
        username: 'ada',
        created_at: '2024-05-06T09:31:00Z',
        updated_at: '2024-05-06T09:36:00Z',
        started_at: '2024-05-06T09:31:00Z',
        finished_at: '2024-05-06T09:36:00Z',
        duration: 300,
      },
      {
        project_id: 7,
        id: 502,
        iid: 52,
        status: 'failed',
        ref: 'feature/refunds',
        sha: sha('f00d'),
        username: 'grace',
        created_at: '2024-05-07T07:05:00Z',
        updated_at: '2024-05-07T07:15:00Z',
        started_at: '2024-05-07T07:05:00Z',
        finished_at: '2024-05-07T07:15:00Z',
        duration: 600,
      },
    ],
  };
}

function pushEvent(
  id: number,
  author: string,
  at: string,
  push: {
    action: 'pushed' | 'created';
    ref: string;
    from: string | null;
    to: string;
    count: number;
    title: string;
  },
) {
  return {
    id,
    author,
    project_id: 7,
    action_name: push.action === 'created' ? 'pushed new' : 'pushed to',
    target_type: null,
    created_at: at,
    push_data: {
      commit_count: push.count,
      action: push.action,
      ref_type: 'branch' as const,
      commit_from: push.from,
      commit_to: push.to,
      ref: push.ref,
      commit_title: push.title,
    },
  };
}

function noteEvent(
  id: number,
  author: string,
  projectId: number,
  at: string,
  note: {
    id: number;
    noteable_type: 'MergeRequest' | 'Issue';
    noteable_iid: number;
    title: string;
    body: string;
    type?: 'DiffNote' | 'DiscussionNote' | null;
    target?: 'Note' | 'DiffNote' | 'DiscussionNote';
  },
) {
  return {
    id,
    author,
    project_id: projectId,
    action_name: 'commented on',
    target_type: note.target ?? 'Note',
    target_id: note.id,
    target_iid: note.id,
    target_title: note.title,
    created_at: at,
    note: {
      id: note.id,
      body: note.body,
      created_at: at,
      type: note.type ?? null,
      noteable_type: note.noteable_type,
      noteable_iid: note.noteable_iid,
    },
  };
}

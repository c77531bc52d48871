import { describe, expect, it } from 'vitest';
import { getCommit, listCommits } from '../../src/gitlab/commits.api.ts';
import { listUserEvents } from '../../src/gitlab/events.api.ts';
import { getIssue, listIssues } from '../../src/gitlab/issues.api.ts';
import {
  getMergeRequest,
  listMergeRequestApprovals,
  listMergeRequestNotes,
  listMergeRequestReviewers,
  listMergeRequests,
} from '../../src/gitlab/merge-requests.api.ts';
import { getPipeline, listProjectPipelinesRest } from '../../src/gitlab/pipelines.api.ts';
import { getProject } from '../../src/gitlab/projects.api.ts';
import { findUserByUsername, getTokenSelf, getUser, searchUsers } from '../../src/gitlab/users.api.ts';
import { buildPushEvents, buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import type { FakeCommit, FakeMergeRequest } from '../support/fake-gitlab/scenario.ts';
import { collect, rejectionOf, startKit } from './gitlab-test-kit.ts';

const mr12: FakeMergeRequest = {
  project_id: 7,
  iid: 12,
  title: 'BILL-42 Add invoice PDF export',
  state: 'merged',
  author: 'ada',
  source_branch: 'feature/BILL-42-invoice-pdf',
  created_at: '2024-05-02T08:30:00Z',
  updated_at: '2024-05-06T15:40:12Z',
  merged_at: '2024-05-06T15:40:11Z',
  merged_by: 'grace',
  reviewers: [{ username: 'grace', created_at: '2024-05-02T08:31:10Z', state: 'reviewed' }],
  approvals: [{ username: 'grace', approved_at: '2024-05-06T14:02:45Z' }],
  notes: Array.from({ length: 130 }, (_, index) => ({
    id: 6_000 + index,
    author: index % 2 === 0 ? 'grace' : 'ada',
    body: `Comment ${index}`,
    created_at: new Date(Date.parse('2024-05-03T09:00:00Z') + index * 60_000).toISOString(),
    type: index % 3 === 0 ? ('DiffNote' as const) : null,
  })),
};

const mr13: FakeMergeRequest = {
  project_id: 7,
  iid: 13,
  title: 'Fix rounding',
  state: 'opened',
  author: 'grace',
  source_branch: 'fix/rounding',
  created_at: '2024-04-20T08:00:00Z',
  updated_at: '2024-04-21T08:00:00Z',
  reviewers: [{ username: 'ada' }],
};

function commitOn(refs: string[], index: number, date: string): FakeCommit {
  return {
    project_id: 7,
    refs,
    id: `${index.toString(16).padStart(8, '0')}${'ab'.repeat(16)}`,
    message: `Commit ${index}\n\nRefs BILL-${index}`,
    author_name: 'Ada Example',
    author_email: 'ada@example.test',
    authored_date: date,
    committed_date: date,
    additions: index,
    deletions: 1,
  };
}

describe('users and tokens', () => {
  it('finds a user by username, case-insensitively and with a leading @', async () => {
    const kit = await startKit(buildScenario());
    const client = kit.client(TOKENS.ada);
    expect(await findUserByUsername(client, '@Grace')).toMatchObject({ id: 42, username: 'grace' });
    expect(await findUserByUsername(client, 'nobody')).toBeUndefined();
    expect(kit.fake.requests.map((request) => request.query['username'])).toEqual(['grace', 'nobody']);
    expect((await getUser(client, 42)).name).toBe('Grace Example');
  });

  it('searches users like GitLab: name or username containing the term, exact public e-mail, one bounded page', async () => {
    const many = Array.from({ length: 130 }, (_, index) => ({
      id: 1_000 + index,
      username: `dev${String(index).padStart(3, '0')}`,
      name: `Developer ${index}`,
    }));
    const base = buildScenario();
    const kit = await startKit(
      buildScenario({
        users: [...base.users, ...many, { id: 60, username: 'gone', name: 'Gone Grace', state: 'blocked' }],
      }),
    );
    const client = kit.client(TOKENS.ada);
    const usernames = async (term: string, perPage?: number) =>
      (await searchUsers(client, term, perPage)).map((user) => user.username);
    expect(await usernames('RAC')).toEqual(['grace']);
    expect(await usernames('example')).toEqual(['ada', 'grace']);
    // Public e-mails match only whole; a private one (grace's) never does.
    expect(await usernames('ada@example.test')).toEqual(['ada']);
    expect(await usernames('ada@example')).toEqual([]);
    expect(await usernames('grace@example.test')).toEqual([]);
    // Under three characters GitLab matches whole names and usernames only.
    expect(await usernames('ad')).toEqual([]);
    // One page: at most 100 (GitLab's cap) however many match, never a walk through all users.
    expect(await usernames('dev', 500)).toHaveLength(100);
    expect(kit.fake.requests.at(-1)?.query).toMatchObject({ search: 'dev', per_page: '100', active: 'true' });
    const failure = await rejectionOf(searchUsers(kit.client('glpat-NotAToken000000000'), 'ada'));
    expect(failure['code']).toBe('GITLAB_BAD_TOKEN');
  });

  it('reads the token itself', async () => {
    const kit = await startKit(buildScenario());
    expect(await getTokenSelf(kit.client(TOKENS.ada))).toMatchObject({
      scopes: ['read_api'],
      active: true,
      revoked: false,
      expires_at: '2099-12-31',
      user_id: 41,
    });
  });
});

describe('events', () => {
  it('treats after/before as exclusive whole days', async () => {
    const events = [
      ...buildPushEvents(1, { firstId: 1, start: '2024-05-01T23:59:59Z' }),
      ...buildPushEvents(1, { firstId: 2, start: '2024-05-02T00:00:00Z' }),
      ...buildPushEvents(1, { firstId: 3, start: '2024-05-04T23:59:59Z' }),
      ...buildPushEvents(1, { firstId: 4, start: '2024-05-05T00:00:00Z' }),
    ];
    const kit = await startKit(buildScenario({ events }));
    const pages = await collect(
      listUserEvents(kit.client(TOKENS.ada), 41, { after: '2024-05-01', before: '2024-05-05' }),
    );
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual([2, 3]);
  });

  it('passes the action filter through and returns typed push data', async () => {
    const kit = await startKit(buildScenario({ events: buildPushEvents(3) }));
    const [page] = await collect(listUserEvents(kit.client(TOKENS.ada), 'ada', { action: 'pushed' }));
    expect(page?.items[0]?.push_data).toMatchObject({
      commit_count: 1,
      ref: 'main',
      commit_title: 'Change 0',
    });
    expect(kit.fake.requests[0]?.query['action']).toBe('pushed');
  });
});

describe('merge requests', () => {
  it('lists across projects with scope=all, by author or reviewer, updated after a time', async () => {
    const kit = await startKit(buildScenario({ mergeRequests: [mr12, mr13] }));
    const client = kit.client(TOKENS.ada);
    const authored = await collect(listMergeRequests(client, { authorUsername: 'grace' }));
    const reviewing = await collect(
      listMergeRequests(client, { reviewerUsername: 'grace', updatedAfter: '2024-05-01T00:00:00Z' }),
    );

    expect(authored.flatMap((page) => page.items.map((mr) => mr.iid))).toEqual([13]);
    expect(reviewing.flatMap((page) => page.items.map((mr) => mr.references?.full))).toEqual([
      'acme/billing!12',
    ]);
    expect(kit.fake.requests[0]?.query).toMatchObject({
      scope: 'all',
      author_username: 'grace',
      per_page: '100',
    });
  });

  it('reads one merge request, its approvals and reviewers', async () => {
    const kit = await startKit(buildScenario({ mergeRequests: [mr12] }));
    const client = kit.client(TOKENS.ada);

    expect(await getMergeRequest(client, 'acme/billing', 12)).toMatchObject({
      iid: 12,
      state: 'merged',
      merged_by: { username: 'grace' },
      author: { username: 'ada' },
      web_url: `${kit.fake.url}/acme/billing/-/merge_requests/12`,
    });
    const approvals = await listMergeRequestApprovals(client, 7, 12);
    expect(approvals.approved_by).toEqual([
      { user: expect.objectContaining({ username: 'grace' }), approved_at: '2024-05-06T14:02:45Z' },
    ]);
    expect(await listMergeRequestReviewers(client, 7, 12)).toEqual([
      {
        user: expect.objectContaining({ username: 'grace' }),
        state: 'reviewed',
        created_at: '2024-05-02T08:31:10Z',
      },
    ]);
  });

  it('pages through notes oldest first', async () => {
    const kit = await startKit(buildScenario({ mergeRequests: [mr12] }));
    const pages = await collect(listMergeRequestNotes(kit.client(TOKENS.ada), 7, 12));
    const notes = pages.flatMap((page) => page.items);
    expect(pages.map((page) => page.items.length)).toEqual([100, 30]);
    expect(notes[0]).toMatchObject({
      id: 6_000,
      type: 'DiffNote',
      noteable_type: 'MergeRequest',
      noteable_iid: 12,
    });
    expect(notes.at(-1)?.id).toBe(6_129);
  });
});

describe('commits', () => {
  it('lists a branch with stats and no X-Total, newest first, within since/until', async () => {
    const commits = [
      ...Array.from({ length: 105 }, (_, index) =>
        commitOn(
          ['main'],
          index,
          new Date(Date.parse('2024-05-01T00:00:00Z') + index * 3_600_000).toISOString(),
        ),
      ),
      commitOn(['feature'], 999, '2024-05-02T00:00:00Z'),
    ];
    const kit = await startKit(buildScenario({ commits }));
    const pages = await collect(
      listCommits(kit.client(TOKENS.ada), 7, {
        refName: 'main',
        since: '2024-05-01T00:00:00Z',
        until: '2024-05-06T00:00:00Z',
      }),
    );

    expect(pages.map((page) => page.items.length)).toEqual([100, 5]);
    expect(pages[0]?.total).toBeUndefined();
    expect(pages[0]?.items[0]).toMatchObject({
      title: 'Commit 104',
      stats: { additions: 104, deletions: 1, total: 105 },
    });
    expect(kit.fake.requests[0]?.query).toMatchObject({ ref_name: 'main', with_stats: 'true' });
  });

  it('reads one commit with stats', async () => {
    const commit = commitOn(['main'], 7, '2024-05-01T00:00:00Z');
    const kit = await startKit(buildScenario({ commits: [commit] }));
    expect(await getCommit(kit.client(TOKENS.ada), 7, commit.id)).toMatchObject({
      id: commit.id,
      short_id: commit.id.slice(0, 8),
      stats: { additions: 7, deletions: 1, total: 8 },
    });
  });
});

describe('issues, projects and REST pipelines', () => {
  it('lists issues with scope=all and reads one', async () => {
    const issues = [
      {
        project_id: 7,
        iid: 5,
        title: 'PDF export',
        state: 'closed' as const,
        author: 'grace',
        created_at: '2024-04-20T08:00:00Z',
        updated_at: '2024-05-06T15:41:00Z',
        closed_at: '2024-05-06T15:41:00Z',
        closed_by: 'ada',
      },
      {
        project_id: 8,
        iid: 1,
        title: 'Secret',
        state: 'opened' as const,
        author: 'grace',
        created_at: '2024-04-20T08:00:00Z',
        updated_at: '2024-05-06T15:41:00Z',
      },
    ];
    const kit = await startKit(buildScenario({ issues }));
    const client = kit.client(TOKENS.ada);
    const pages = await collect(listIssues(client, { authorUsername: 'grace' }));
    expect(pages.flatMap((page) => page.items.map((issue) => issue.iid))).toEqual([5]); // project 8 is hidden
    expect(await getIssue(client, 7, 5)).toMatchObject({ closed_by: { username: 'ada' }, state: 'closed' });
  });

  it('reads a project by path', async () => {
    const kit = await startKit(buildScenario());
    expect(await getProject(kit.client(TOKENS.ada), 'acme/billing')).toMatchObject({
      id: 7,
      path_with_namespace: 'acme/billing',
    });
    expect(kit.fake.requests[0]?.path).toBe('/api/v4/projects/acme%2Fbilling');
  });

  it('lists pipelines over REST without duration, and reads one with it', async () => {
    const pipelines = [
      {
        project_id: 7,
        id: 501,
        iid: 1,
        status: 'success' as const,
        ref: 'main',
        sha: 'a'.repeat(40),
        username: 'ada',
        created_at: '2024-05-06T08:00:00Z',
        updated_at: '2024-05-06T08:10:00Z',
        duration: 600,
      },
      {
        project_id: 7,
        id: 502,
        iid: 2,
        status: 'failed' as const,
        ref: 'main',
        sha: 'b'.repeat(40),
        username: 'grace',
        created_at: '2024-05-06T09:00:00Z',
        updated_at: '2024-05-06T09:10:00Z',
        duration: 60,
      },
    ];
    const kit = await startKit(buildScenario({ pipelines }));
    const client = kit.client(TOKENS.ada);
    const [page] = await collect(listProjectPipelinesRest(client, 7, { username: 'ada' }));
    expect(page?.items.map((item) => [item.id, 'duration' in item])).toEqual([[501, false]]);
    expect(await getPipeline(client, 7, 501)).toMatchObject({ duration: 600, user: { username: 'ada' } });
  });
});

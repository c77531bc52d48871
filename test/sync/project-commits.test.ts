import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GitLabCommit } from '../../src/gitlab/index.ts';
import type { PushGroup } from '../../src/modules/sync/event-follow-ups.ts';
import { type CommitListing, commitsOfPush } from '../../src/modules/sync/project-commits.ts';
import type { SyncServiceOptions } from '../../src/modules/sync/sync.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import type { RecordedRequest } from '../support/fake-gitlab/fake-gitlab.ts';
import {
  createFakeGitLab,
  type FakeCommit,
  type FakeEvent,
  type FakeGitLab,
  type FakeScenario,
} from '../support/fake-gitlab/index.ts';
import { createSyncHarness, type SyncHarness, storedActivities } from './sync-harness.ts';

/**
 * Issue 17: commits come from ONE listing per project and window, credited to the pusher by
 * walking parent_ids back from each push's commit_to; what the listing cannot account for falls
 * back to the push's own range, and a range GitLab no longer has to the push head.
 */
const sha = (name: string) => name.padEnd(40, '0');

function listingOf(chain: Array<[string, string[]]>): CommitListing {
  // Newest first, as GitLab lists them.
  const ordered = chain.map(
    ([id, parents], index): GitLabCommit => ({
      id,
      short_id: id.slice(0, 8),
      title: id,
      message: id,
      author_name: 'A',
      author_email: 'a@example.test',
      authored_date: new Date(Date.UTC(2024, 4, 10) - index * 60_000).toISOString(),
      committed_date: new Date(Date.UTC(2024, 4, 10) - index * 60_000).toISOString(),
      parent_ids: parents,
      web_url: `https://gitlab.example.test/acme/x/-/commit/${id}`,
    }),
  );
  return { ordered, byId: new Map(ordered.map((commit) => [commit.id, commit])) };
}

const group = (to: string, from: string | null, count: number): PushGroup => ({
  projectId: 7,
  ref: 'feature/x',
  from,
  to,
  count,
  events: [],
});
const none = () => false;
const ids = (commits: GitLabCommit[] | undefined) => commits?.map((commit) => commit.id);

describe('a push’s commits out of the project listing', () => {
  // main: m1 ← m2; feature: m1 ← f1 ← f2 ← f3; merge f4 = (f3, m2). m0 (m1's parent) is outside the window.
  const listing = listingOf([
    ['f4', ['f3', 'm2']],
    ['f3', ['f2']],
    ['m2', ['m1']],
    ['f2', ['f1']],
    ['f1', ['m1']],
    ['m1', ['m0']],
  ]);

  it('takes from..to: what commit_to reaches and commit_from does not', () => {
    expect(ids(commitsOfPush(listing, group('f3', 'f1', 2), none))).toEqual(['f3', 'f2']);
    expect(ids(commitsOfPush(listing, group('f4', 'f3', 2), none))).toEqual(['f4', 'm2']);
  });

  it('takes the newest commit_count commits of a new branch', () => {
    expect(ids(commitsOfPush(listing, group('f2', null, 2), none))).toEqual(['f2', 'f1']);
  });

  it('skips commits another push of this run was credited with, still counting them', () => {
    expect(ids(commitsOfPush(listing, group('f4', 'f3', 2), (id) => id === 'm2'))).toEqual(['f4']);
  });

  it('gives up when commit_to is not listed (rewritten history) or commits are outside the window', () => {
    expect(commitsOfPush(listing, group(sha('dead'), null, 1), none)).toBeUndefined();
    // m1's parent m0 is older than the window: the 4 commits of mX..f2 cannot all be accounted for.
    expect(commitsOfPush(listing, group('f2', null, 4), none)).toBeUndefined();
    expect(commitsOfPush(listing, group('f2', 'mX', 4), none)).toBeUndefined();
    expect(ids(commitsOfPush(listing, group('f2', 'm0', 3), none))).toEqual(['f2', 'f1', 'm1']);
  });
});

describe('commits of a source in one listing (fake GitLab, real PostgreSQL)', () => {
  let db: TestDatabase;
  let fake: FakeGitLab;
  let harness: SyncHarness;
  const TOKEN = 'glpat-ProjectCommitsRead01';
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  afterEach(async () => {
    await harness?.close();
    await fake?.close();
  });

  const commit = (id: string, ref: string, parent: string | null, at: string, lines: number): FakeCommit => ({
    project_id: 7,
    refs: [ref],
    id: sha(id),
    message: `Change ${id}`,
    author_name: 'Someone',
    author_email: 'someone@example.test',
    authored_date: at,
    committed_date: at,
    additions: lines,
    deletions: 1,
    parent_ids: parent ? [sha(parent)] : [],
  });
  const push = (
    id: number,
    author: string,
    ref: string,
    to: string,
    count: number,
    at: string,
    from: string | null = null,
  ): FakeEvent => ({
    id,
    author,
    project_id: 7,
    action_name: from ? 'pushed to' : 'pushed new',
    target_type: null,
    created_at: at,
    push_data: {
      commit_count: count,
      action: from ? 'pushed' : 'created',
      ref_type: 'branch',
      commit_from: from ? sha(from) : null,
      commit_to: sha(to),
      ref,
      commit_title: `Change ${to}`,
    },
  });

  const busy = Array.from({ length: 250 }, (_, index) => `b${index.toString(16).padStart(3, '0')}`);
  const scenario = (): FakeScenario => ({
    users: [
      { id: 41, username: 'ada', name: 'Ada' },
      { id: 42, username: 'grace', name: 'Grace' },
      { id: 50, username: 'pulse-bot', name: 'Bot' },
    ],
    tokens: { [TOKEN]: { userId: 50, scopes: ['read_api'], expires_at: null } },
    projects: [{ id: 7, path_with_namespace: 'acme/billing', default_branch: 'main' }],
    commits: [
      commit('ba5e', 'main', null, '2024-01-01T08:00:00Z', 100),
      commit('a1', 'feature/a', 'ba5e', '2024-05-06T08:00:00Z', 10),
      commit('a2', 'feature/a', 'a1', '2024-05-06T08:10:00Z', 20),
      commit('91', 'feature/g', 'ba5e', '2024-05-07T08:00:00Z', 30),
      // Written long before the window, pushed within it: the listing cannot see o1.
      commit('01', 'feature/old', 'ba5e', '2024-03-01T08:00:00Z', 40),
      commit('02', 'feature/old', '01', '2024-05-08T08:00:00Z', 50),
      // A busy main early in the window: 250 commits, three pages of the listing.
      ...busy.map((id, index) =>
        commit(
          id,
          'main',
          busy[index - 1] ?? 'ba5e',
          new Date(Date.UTC(2024, 3, 12) + index * 45 * 60_000).toISOString(),
          1,
        ),
      ),
    ],
    events: [
      push(1, 'ada', 'feature/a', 'a2', 2, '2024-05-06T09:00:00Z'),
      push(2, 'grace', 'feature/g', '91', 1, '2024-05-07T09:00:00Z'),
      push(3, 'ada', 'feature/old', '02', 2, '2024-05-08T09:00:00Z'),
      // Force-pushed away since: GitLab no longer has this commit.
      push(4, 'grace', 'feature/gone', 'dead', 1, '2024-05-08T10:00:00Z'),
      // Two of main's oldest commits, pushed back then: only the listing's last page has them.
      push(5, 'grace', 'main', busy[12]!, 2, '2024-04-12T10:00:00Z', busy[10]!),
    ],
  });

  async function syncOnce(limits: SyncServiceOptions['limits'] = {}, options: { oldPush?: boolean } = {}) {
    const world = scenario();
    const oldPush = options.oldPush ?? true;
    if (!oldPush) world.events = world.events?.filter((event) => event.id !== 5);
    fake = await createFakeGitLab(world);
    harness = await createSyncHarness(await db.orm());
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: TOKEN });
    await harness.addTeammate(sourceId, 'ada');
    await harness.addTeammate(sourceId, 'grace');
    const { sources } = await harness
      .service({ limits })
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'command' });
    expect(sources[0]?.status).toBe('succeeded');
    const commits = (await storedActivities(harness))
      .filter((row) => row.kind === 'commit_pushed')
      .map((row) => [row.slack_user_id, row.payload['sha'], row.lines_added]);
    const expected = [
      ['UADA', sha('a1'), 10],
      ['UADA', sha('a2'), 20],
      ['UADA', sha('01'), 40],
      ['UADA', sha('02'), 50],
      ['UGRACE', sha('91'), 30],
      ['UGRACE', sha('dead'), null],
      ...(oldPush
        ? [
            ['UGRACE', sha(busy[11]!), 1],
            ['UGRACE', sha(busy[12]!), 1],
          ]
        : []),
    ];
    expect(commits).toEqual(expect.arrayContaining(expected));
    expect(commits).toHaveLength(expected.length);
    return fake.requests.filter((request) => request.endpoint === 'GET /projects/:id/repository/commits');
  }

  const all = (listings: RecordedRequest[]) => listings.filter((request) => request.query['all'] === 'true');
  const ranges = (listings: RecordedRequest[]) =>
    listings.map((request) => request.query['ref_name']).filter((ref) => ref !== undefined);

  it('lists the project once for two people, as far back as their pushes need, and falls back per push only when it must', async () => {
    const listings = await syncOnce();
    // Every branch for the window, newest first: three pages, because grace's oldest push needs the last.
    expect(all(listings)).toHaveLength(3);
    expect(all(listings)[0]?.query).toMatchObject({
      all: 'true',
      with_stats: 'true',
      since: expect.any(String),
      until: expect.any(String),
    });
    // feature/old's first commit is older than the window; the force-pushed commit is gone.
    expect(ranges(listings).sort()).toEqual([sha('02'), sha('dead')].sort());
  });

  it('reads no further back than the pushes need', async () => {
    const listings = await syncOnce({}, { oldPush: false });
    expect(all(listings)).toHaveLength(1);
  });

  it('lists the pushes not accounted for one range each when the listing is over the page cap', async () => {
    const listings = await syncOnce({ maxPages: 2 });
    expect(all(listings)).toHaveLength(2);
    expect(ranges(listings).sort()).toEqual(
      [sha('02'), sha('dead'), `${sha(busy[10]!)}..${sha(busy[12]!)}`].sort(),
    );
  });
});

import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import {
  createFakeGitLab,
  type FakeGitLab,
  type FakeGitLabOptions,
  type FakeScenario,
  faults,
} from '../support/fake-gitlab/index.ts';
import { EXPIRED_TOKEN, mixedScenario, SHA, SYNC_TOKEN } from './mixed-scenario.ts';
import {
  createSyncHarness,
  type StoredRow,
  SYNC_NOW,
  type SyncHarness,
  storedActivities,
} from './sync-harness.ts';

let db: TestDatabase;
let fake: FakeGitLab;
let harness: SyncHarness;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function start(scenario: FakeScenario = mixedScenario(), options: FakeGitLabOptions = {}) {
  fake = await createFakeGitLab(scenario, options);
  harness = await createSyncHarness(await db.orm());
}

afterEach(async () => {
  await harness?.close();
  await fake?.close();
});

/** Rows without the host part of natural keys and URLs, which depend on the fake's port. */
function portable(rows: StoredRow[]) {
  return rows.map((row) => ({
    who: row.slack_user_id,
    kind: row.kind,
    key: row.natural_key.replace(`gitlab:${new URL(fake.url).host}:`, ''),
    title: row.title,
    url: row.url?.replace(fake.url, '') ?? null,
    project: row.project,
    lines: row.lines_added === null ? null : [row.lines_added, row.lines_removed],
    duration: row.duration_seconds,
    spent: row.time_spent_seconds,
    jira: row.jira_keys,
    pickup: row.pickup_seconds,
  }));
}

async function mixedSource() {
  const sourceId = await harness.addSource({
    baseUrl: fake.url,
    token: SYNC_TOKEN,
    jiraUrl: 'https://acme.atlassian.net',
  });
  for (const username of ['ada', 'grace', 'hidden', 'ghost']) await harness.addTeammate(sourceId, username);
  return sourceId;
}

/**
 * The whole sync against an old GitLab (15.3: its GraphQL is the 15.8 schema's at best, no
 * Pipeline.source, Issue.projectId non-null, 401 on /personal_access_tokens/self) and the current
 * one (18.5): the fake executes each query against that version's published schema, so a field
 * the version lacks fails here as it would on the real server.
 */
describe.each([
  { gitlab: 'old', version: '15.3.2-ee', source: null },
  { gitlab: 'current', version: '18.5.1-ee', source: 'push' },
])('SyncService on a mixed week, $gitlab GitLab ($version)', ({ version, source: pipelineSource }) => {
  beforeEach(() => start({ ...mixedScenario(), version: { version, revision: 'e2e' } }));

  it('stores exactly what each teammate did, with lines, durations, review time and Jira keys', async () => {
    const sourceId = await mixedSource();
    const { sources } = await harness.service().sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'command',
      requestedBy: 'UADA',
    });
    const [result] = sources;
    expect(result).toMatchObject({
      status: 'partial',
      notes: [],
      failures: [
        { slackUserId: 'UGHOST', code: 'GITLAB_NOT_FOUND' },
        { slackUserId: 'UHIDDEN', code: 'GITLAB_PRIVATE_PROFILE' },
      ],
      counts: {
        UADA: {
          commit_pushed: 5,
          mr_opened: 1,
          mr_commented: 4,
          mr_approved: 1,
          mr_review_requested: 2,
          issue_opened: 1,
          issue_closed: 1,
          issue_commented: 1,
          time_logged: 1,
          pipeline_run: 1,
        },
        UGRACE: {
          commit_pushed: 1,
          mr_opened: 1,
          mr_merged: 1,
          mr_review_requested: 1,
          time_logged: 1,
          pipeline_run: 1,
        },
      },
    });
    const billing = '/acme/billing/-';
    const web = '/acme/web/-';
    const mr6 = {
      title: 'PAY-20 refunds',
      project: 'acme/billing',
      lines: null,
      spent: null,
      jira: ['PAY-20'],
    };
    expect(portable(await storedActivities(harness))).toEqual([
      ...[
        ['c1c1', 'PAY-12 add invoice model', [10, 2], ['PAY-12']],
        ['c2c2', 'Add exporter', [30, 5], ['PAY-12']],
        ['c3c3', 'Fix rounding (PAY-13)', [3, 1], ['PAY-12', 'PAY-13']],
        ['e2e2', 'Guard null session', [4, 0], ['OPS-9']],
        ['e3e3', 'Add test for the CVE-2024-1234 fix', [20, 0], ['OPS-9']],
      ].map(([sha, title, lines, jira]) => ({
        who: 'UADA',
        kind: 'commit_pushed',
        key: `commit:7:${String(sha).padEnd(40, '0')}`,
        title,
        url: `${billing}/commit/${String(sha).padEnd(40, '0')}`,
        project: 'acme/billing',
        lines,
        duration: null,
        spent: null,
        jira,
        pickup: null,
      })),
      {
        who: 'UADA',
        kind: 'issue_closed',
        key: 'issue_closed:8:4:41',
        title: 'Old task',
        url: `${web}/issues/4`,
        project: 'acme/web',
        lines: null,
        duration: null,
        spent: null,
        jira: [],
        pickup: null,
      },
      {
        who: 'UADA',
        kind: 'issue_commented',
        key: 'note:7001',
        title: 'Crash on login OPS-9',
        url: `${web}/issues/3#note_7001`,
        project: 'acme/web',
        lines: null,
        duration: null,
        spent: null,
        jira: ['OPS-9'],
        pickup: null,
      },
      {
        who: 'UADA',
        kind: 'issue_opened',
        key: 'issue_opened:8:3',
        title: 'Crash on login OPS-9',
        url: `${web}/issues/3`,
        project: 'acme/web',
        lines: null,
        duration: null,
        spent: null,
        jira: ['OPS-9'],
        pickup: null,
      },
      // The approval came after the comments: it carries no review time.
      {
        who: 'UADA',
        kind: 'mr_approved',
        key: 'mr_approved:7:6:41',
        url: `${billing}/merge_requests/6`,
        duration: null,
        pickup: null,
        ...mr6,
      },
      // First review action: pickup 08:00 (requested) → 10:00; effort 10:00–10:20 plus 14:00 alone.
      {
        who: 'UADA',
        kind: 'mr_commented',
        key: 'note:7002',
        url: `${billing}/merge_requests/6#note_7002`,
        duration: 1200,
        pickup: 7200,
        ...mr6,
      },
      {
        who: 'UADA',
        kind: 'mr_commented',
        key: 'note:7003',
        url: `${billing}/merge_requests/6#note_7003`,
        duration: null,
        pickup: null,
        ...mr6,
      },
      {
        who: 'UADA',
        kind: 'mr_commented',
        key: 'note:7004',
        url: `${billing}/merge_requests/6#note_7004`,
        duration: null,
        pickup: null,
        ...mr6,
      },
      // A comment on her own MR is not a review.
      {
        who: 'UADA',
        kind: 'mr_commented',
        key: 'note:7005',
        title: 'Invoices export',
        url: `${billing}/merge_requests/5#note_7005`,
        project: 'acme/billing',
        lines: null,
        duration: null,
        spent: null,
        jira: ['PAY-12'],
        pickup: null,
      },
      {
        who: 'UADA',
        kind: 'mr_opened',
        key: 'mr_opened:7:5',
        title: 'Invoices export',
        url: `${billing}/merge_requests/5`,
        project: 'acme/billing',
        lines: null,
        duration: null,
        spent: null,
        jira: ['PAY-12'],
        pickup: null,
      },
      {
        who: 'UADA',
        kind: 'mr_review_requested',
        key: 'mr_review_requested:7:6:41',
        url: `${billing}/merge_requests/6`,
        duration: null,
        pickup: null,
        ...mr6,
      },
      // Asked to review !7 and not reviewed yet: found through GraphQL, timed by the reviewers endpoint.
      {
        who: 'UADA',
        kind: 'mr_review_requested',
        key: 'mr_review_requested:7:7:41',
        title: 'Ledger cleanup',
        url: `${billing}/merge_requests/7`,
        project: 'acme/billing',
        lines: null,
        duration: null,
        spent: null,
        jira: ['OPS-31'],
        pickup: null,
      },
      {
        who: 'UADA',
        kind: 'pipeline_run',
        key: 'pipeline:acme/billing:501',
        title: 'Pipeline #501 success on feature/pay-12-invoices',
        url: `${billing}/pipelines/501`,
        project: 'acme/billing',
        lines: null,
        duration: 300,
        spent: null,
        jira: ['PAY-12'],
        pickup: null,
      },
      {
        who: 'UADA',
        kind: 'time_logged',
        key: 'timelog:301',
        title: 'Crash on login OPS-9',
        url: `${web}/issues/3`,
        project: 'acme/web',
        lines: null,
        duration: null,
        spent: 7200,
        jira: ['OPS-9'],
        pickup: null,
      },
      {
        who: 'UGRACE',
        kind: 'commit_pushed',
        key: `commit:7:${'f00d'.padEnd(40, '0')}`,
        title: 'Refunds',
        url: `${billing}/commit/${'f00d'.padEnd(40, '0')}`,
        project: 'acme/billing',
        lines: [50, 10],
        duration: null,
        spent: null,
        jira: [],
        pickup: null,
      },
      {
        who: 'UGRACE',
        kind: 'mr_merged',
        key: 'mr_merged:7:5',
        title: 'Invoices export',
        url: `${billing}/merge_requests/5`,
        project: 'acme/billing',
        lines: null,
        duration: null,
        spent: null,
        jira: ['PAY-12'],
        pickup: null,
      },
      {
        who: 'UGRACE',
        kind: 'mr_opened',
        key: 'mr_opened:7:6',
        url: `${billing}/merge_requests/6`,
        duration: null,
        pickup: null,
        ...mr6,
      },
      {
        who: 'UGRACE',
        kind: 'mr_review_requested',
        key: 'mr_review_requested:7:5:42',
        title: 'Invoices export',
        url: `${billing}/merge_requests/5`,
        project: 'acme/billing',
        lines: null,
        duration: null,
        spent: null,
        jira: ['PAY-12'],
        pickup: null,
      },
      {
        who: 'UGRACE',
        kind: 'pipeline_run',
        key: 'pipeline:acme/billing:502',
        title: 'Pipeline #502 failed on feature/refunds',
        url: `${billing}/pipelines/502`,
        project: 'acme/billing',
        lines: null,
        duration: 600,
        spent: null,
        jira: [],
        pickup: null,
      },
      {
        who: 'UGRACE',
        kind: 'time_logged',
        key: 'timelog:302',
        url: `${billing}/merge_requests/6`,
        duration: null,
        pickup: null,
        ...mr6,
        spent: 1800,
      },
    ]);
    const [pipeline] = (await storedActivities(harness)).filter((row) => row.kind === 'pipeline_run');
    expect(pipeline?.payload).toMatchObject({
      status: 'success',
      ref: 'feature/pay-12-invoices',
      source: pipelineSource,
    });

    // Few requests: ONE commit listing of acme/billing for the window serves ada's 3 pushes on 2
    // branches and grace's push (commits found by walking parent_ids back from each push); no MR
    // listing (the GraphQL lists of authored and awaited MRs told their facts); one project
    // lookup; FOUR GraphQL requests: time logs, review requests and own MRs of 3 teammates before
    // the events (each list grouped under users(usernames:), 31 + 38 + 38), then ONE for the
    // reviewers and system notes of the MRs newly awaiting review (!5, !7: when review was
    // requested), ONE during the events for !6 (reviewed) and acme/billing's issues created in the
    // window (is issue #3's `opened` event a re-open?), pipelines of new pushes after; the server's
    // version once, to build the queries from what it has. No reviewers call per MR, no issue
    // listing per page.
    expect(fake.countsByEndpoint()).toEqual({
      'GET /version': 1,
      'GET /users': 4,
      'GET /users/:id': 1,
      'GET /users/:id/events': 3,
      'GET /projects/:id': 1,
      'GET /projects/:id/repository/commits': 1,
      'POST /api/graphql': 4,
    });
    expect(fake.requests.filter((request) => request.operation === 'ActivityPulseProjectItems')).toHaveLength(
      2,
    );
    const [run] = await harness.sql<{
      status: string;
      api_calls: number;
      trigger: string;
      requested_by: string;
      failures: unknown[];
      counts: Record<string, unknown>;
    }>('select status, api_calls, trigger, requested_by, failures, counts from sync_run where id = ?', [
      result!.syncRunId,
    ]);
    expect(run).toMatchObject({ status: 'partial', api_calls: 15, trigger: 'command', requested_by: 'UADA' });
    expect(run?.failures).toHaveLength(2);
    const [source] = await harness.sql<{
      status: string;
      failure_count: number;
      last_sync_at: Date | null;
      gitlab_version: string | null;
    }>('select status, failure_count, last_sync_at, gitlab_version from data_source where id = ?', [
      sourceId,
    ]);
    expect(source).toMatchObject({ status: 'ok', failure_count: 0, gitlab_version: version });
    expect(source?.last_sync_at).not.toBeNull();
    const identities = await harness.sql<{ username: string; external_user_id: string | null }>(
      'select username, external_user_id from external_identity where data_source_id = ? order by username',
      [sourceId],
    );
    expect(
      identities.map((row) => [
        row.username,
        row.external_user_id === null ? null : Number(row.external_user_id),
      ]),
    ).toEqual([
      ['ada', 41],
      ['ghost', null],
      ['grace', 42],
      ['hidden', 43],
    ]);
  });

  it('changes nothing on a second run and costs about one request per teammate', async () => {
    const sourceId = await mixedSource();
    const service = harness.service();
    await service.sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    const before = await storedActivities(harness);
    fake.requests.length = 0;

    const { sources } = await service.sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'cron',
    });

    expect(sources[0]?.counts).toEqual({});
    expect(await storedActivities(harness)).toEqual(before);
    // Events once per resolved teammate, ghost's username looked up again, and ONE GraphQL
    // request: the 9 user lists grouped under users(usernames:), acme/billing's pipelines as one
    // project-wide list for ada and grace. The version was asked minutes ago: not again.
    expect(fake.countsByEndpoint()).toEqual({
      'GET /users/:id/events': 3,
      'GET /users': 1,
      'POST /api/graphql': 1,
    });
    expect(sources[0]?.apiCalls).toBe(5);

    // Later that day: ada logs time and grace for the day before, grace opens !8 and asks ada to
    // review it, ada's pipeline runs (and an outsider's, in the same project). The next run sees
    // each of them through the same cheap lists, and nothing of the outsider.
    const later = new Date(SYNC_NOW.getTime() + 23 * 3_600_000);
    const scenario = fake.scenario;
    scenario.users.push({ id: 60, username: 'outsider', name: 'Not A Teammate' });
    scenario.timelogs?.push(
      {
        id: 303,
        username: 'ada',
        spent_at: '2024-05-10T12:30:00Z',
        time_spent: 900,
        issue: { project_id: 8, iid: 3 },
      },
      {
        id: 304,
        username: 'grace',
        spent_at: '2024-05-09T15:00:00Z',
        time_spent: 600,
        merge_request: { project_id: 7, iid: 6 },
      },
    );
    scenario.mergeRequests?.push({
      project_id: 7,
      iid: 8,
      title: 'Refund emails',
      state: 'opened',
      author: 'grace',
      source_branch: 'feature/refund-mails',
      created_at: '2024-05-10T12:10:00Z',
      updated_at: '2024-05-10T12:15:00Z',
      reviewers: [{ username: 'ada', created_at: '2024-05-10T12:15:00Z', state: 'unreviewed' }],
    });
    scenario.events?.push({
      id: 2003,
      author: 'grace',
      project_id: 7,
      action_name: 'opened',
      target_type: 'MergeRequest',
      target_id: 70008,
      target_iid: 8,
      target_title: 'Refund emails',
      created_at: '2024-05-10T12:10:00Z',
    });
    const pipeline = (id: number, username: string) => ({
      project_id: 7,
      id,
      iid: id - 450,
      status: 'success' as const,
      ref: 'feature/pay-12-invoices',
      sha: SHA.c3,
      username,
      created_at: '2024-05-10T12:20:00Z',
      updated_at: '2024-05-10T12:40:00Z',
      started_at: '2024-05-10T12:20:00Z',
      finished_at: '2024-05-10T12:40:00Z',
      duration: 1200,
    });
    scenario.pipelines?.push(pipeline(503, 'ada'), pipeline(504, 'outsider'));
    fake.requests.length = 0;

    const { sources: after } = await harness
      .service({ now: () => later })
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });

    expect(after[0]?.counts).toEqual({
      UADA: { time_logged: 1, mr_review_requested: 1, pipeline_run: 1 },
      UGRACE: { time_logged: 1, mr_opened: 1 },
    });
    const added = (await storedActivities(harness)).filter(
      (row) => !before.some((old) => old.natural_key === row.natural_key),
    );
    expect(added.map((row) => [row.slack_user_id, row.kind, row.title]).sort()).toEqual([
      ['UADA', 'mr_review_requested', 'Refund emails'],
      ['UADA', 'pipeline_run', expect.any(String)],
      ['UADA', 'time_logged', 'Crash on login OPS-9'],
      ['UGRACE', 'mr_opened', 'Refund emails'],
      ['UGRACE', 'time_logged', 'PAY-20 refunds'],
    ]);
    // Still one GraphQL request for the lists, acme/billing's pipelines project-wide; one more
    // times ada's new review request (reviewers and system notes of !8).
    expect(fake.countsByEndpoint()).toEqual({
      'GET /users/:id/events': 3,
      'GET /users': 1,
      'POST /api/graphql': 2,
    });
    const [query] = fake.requests.flatMap((request) => request.graphqlQuery ?? []);
    expect(query).toContain('projects(ids:');
    expect(query).not.toContain('pipelines(username:');

    // Three days on, nothing new: the version (days old) is asked again; the pipeline lists, read
    // through more than two days ago, are each teammate's own again; still one GraphQL request.
    fake.requests.length = 0;
    const { sources: quiet } = await harness
      .service({ now: () => new Date(SYNC_NOW.getTime() + 72 * 3_600_000) })
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    expect(quiet[0]?.counts).toEqual({});
    const [alone] = fake.requests.flatMap((request) => request.graphqlQuery ?? []);
    expect(alone).toContain('pipelines(username:');
    expect(fake.countsByEndpoint()).toEqual({
      'GET /version': 1,
      'GET /users/:id/events': 3,
      'GET /users': 1,
      'POST /api/graphql': 1,
    });
  });
});

describe('SyncService windows and stops', () => {
  beforeEach(() => start());

  it('re-reads from `since` when asked, without duplicating or rewinding the cursors', async () => {
    const sourceId = await mixedSource();
    const service = harness.service();
    await service.sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    const before = await storedActivities(harness);
    const cursors = await harness.sql<{ resource: string; position: Date; token: string }>(
      "select resource, position, token from sync_cursor where data_source_id = ? and resource = 'events' order by scope",
      [sourceId],
    );
    fake.requests.length = 0;

    const { sources } = await service.sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'command',
      since: new Date('2024-05-07T00:00:00Z'),
    });

    expect(sources[0]?.counts).toEqual({});
    expect(await storedActivities(harness)).toEqual(before);
    // `after` excludes a whole day of the server's zone: two days before `since`, then exact times.
    const afters = fake.requests.filter((request) => request.endpoint === 'GET /users/:id/events');
    expect(new Set(afters.map((request) => request.query['after']))).toEqual(new Set(['2024-05-05']));
    expect(
      await harness.sql(
        "select resource, position, token from sync_cursor where data_source_id = ? and resource = 'events' order by scope",
        [sourceId],
      ),
    ).toEqual(cursors);
  });

  it('stops between teammates when asked to, and the next run completes the rest', async () => {
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
    await harness.addTeammate(sourceId, 'ada');
    await harness.addTeammate(sourceId, 'grace');
    const controller = new AbortController();

    const stopped = await harness.service({ concurrency: 1 }).sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'cron',
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });

    expect(stopped.sources[0]).toMatchObject({
      status: 'partial',
      notes: [expect.stringMatching(/stopped early/)],
    });
    // Time logs and review requests of both come first; then ada's events, then the stop.
    expect(stopped.sources[0]?.counts['UADA']).toMatchObject({ mr_opened: 1, commit_pushed: 5 });
    expect(stopped.sources[0]?.counts['UGRACE']).toEqual({ time_logged: 1, mr_review_requested: 1 });
    const resumed = await harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    expect(resumed.sources[0]?.status).toBe('succeeded');
    expect(resumed.sources[0]?.counts['UGRACE']).toMatchObject({
      mr_opened: 1,
      mr_merged: 1,
      commit_pushed: 1,
    });
    // Ada's events were complete: only her pipelines (never read: the run stopped first) come now.
    expect(resumed.sources[0]?.counts['UADA']).toEqual({ pipeline_run: 1 });
  });
});

describe('SyncService when things go wrong', () => {
  it('resumes after a crash between pages without losing or duplicating anything', async () => {
    const scenario = mixedScenario();
    // 250 issues opened by ada: three pages of events, and nothing else.
    scenario.timelogs = [];
    scenario.pipelines = [];
    scenario.mergeRequests = [];
    scenario.events = Array.from({ length: 250 }, (_, index) => ({
      id: 5000 + index,
      author: 'ada',
      project_id: 8,
      action_name: 'opened',
      target_type: 'Issue',
      target_id: 90_000 + index,
      target_iid: 100 + index,
      target_title: `Issue ${index}`,
      created_at: new Date(Date.parse('2024-05-01T00:00:00Z') + index * 600_000).toISOString(),
    }));
    await start(scenario);
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
    await harness.addTeammate(sourceId, 'ada');
    fake.setFault({
      kind: 'status',
      status: 500,
      match: { endpoint: 'GET /users/:id/events', query: { page: '3' } },
    });

    const first = await harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    expect(first.sources[0]).toMatchObject({
      status: 'failed',
      failures: [{ slackUserId: 'UADA', code: 'GITLAB_SERVER_ERROR' }],
      counts: { UADA: { issue_opened: 200 } },
    });
    expect(await storedActivities(harness)).toHaveLength(200);

    fake.setFault();
    const second = await harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
    expect(second.sources[0]).toMatchObject({ status: 'succeeded', counts: { UADA: { issue_opened: 50 } } });
    const rows = await storedActivities(harness);
    expect(rows).toHaveLength(250);
    expect(new Set(rows.map((row) => row.natural_key)).size).toBe(250);
    expect(rows.map((row) => row.title).sort()).toEqual(
      scenario.events.map((event) => event.target_title).sort(),
    );
  });

  it('marks a source with an expired token failing and still syncs the other sources', async () => {
    await start();
    const broken = await harness.addSource({ baseUrl: fake.url, token: EXPIRED_TOKEN, name: 'old' });
    const working = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN, name: 'new' });
    await harness.addTeammate(broken, 'ada');
    await harness.addTeammate(broken, 'grace');
    await harness.addTeammate(working, 'grace');

    const { sources } = await harness.service().sync({ workspaceId: harness.workspaceId, trigger: 'cron' });

    const byName = Object.fromEntries(sources.map((entry) => [entry.dataSourceName, entry]));
    expect(byName['old']).toMatchObject({
      status: 'failed',
      errorCode: 'GITLAB_TOKEN_EXPIRED',
      failures: [],
    });
    expect(byName['old']?.error).toMatch(/expired/);
    expect(byName['new']).toMatchObject({
      status: 'succeeded',
      counts: { UGRACE: { mr_opened: 1, mr_merged: 1 } },
    });
    const rows = await harness.sql<{
      name: string;
      status: string;
      last_error_code: string | null;
      last_error: string | null;
    }>(
      'select name, status, last_error_code, last_error from data_source where workspace_id = ? order by name',
      [harness.workspaceId],
    );
    expect(rows.map((row) => [row.name, row.status, row.last_error_code])).toEqual([
      ['new', 'ok', null],
      ['old', 'failing', 'GITLAB_TOKEN_EXPIRED'],
    ]);
    expect(rows[1]?.last_error).toMatch(/token has expired/);
  });

  it('runs one sync of a source at a time, across connections: the other is skipped as locked', async () => {
    await start();
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
    await harness.addTeammate(sourceId, 'ada');
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const first = harness.service().sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'cron',
      // Progress is reported while the lock is held: pause there.
      onProgress: async () => {
        entered();
        await held;
      },
    });
    await inside;
    const other = harness.service();
    expect(await other.isRunning(harness.workspaceId, sourceId)).toBe(true);
    expect(await other.isRunning(harness.workspaceId)).toBe(true);
    const second = await other.sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'command',
    });
    expect(second.sources[0]).toMatchObject({
      status: 'skipped',
      skippedReason: 'locked',
      syncRunId: undefined,
    });
    release();
    expect((await first).sources[0]?.status).toBe('succeeded');
    expect(await other.isRunning(harness.workspaceId, sourceId)).toBe(false);
  });

  it('says time logs are unavailable on an old GitLab instead of inventing them, and keeps the rest', async () => {
    const scenario = mixedScenario();
    scenario.features = { graphqlTimelogs: false };
    await start(scenario);
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
    await harness.addTeammate(sourceId, 'grace');

    const { sources } = await harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });

    expect(sources[0]?.status).toBe('succeeded');
    expect(sources[0]?.notes).toEqual([expect.stringMatching(/Time logged is not included/)]);
    expect(sources[0]?.counts).toEqual({
      UGRACE: { commit_pushed: 1, mr_opened: 1, mr_merged: 1, mr_review_requested: 1, pipeline_run: 1 },
    });
    const [run] = await harness.sql<{ notes: string[] }>('select notes from sync_run where id = ?', [
      sources[0]?.syncRunId,
    ]);
    expect(run?.notes).toEqual(sources[0]?.notes);
  });

  it('reads review requests through REST where GitLab’s GraphQL cannot list them, with the same result', async () => {
    const scenario = mixedScenario();
    scenario.features = { graphqlUserMergeRequestsUpdatedAfter: false };
    await start(scenario);
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
    await harness.addTeammate(sourceId, 'grace');

    const { sources } = await harness
      .service()
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });

    expect(sources[0]?.status).toBe('succeeded');
    expect(sources[0]?.notes).toEqual([]);
    // As the test above, where GraphQL lists them: the review request is there.
    expect(sources[0]?.counts).toEqual({
      UGRACE: {
        commit_pushed: 1,
        mr_opened: 1,
        mr_merged: 1,
        mr_review_requested: 1,
        time_logged: 1,
        pipeline_run: 1,
      },
    });
    // One refused GraphQL batch; then her two merge request lists by REST.
    expect(fake.count('GET /merge_requests')).toBe(2);
  });

  it('waits out 429 answers inside a sync and counts the retries in the run', async () => {
    await start();
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
    await harness.addTeammate(sourceId, 'grace');
    fake.setFault(
      { ...faults.rateLimited(2, { retryAfter: 1 }), match: { endpoint: 'GET /users/:id/events' } },
      { ...faults.retryLater(1), match: { endpoint: 'POST /api/graphql' } },
    );
    const waits: number[] = [];

    const { sources } = await harness
      .service({ sleep: async (ms) => void waits.push(ms) })
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });

    expect(sources[0]).toMatchObject({
      status: 'succeeded',
      retries: 3,
      counts: { UGRACE: { mr_opened: 1, time_logged: 1 } },
    });
    // Retry-After: 1 honoured twice; the bare 429 backed off.
    expect(waits.filter((ms) => ms === 1000)).toHaveLength(2);
    const [run] = await harness.sql<{ retries: number; api_calls: number }>(
      'select retries, api_calls from sync_run where id = ?',
      [sources[0]?.syncRunId],
    );
    expect(run).toEqual({ retries: 3, api_calls: sources[0]?.apiCalls });
    expect(fake.requests.filter((request) => request.status === 429)).toHaveLength(3);
  });

  it('paces a source that announces its rate limit: every answer a 200, the same rows, no 429', async () => {
    // GitLab's headers on every answer and 429 past the limit; 4 teammates go at once.
    await start(mixedScenario(), { rateLimit: { limit: 8, windowSeconds: 1 } });
    const sourceId = await mixedSource();

    // Real waits: the pacer holds requests until GitLab's window resets (under a second here).
    const { sources } = await harness
      .service({ sleep: (ms) => delay(ms) })
      .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });

    const [result] = sources;
    expect(result).toMatchObject({ status: 'partial', retries: 0 });
    expect(result?.counts.UADA).toMatchObject({ commit_pushed: 5, time_logged: 1, pipeline_run: 1 });
    // More requests than one window allows, yet none refused: the pacer waited for the reset.
    expect(fake.requests.length).toBeGreaterThan(8);
    expect(fake.requests.filter((request) => request.status === 429)).toEqual([]);
  });

  it('splits a batch GitLab counts as too complex, and plans the rest of the run with its count', async () => {
    // A GitLab whose limit is lower than the 250 we plan with (or that counts more than we do).
    const scenario = mixedScenario();
    scenario.features = { graphqlMaxComplexity: 100 };
    await start(scenario);
    const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
    await harness.addTeammate(sourceId, 'ada');
    await harness.addTeammate(sourceId, 'grace');

    const { sources } = await harness.service({ graphqlBatchSize: 20 }).sync({
      workspaceId: harness.workspaceId,
      dataSourceId: sourceId,
      trigger: 'cron',
    });

    expect(sources[0]).toMatchObject({
      status: 'succeeded',
      counts: { UADA: { time_logged: 1, pipeline_run: 1 }, UGRACE: { time_logged: 1, pipeline_run: 1 } },
    });
    const graphql = fake.requests.filter((request) => request.operation === 'ActivityPulseSyncBatch');
    // Time logs, review requests and own MRs of 2 teammates (25+25+4×33 = 182) refused at 100;
    // then 83 and 99, and the 2 pipeline lists of one project (2×40+1 = 81) after the events.
    expect(graphql).toHaveLength(4);
    // When review was requested, for the MRs of both teammates' review lists at once (one query
    // after all the lists, though they came in two batches), and the issues during the events.
    const items = fake.requests.filter((request) => request.operation === 'ActivityPulseProjectItems');
    expect(items).toHaveLength(2);
  });
});

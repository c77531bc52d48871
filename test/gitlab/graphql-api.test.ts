import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fetchActivityBatch } from '../../src/gitlab/activity-batch.api.ts';
import { CURRENT_FEATURES } from '../../src/gitlab/graphql-features.ts';
import { listProjectPipelines } from '../../src/gitlab/pipelines.api.ts';
import { listTimelogs } from '../../src/gitlab/timelogs.api.ts';
import { ProjectItemsLoader } from '../../src/modules/sync/project-items-loader.ts';
import { reviewRequestOf } from '../../src/modules/sync/review-request-notes.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import type { FakeMergeRequest, FakePipeline, FakeTimelog } from '../support/fake-gitlab/scenario.ts';
import { collect, rejectionOf, startKit } from './gitlab-test-kit.ts';

const GRAPHQL = 'POST /api/graphql';

function timelogs(count: number, start: string): FakeTimelog[] {
  return Array.from({ length: count }, (_, index) => ({
    id: 100 + index,
    username: 'ada',
    spent_at: new Date(Date.parse(start) + index * 600_000).toISOString(),
    time_spent: 600,
    summary: `Work ${index}`,
    issue: { project_id: 7, iid: 5 },
  }));
}

function pipelines(count: number): FakePipeline[] {
  return Array.from({ length: count }, (_, index) => ({
    project_id: 7,
    id: 70_000 + index,
    iid: index + 1,
    status: index % 5 === 0 ? ('failed' as const) : ('success' as const),
    ref: 'main',
    sha: index.toString(16).padStart(40, '0'),
    username: index % 2 === 0 ? 'ada' : 'grace',
    created_at: new Date(Date.parse('2024-05-01T00:00:00Z') + index * 60_000).toISOString(),
    updated_at: new Date(Date.parse('2024-05-01T00:05:00Z') + index * 60_000).toISOString(),
    started_at: new Date(Date.parse('2024-05-01T00:00:10Z') + index * 60_000).toISOString(),
    finished_at: new Date(Date.parse('2024-05-01T00:05:00Z') + index * 60_000).toISOString(),
    duration: 290,
  }));
}

describe('listTimelogs (GraphQL)', () => {
  it('pages through single entries with cursors, dates inclusive', async () => {
    const entries = [
      ...timelogs(150, '2024-05-06T00:00:00Z'),
      { id: 1, username: 'ada', spent_at: '2024-05-05T23:59:59Z', time_spent: 60 },
      { id: 2, username: 'grace', spent_at: '2024-05-06T10:00:00Z', time_spent: 60 },
      {
        id: 3,
        username: 'ada',
        spent_at: '2024-05-07T10:00:00Z',
        time_spent: 60,
        issue: { project_id: 8, iid: 1 },
      },
    ];
    const kit = await startKit(buildScenario({ timelogs: entries }));
    const pages = await collect(
      listTimelogs(kit.client(TOKENS.ada), {
        username: 'ada',
        startDate: '2024-05-06',
        endDate: '2024-05-07',
      }),
    );

    expect(pages.map((page) => page.items.length)).toEqual([100, 50]);
    expect(pages.map((page) => page.hasNextPage)).toEqual([true, false]);
    expect(pages[0]?.items[0]).toMatchObject({
      id: 'gid://gitlab/Timelog/100',
      timeSpent: 600,
      summary: 'Work 0',
      user: { username: 'ada' },
      issue: { iid: '5', projectId: 7 },
      mergeRequest: null,
    });
    expect(kit.fake.count(GRAPHQL)).toBe(2);
  });

  it('resumes after a saved cursor', async () => {
    const kit = await startKit(buildScenario({ timelogs: timelogs(150, '2024-05-06T00:00:00Z') }));
    const client = kit.client(TOKENS.ada);
    const options = { username: 'ada', startDate: '2024-05-06', endDate: '2024-05-07' };
    const [first] = await collect(listTimelogs(client, options));
    const rest = await collect(listTimelogs(client, { ...options, after: first?.endCursor ?? null }));
    expect(rest.flatMap((page) => page.items).length).toBe(50);
  });

  it('raises GITLAB_TIMELOGS_UNAVAILABLE on a GitLab without Query.timelogs', async () => {
    const kit = await startKit(buildScenario({ features: { graphqlTimelogs: false } }));
    const error = await rejectionOf(
      collect(
        listTimelogs(kit.client(TOKENS.ada), {
          username: 'ada',
          startDate: '2024-05-06',
          endDate: '2024-05-07',
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'GITLAB_TIMELOGS_UNAVAILABLE' });
    expect(error.message).toContain("Field 'timelogs' doesn't exist on type 'Query'");
  });
});

describe('listProjectPipelines (GraphQL)', () => {
  it('reads 250 pipelines in 3 requests, durations included', async () => {
    const kit = await startKit(buildScenario({ pipelines: pipelines(250) }));
    const pages = await collect(listProjectPipelines(kit.client(TOKENS.ada), 'acme/billing'));

    expect(pages.map((page) => page.items.length)).toEqual([100, 100, 50]);
    expect(pages[0]?.items[0]).toMatchObject({
      id: 'gid://gitlab/Ci::Pipeline/70249',
      iid: '250',
      status: 'SUCCESS',
      duration: 290,
      user: { username: 'grace' },
      path: '/acme/billing/-/pipelines/70249',
    });
    expect(kit.fake.count(GRAPHQL)).toBe(3);
  });

  it('filters by user and update time', async () => {
    const kit = await startKit(buildScenario({ pipelines: pipelines(10) }));
    const pages = await collect(
      listProjectPipelines(kit.client(TOKENS.ada), 'acme/billing', {
        username: 'grace',
        updatedAfter: '2024-05-01T00:09:00Z',
      }),
    );
    expect(pages.flatMap((page) => page.items.map((item) => item.iid))).toEqual(['10', '8', '6']);
  });

  it('raises GITLAB_NOT_FOUND for a project the token cannot see', async () => {
    const kit = await startKit(buildScenario({ pipelines: pipelines(3) }));
    const error = await rejectionOf(collect(listProjectPipelines(kit.client(TOKENS.ada), 'acme/secret')));
    expect(error).toMatchObject({ code: 'GITLAB_NOT_FOUND' });
    expect(error.userMessage).toContain('acme/secret');
  });
});

describe('the fake GitLab answers aliased, batched GraphQL', () => {
  it('resolves each alias with its own arguments, and null for a hidden project', async () => {
    const kit = await startKit(
      buildScenario({
        timelogs: [
          ...timelogs(2, '2024-05-06T09:00:00Z'),
          { id: 9, username: 'grace', spent_at: '2024-05-06T10:00:00Z', time_spent: 60 },
        ],
        pipelines: pipelines(4),
      }),
    );
    const query = `query ActivityPulseBatchProbe($a: String!, $b: String!, $day: Time!, $path: ID!) {
      ada: timelogs(username: $a, startDate: $day, endDate: $day, first: 1) { nodes { id } pageInfo { hasNextPage endCursor } }
      grace: timelogs(username: $b, startDate: $day, endDate: $day, first: 100) { nodes { id } pageInfo { hasNextPage endCursor } }
      billing: project(fullPath: $path) {
        mine: pipelines(username: "ada", first: 100) { nodes { iid } pageInfo { hasNextPage endCursor } }
        theirs: pipelines(username: "grace", first: 100) { nodes { iid } pageInfo { hasNextPage endCursor } }
      }
      hidden: project(fullPath: "acme/secret") { pipelines(first: 100) { nodes { iid } pageInfo { hasNextPage endCursor } } }
    }`;
    const data = await kit
      .client(TOKENS.ada)
      .graphql(
        query,
        { a: 'ada', b: 'grace', day: '2024-05-06', path: 'acme/billing' },
        z.record(z.string(), z.unknown()),
      );

    expect(data['ada']).toMatchObject({
      nodes: [{ id: 'gid://gitlab/Timelog/100' }],
      pageInfo: { hasNextPage: true },
    });
    expect(data['grace']).toMatchObject({
      nodes: [{ id: 'gid://gitlab/Timelog/9' }],
      pageInfo: { hasNextPage: false },
    });
    expect(data['billing']).toMatchObject({
      mine: { nodes: [{ iid: '3' }, { iid: '1' }] },
      theirs: { nodes: [{ iid: '4' }, { iid: '2' }] },
    });
    expect(data['hidden']).toBeNull();
    expect(kit.fake.requests[0]?.operation).toBe('ActivityPulseBatchProbe');
  });
});

describe('fetchActivityBatch reports what did not come back whole', () => {
  it('a missing alias, a null list and an unreadable node each become a problem; the rest is read', async () => {
    const kit = await startKit(
      buildScenario({ timelogs: timelogs(2, '2024-05-06T09:00:00Z'), pipelines: pipelines(4) }),
    );
    kit.fake.setFault({
      kind: 'transform',
      times: 1,
      match: { endpoint: GRAPHQL },
      transform: (body) => {
        const data = (body as { data: Record<string, Record<string, unknown> | null> }).data;
        delete data['t1']; // grace's time logs: alias gone
        const project = data['p0'];
        if (project) project['q1'] = null; // grace's pipelines: list null, no error
        const ada = data['t0'] as { nodes: unknown[] } | undefined;
        ada?.nodes.push({ id: 'gid://gitlab/Timelog/999', spentAt: null }); // unreadable node
        return body;
      },
    });
    const wanted = (username: string) => ({
      key: username,
      username,
      startDate: '2024-05-06',
      endDate: '2024-05-06',
    });
    const result = await fetchActivityBatch(
      kit.client(TOKENS.ada),
      {
        timelogs: [wanted('ada'), wanted('grace')],
        pipelines: ['ada', 'grace'].map((username) => ({
          key: username,
          fullPath: 'acme/billing',
          username,
          updatedAfter: '2024-04-01T00:00:00Z',
        })),
      },
      CURRENT_FEATURES,
    );

    expect(result.problems.map(({ list, key, reason }) => [list, key, reason])).toEqual([
      ['timelogs', 'ada', 'unreadable-nodes'],
      ['timelogs', 'grace', 'missing'],
      ['pipelines', 'grace', 'null'],
    ]);
    expect(result.timelogs.get('ada')?.items).toHaveLength(2);
    expect(result.pipelines.get('ada')?.items.map((item) => item.iid)).toEqual(['3', '1']);
    expect(result.pipelines.get('ada')?.items[0]?.source).toBe('push');
  });
});

describe('merge requests and issues by iid, batched (ProjectItemsLoader)', () => {
  const mergeRequests: FakeMergeRequest[] = Array.from({ length: 30 }, (_, index) => {
    const created = Date.parse('2024-05-06T09:00:00Z') + index * 3_600_000;
    return {
      project_id: 7,
      iid: index + 1,
      title: `MR ${index + 1}`,
      state: 'opened',
      author: 'ada',
      source_branch: `b${index}`,
      created_at: new Date(created).toISOString(),
      updated_at: new Date(created).toISOString(),
      // !1 has grace as reviewer from its opening (no system note); the others from 10 minutes on.
      reviewers: [
        { username: 'grace', created_at: new Date(created + (index === 0 ? 0 : 600_000)).toISOString() },
      ],
      notes: [
        {
          id: 900 + index,
          author: 'grace',
          body: 'Looks fine',
          created_at: new Date(created + 60_000).toISOString(),
        },
      ],
    };
  });
  const secret: FakeMergeRequest = { ...mergeRequests[1]!, project_id: 8, iid: 1 };

  it('answers a gathering in as few queries as GitLab allows, splitting one it refuses as too complex', async () => {
    const scenario = buildScenario({
      mergeRequests: [...mergeRequests, secret],
      issues: [
        {
          project_id: 7,
          iid: 3,
          title: 'Bug',
          state: 'opened',
          author: 'ada',
          created_at: '2024-05-01T08:00:00Z',
          updated_at: '2024-05-01T08:00:00Z',
        },
      ],
    });
    // A GitLab whose limit is lower than the 250 we plan with.
    scenario.features = { graphqlMaxComplexity: 60 };
    const kit = await startKit(scenario);
    const loader = new ProjectItemsLoader(kit.client(TOKENS.ada));

    const [infos, hidden, issue, missing] = await Promise.all([
      Promise.all(mergeRequests.map((mr) => loader.mergeRequest('acme/billing', mr.iid))),
      loader.mergeRequest('acme/secret', 1),
      loader.issueCreatedAt('acme/billing', 3),
      loader.issueCreatedAt('acme/billing', 4),
    ]);

    const grace = { userId: 42, username: 'grace' };
    expect(infos.map((info) => info && reviewRequestOf(info, grace).at)).toEqual(
      mergeRequests.map((mr) => mr.reviewers?.[0]?.created_at),
    );
    expect(infos[1]?.systemNotes).toEqual([
      { body: 'requested review from @grace', createdAt: mergeRequests[1]?.reviewers?.[0]?.created_at },
    ]);
    expect([hidden, issue, missing]).toEqual([undefined, '2024-05-01T08:00:00Z', undefined]);
    // One query for both projects (83) refused, then acme/billing's 30 MRs and issues (50) and
    // acme/secret's MR (33) apart; asked again, nothing is sent.
    const sent = () =>
      kit.fake.requests.filter((request) => request.operation === 'ActivityPulseProjectItems');
    expect(sent()).toHaveLength(3);
    await loader.mergeRequest('acme/billing', 2);
    expect(sent()).toHaveLength(3);
  });
});

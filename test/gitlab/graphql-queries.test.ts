import { type DocumentNode, Kind, type OperationDefinitionNode, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  type ActivityBatch,
  buildActivityBatchQuery,
  buildProjectItemsQuery,
  CURRENT_FEATURES,
  type GraphqlFeatures,
  graphqlFeaturesFor,
  MAX_QUERY_COMPLEXITY,
  MERGE_REQUEST_NOTES_QUERY,
  type ProjectItemsWanted,
  packProjectItems,
  pipelineCountGroupComplexity,
  pipelineCountQueries,
  pipelinesListComplexity,
  projectItemsComplexity,
  projectPipelinesQuery,
  READ_API_PROBE_QUERY,
  TIMELOGS_QUERY,
  timelogsListComplexity,
  userMergeRequestListComplexity,
} from '../../src/gitlab/index.ts';
import {
  complexityOf,
  takeBatch,
  toActivityBatch,
  type Wanted,
} from '../../src/modules/sync/graphql-batches.ts';
import { queryCost } from '../support/fake-gitlab/graphql/complexity.ts';
import { gitlabSchema, VENDORED_SCHEMA_VERSIONS } from '../support/fake-gitlab/graphql/schemas.ts';

/**
 * Every query the app can send, checked against GitLab's published schemas with graphql-js's
 * validate(): each builder, each combination of lists, with the fields chosen for that version.
 * A field or argument a supported GitLab lacks makes GitLab refuse the whole query, so this
 * failing means a real GitLab would refuse a sync.
 */

const teammate = (index: number) => ({
  teammateId: `t${index}`,
  slackUserId: `U${index}`,
  username: `user${index}`,
  userId: 100 + index,
});
const timelogs = (index: number): Wanted => ({
  kind: 'timelogs',
  teammate: teammate(index),
  wanted: {
    key: `t${index}`,
    username: `user${index}`,
    startDate: '2024-05-01T00:00:00Z',
    endDate: '2024-05-08T00:00:00Z',
  },
});
const userList = (kind: 'reviews' | 'authored', index: number, after: string | null = null): Wanted => ({
  kind,
  teammate: teammate(index),
  wanted: { key: `t${index}`, username: `user${index}`, updatedAfter: '2024-05-01T00:00:00Z', after },
});
const pipelines = (index: number, project: string, after: string | null = null): Wanted => ({
  kind: 'pipelines',
  teammate: teammate(index),
  wanted: {
    key: `t${index}\u0000${project}`,
    fullPath: project,
    username: `user${index}`,
    updatedAfter: '2024-05-01T00:00:00Z',
    after,
  },
});

const ITEMS: ProjectItemsWanted[] = [
  {
    fullPath: 'acme/a',
    mergeRequestIids: [1, 2, 3],
    issueIids: [4],
    issuesCreatedAfter: '2024-05-01T00:00:00Z',
  },
  { fullPath: 'acme/b', mergeRequestIids: [7], issueIids: [] },
  { fullPath: 'acme/c', mergeRequestIids: [], issueIids: [9, 10] },
];

/** Every non-empty combination of the four list kinds, with continuation cursors or without. */
function batchCombinations(): Array<{ name: string; batch: ActivityBatch }> {
  const makers: Array<[string, (after: string | null) => Wanted[]]> = [
    ['timelogs', () => [timelogs(0), timelogs(1)]],
    ['reviews', (after) => [userList('reviews', 0, after), userList('reviews', 1)]],
    ['authored', (after) => [userList('authored', 0, after)]],
    ['pipelines', (after) => [pipelines(0, 'acme/a', after), pipelines(1, 'acme/a'), pipelines(0, 'acme/b')]],
  ];
  const out: Array<{ name: string; batch: ActivityBatch }> = [];
  for (let mask = 1; mask < 1 << makers.length; mask += 1) {
    for (const after of [null, 'eyJvZmZzZXQiOjEwMH0']) {
      const chosen = makers.filter((_, index) => mask & (1 << index));
      out.push({
        name: `${chosen.map(([name]) => name).join('+')}${after ? ' (continued)' : ''}`,
        batch: toActivityBatch(chosen.flatMap(([, make]) => make(after))),
      });
    }
  }
  return out;
}

function queriesFor(features: GraphqlFeatures): Array<{ name: string; query: string }> {
  return [
    { name: 'timelogs list', query: TIMELOGS_QUERY },
    { name: 'Test Connection probe', query: READ_API_PROBE_QUERY },
    { name: 'project pipelines list', query: projectPipelinesQuery(features) },
    ...batchCombinations().map(({ name, batch }) => ({
      name: `batch ${name}`,
      query: buildActivityBatchQuery(batch, features).query,
    })),
    { name: 'project items (MRs, issues, issues created since)', query: buildProjectItemsQuery(ITEMS).query },
    { name: 'merge request notes, continued', query: MERGE_REQUEST_NOTES_QUERY },
    ...pipelineCountQueries([{ updatedAfter: '2024-05-01T00:00:00Z', projectIds: [7, 8] }]).map(
      ({ query }) => ({
        name: 'pipeline counts',
        query,
      }),
    ),
  ];
}

const messages = (version: (typeof VENDORED_SCHEMA_VERSIONS)[number], query: string) =>
  validate(gitlabSchema(version), parse(query)).map((error) => error.message);

describe.each(VENDORED_SCHEMA_VERSIONS)('queries for GitLab %s', (version) => {
  const features = graphqlFeaturesFor(`${version}.0`);

  it.each(queriesFor(features))('$name validates against its schema', ({ query }) => {
    expect(messages(version, query)).toEqual([]);
  });
});

describe('the validation catches what a version lacks', () => {
  it('Pipeline.source is refused before 16.8, so it is only asked for from 16.8', () => {
    expect(messages('15.8', projectPipelinesQuery(CURRENT_FEATURES))).toEqual([
      expect.stringContaining('Cannot query field "source" on type "Pipeline".'),
    ]);
    expect(graphqlFeaturesFor('16.3.4-ee').pipelineSource).toBe(false);
    expect(graphqlFeaturesFor('16.8.0').pipelineSource).toBe(true);
    expect(graphqlFeaturesFor('18.5.1-ee').pipelineSource).toBe(true);
    expect(graphqlFeaturesFor(undefined).pipelineSource).toBe(false);
  });
});

function operationOf(document: DocumentNode): OperationDefinitionNode {
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
  return operation;
}

describe('query complexity', () => {
  const gitlabCost = (version: (typeof VENDORED_SCHEMA_VERSIONS)[number], batch: Wanted[]) => {
    const features = graphqlFeaturesFor(`${version}.0`);
    const { query, variables } = buildActivityBatchQuery(toActivityBatch(batch), features);
    return queryCost(gitlabSchema(version), operationOf(parse(query)), variables).complexity;
  };

  it('per list, by GitLab’s rules: timelogs 25, a merge request list 33, pipelines 38 (40 with source) + 1 per project', () => {
    expect(timelogsListComplexity()).toBe(25);
    expect(userMergeRequestListComplexity()).toBe(33);
    expect(pipelinesListComplexity(graphqlFeaturesFor('15.8'))).toBe(38);
    expect(pipelinesListComplexity(CURRENT_FEATURES)).toBe(40);
    expect(gitlabCost('18.5', [pipelines(0, 'acme/a')])).toBe(41);
    expect(gitlabCost('15.8', [pipelines(0, 'acme/a')])).toBe(39);
  });

  it('a list grouped under users(usernames:) or projects(ids:) is counted once, whatever the number of members', () => {
    const team = (count: number, make: (index: number) => Wanted) =>
      Array.from({ length: count }, (_, index) => make(index));
    // (nodes + username + list + resolver 2) × (1 + members / 100)
    expect(gitlabCost('18.5', [timelogs(0)])).toBe(29);
    expect(gitlabCost('18.5', team(50, timelogs))).toBe(43);
    expect(gitlabCost('18.5', [userList('reviews', 0)])).toBe(36);
    expect(
      gitlabCost(
        '18.5',
        team(100, (index) => userList('authored', index)),
      ),
    ).toBe(72);
    const wide = (index: number): Wanted => ({
      kind: 'projectPipelines',
      teammates: [teammate(index)],
      wanted: {
        key: `p${index}`,
        fullPath: `acme/p${index}`,
        projectId: 10 + index,
        updatedAfter: '2024-05-01T00:00:00Z',
      },
    });
    expect(gitlabCost('18.5', team(10, wide))).toBe(48);
    expect(gitlabCost('15.8', team(10, wide))).toBe(46);
    for (const version of VENDORED_SCHEMA_VERSIONS) {
      const batch = [
        ...team(50, timelogs),
        ...team(50, (index) => userList('reviews', index)),
        ...team(10, wide),
      ];
      expect(gitlabCost(version, batch)).toBe(complexityOf(batch, graphqlFeaturesFor(`${version}.0`)));
    }
  });

  it.each(VENDORED_SCHEMA_VERSIONS)(
    'pipeline counts: 50 projects a group costing 15, as many groups a query as 250 allows (GitLab %s)',
    (version) => {
      const ids = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);
      const queries = pipelineCountQueries([
        { updatedAfter: '2024-05-01T00:00:00Z', projectIds: ids(1, 500) },
        { updatedAfter: '2024-05-02T00:00:00Z', projectIds: ids(1000, 150) },
        { updatedAfter: '2024-05-03T00:00:00Z', projectIds: ids(2000, 50) },
      ]);
      expect(pipelineCountGroupComplexity(50)).toBe(15);
      // 14 groups of 50 at 15 each: 16 fit one query.
      expect(queries).toHaveLength(1);
      const costs = queries.map(
        ({ query, variables }) =>
          queryCost(gitlabSchema(version), operationOf(parse(query)), variables).complexity,
      );
      expect(costs).toEqual([14 * 15]);
      const many = pipelineCountQueries([{ updatedAfter: '2024-05-01T00:00:00Z', projectIds: ids(1, 1000) }]);
      expect(many).toHaveLength(2);
      for (const { query, variables } of many) {
        const cost = queryCost(gitlabSchema(version), operationOf(parse(query)), variables).complexity;
        expect(cost).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY);
      }
    },
  );

  it.each(VENDORED_SCHEMA_VERSIONS)(
    'every planned batch is within 250 and costs what we computed (GitLab %s)',
    (version) => {
      const features = graphqlFeaturesFor(`${version}.0`);
      // A team of 12 with time logs, review requests, own MRs and 3 projects each (72 lists).
      const pending: Wanted[] = [];
      for (let index = 0; index < 12; index += 1) {
        pending.push(timelogs(index), userList('reviews', index), userList('authored', index));
        for (const project of ['acme/a', `acme/p${index}`, `acme/q${index % 4}`])
          pending.push(pipelines(index, project));
      }
      const sizes: number[] = [];
      while (pending.length > 0) {
        const batch = takeBatch(pending, features, { budget: MAX_QUERY_COMPLEXITY, maxLists: 300 });
        const cost = complexityOf(batch, features);
        expect(cost).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY);
        expect(gitlabCost(version, batch)).toBe(cost);
        sizes.push(batch.length);
      }
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(72);
      // The 36 user lists share three groups in the first request; the 36 (teammate, project)
      // pipeline lists, one alias each, need about six lists a request.
      expect(sizes[0]).toBeGreaterThanOrEqual(36);
      expect(sizes.length).toBeLessThanOrEqual(8);
    },
  );
});

describe('project items (review requests, issue creation) complexity', () => {
  const gitlabCost = (version: (typeof VENDORED_SCHEMA_VERSIONS)[number], wanted: ProjectItemsWanted[]) => {
    const { query, variables } = buildProjectItemsQuery(wanted);
    return queryCost(gitlabSchema(version), operationOf(parse(query)), variables).complexity;
  };

  it.each(VENDORED_SCHEMA_VERSIONS)(
    'packs 450 MRs and 60 issues of 10 projects into a few queries within 250, each costing what we computed (GitLab %s)',
    (version) => {
      const wanted = Array.from({ length: 10 }, (_, project) => ({
        fullPath: `acme/p${project}`,
        mergeRequestIids: Array.from({ length: 45 }, (_, index) => index + 1),
        issueIids: Array.from({ length: 6 }, (_, index) => index + 1),
        ...(project % 2 === 0 ? { issuesCreatedAfter: '2024-05-01T00:00:00Z' } : {}),
      }));
      const queries = packProjectItems(wanted);
      for (const query of queries) {
        const planned = query.reduce(
          (sum, chunk) =>
            sum +
            projectItemsComplexity(
              chunk.mergeRequestIids.length,
              chunk.issueIids.length,
              chunk.issuesCreatedAfter !== undefined,
            ),
          0,
        );
        expect(planned).toBeLessThanOrEqual(MAX_QUERY_COMPLEXITY);
        expect(gitlabCost(version, query)).toBe(planned);
      }
      // A list's cost grows with its length by GitLab's rule, not per node: 45 MRs with their
      // reviewers and notes cost 47, so ten projects fit in 4 queries (450 reviewers calls by REST).
      expect(projectItemsComplexity(45, 0)).toBe(47);
      expect(queries).toHaveLength(4);
      expect(queries.flat().reduce((sum, chunk) => sum + chunk.mergeRequestIids.length, 0)).toBe(450);
    },
  );

  it('splits one project’s list when it alone is over the budget', () => {
    const queries = packProjectItems(
      [
        {
          fullPath: 'acme/a',
          mergeRequestIids: Array.from({ length: 250 }, (_, index) => index + 1),
          issueIids: [],
        },
      ],
      60,
    );
    // 100 MRs cost 65, 85 cost 60, 84 cost 59: three even lists of at most 84.
    expect(queries.flat().map((chunk) => chunk.mergeRequestIids.length)).toEqual([84, 84, 82]);
    for (const query of queries) expect(gitlabCost('18.5', query)).toBeLessThanOrEqual(60);
  });
});

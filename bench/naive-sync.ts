import { Gitlab } from '@gitbeaker/rest';
import type { FakeGitLab } from '../test/support/fake-gitlab/index.ts';
import { BENCH_TOKEN, type BenchScenario } from './sync-scenario.ts';

export const NAIVE_CONCURRENCY = 8;

export interface NaiveFigures {
  wallMs: number;
  total: number;
  requests: Record<string, number>;
  fetched: number;
  failed: number;
  rateLimited: number;
}

export function byEndpoint(fake: FakeGitLab): Record<string, number> {
  return Object.fromEntries(Object.entries(fake.countsByEndpoint()).sort((a, b) => b[1] - a[1]));
}

/**
 * What a user would write with @gitbeaker/rest to get the same data: list MRs, issues, commits and
 * pipelines per project, then one request per MR (notes, approvals, reviewers), per issue (notes,
 * time stats — REST has no single time entries), per commit (stats) and per pipeline (duration).
 * Only fetching is measured: nothing is mapped or stored. Eight requests at a time.
 */
export async function runNaive(bench: BenchScenario, fake: FakeGitLab): Promise<NaiveFigures> {
  fake.requests.length = 0;
  const api = new Gitlab({ host: fake.url, token: BENCH_TOKEN });
  const since = bench.start.toISOString();
  const tasks: Array<() => Promise<unknown>> = [];
  const pool = async () => {
    while (tasks.length > 0) await tasks.shift()!();
  };
  const runAll = () => Promise.all(Array.from({ length: NAIVE_CONCURRENCY }, pool));
  let fetched = 0;
  const count = (items: unknown) => {
    fetched += Array.isArray(items) ? items.length : 1;
    return items;
  };
  const started = performance.now();
  for (const username of bench.usernames) tasks.push(async () => count(await api.Users.all({ username })));
  for (const projectPath of bench.projectPaths) {
    tasks.push(async () => {
      const mrs = await api.MergeRequests.all({ projectId: projectPath, updatedAfter: since, perPage: 100 });
      count(mrs);
      for (const mr of mrs) {
        tasks.push(async () => count(await api.MergeRequestNotes.all(projectPath, mr.iid, { perPage: 100 })));
        tasks.push(async () =>
          count(await api.MergeRequestApprovals.showConfiguration(projectPath, { mergerequestIId: mr.iid })),
        );
        tasks.push(async () => count(await api.MergeRequests.showReviewers(projectPath, mr.iid)));
      }
    });
    tasks.push(async () => {
      const commits = await api.Commits.all(projectPath, { since, all: true, perPage: 100 });
      count(commits);
      for (const commit of commits) {
        tasks.push(async () => count(await api.Commits.show(projectPath, commit.id, { stats: true })));
      }
    });
    tasks.push(async () => {
      const pipelines = await api.Pipelines.all(projectPath, { updatedAfter: since, perPage: 100 });
      count(pipelines);
      for (const pipeline of pipelines) {
        tasks.push(async () => count(await api.Pipelines.show(projectPath, pipeline.id)));
      }
    });
  }
  tasks.push(async () => {
    const issues = await api.Issues.all({ scope: 'all', updatedAfter: since, perPage: 100 });
    count(issues);
    for (const issue of issues) {
      tasks.push(async () => count(await api.IssueNotes.all(issue.project_id, issue.iid, { perPage: 100 })));
      tasks.push(async () => count(await api.Issues.showTimeStats(issue.project_id, issue.iid)));
    }
  });
  // Tasks add tasks: run until nothing is left.
  while (tasks.length > 0) await runAll();
  return {
    wallMs: performance.now() - started,
    total: fake.requests.length,
    requests: byEndpoint(fake),
    fetched,
    failed: fake.requests.filter((request) => request.status >= 400).length,
    rateLimited: fake.requests.filter((request) => request.status === 429).length,
  };
}

import { fork } from 'node:child_process';
import path from 'node:path';
import { Gitlab } from '@gitbeaker/rest';
import type { FakeGitLab } from '../test/support/fake-gitlab/index.ts';
import { BENCH_TOKEN, type BenchScenario } from './sync-scenario.ts';

export const NAIVE_CONCURRENCY = 8;

export interface NaiveFigures {
  /** Measured; or, when only the listings were sent, the listings' time. */
  wallMs: number;
  /** False when only the listings were sent and the per-item requests counted. */
  measured: boolean;
  total: number;
  requests: Record<string, number>;
  fetched: number;
  failed: number;
  rateLimited: number;
}

/**
 * The least time the naive fetch can take at NAIVE_CONCURRENCY requests at a time when each answer
 * takes `latencyMs`: what is quoted for a size too large to run it whole.
 */
export function naiveFloorMs(figures: NaiveFigures, latencyMs: number): number {
  return (figures.total * latencyMs) / NAIVE_CONCURRENCY;
}

export function byEndpoint(fake: FakeGitLab): Record<string, number> {
  return Object.fromEntries(Object.entries(fake.countsByEndpoint()).sort((a, b) => b[1] - a[1]));
}

/** What the naive fetch itself reports; the requests are counted by the fake GitLab that served them. */
export interface NaiveFetch {
  wallMs: number;
  fetched: number;
  /** With listingsOnly: the per-item requests counted by endpoint, not sent. */
  notSent: Record<string, number>;
}

/**
 * The naive fetch in a process of its own (bench/naive-child.ts), as ActivityPulse's sync runs in
 * one: its client's work does not share a thread with the fake GitLab serving it.
 */
export async function runNaive(
  size: { teammates: number; days: number; end: Date },
  fake: FakeGitLab,
  options: { listingsOnly?: boolean } = {},
): Promise<NaiveFigures> {
  fake.requests.length = 0;
  const child = fork(path.join(import.meta.dirname, 'naive-child.ts'), [
    JSON.stringify({
      url: fake.url,
      ...size,
      end: size.end.toISOString(),
      listingsOnly: options.listingsOnly ?? false,
    }),
  ]);
  const result = await new Promise<NaiveFetch>((resolve, reject) => {
    child.once('message', (message: NaiveFetch | { error: string }) =>
      'error' in message ? reject(new Error(`naive fetch failed: ${message.error}`)) : resolve(message),
    );
    child.once('exit', (code) => reject(new Error(`naive child exited with ${code}`)));
  });
  const requests = byEndpoint(fake);
  for (const [endpoint, n] of Object.entries(result.notSent))
    requests[endpoint] = (requests[endpoint] ?? 0) + n;
  return {
    wallMs: result.wallMs,
    measured: !options.listingsOnly,
    total: Object.values(requests).reduce((sum, n) => sum + n, 0),
    requests: Object.fromEntries(Object.entries(requests).sort((a, b) => b[1] - a[1])),
    fetched: result.fetched,
    failed: fake.requests.filter((request) => request.status >= 400).length,
    rateLimited: fake.requests.filter((request) => request.status === 429).length,
  };
}

/**
 * What a user would write with @gitbeaker/rest to get the same data: list MRs, issues, commits and
 * pipelines per project, then one request per MR (notes, approvals, reviewers), per issue (notes,
 * time stats — REST has no single time entries), per commit (stats) and per pipeline (duration).
 * Only fetching is measured: nothing is mapped or stored. Eight requests at a time.
 */
export async function fetchNaive(
  bench: BenchScenario,
  url: string,
  options: { listingsOnly?: boolean } = {},
): Promise<NaiveFetch> {
  const notSent: Record<string, number> = {};
  const follow = (endpoint: string, task: () => Promise<unknown>) => {
    if (options.listingsOnly) notSent[endpoint] = (notSent[endpoint] ?? 0) + 1;
    else tasks.push(task);
  };
  const api = new Gitlab({ host: url, token: BENCH_TOKEN });
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
        follow('GET /projects/:id/merge_requests/:iid/notes', async () =>
          count(await api.MergeRequestNotes.all(projectPath, mr.iid, { perPage: 100 })),
        );
        follow('GET /projects/:id/merge_requests/:iid/approvals', async () =>
          count(await api.MergeRequestApprovals.showConfiguration(projectPath, { mergerequestIId: mr.iid })),
        );
        follow('GET /projects/:id/merge_requests/:iid/reviewers', async () =>
          count(await api.MergeRequests.showReviewers(projectPath, mr.iid)),
        );
      }
    });
    tasks.push(async () => {
      const commits = await api.Commits.all(projectPath, { since, all: true, perPage: 100 });
      count(commits);
      for (const commit of commits) {
        follow('GET /projects/:id/repository/commits/:sha', async () =>
          count(await api.Commits.show(projectPath, commit.id, { stats: true })),
        );
      }
    });
    tasks.push(async () => {
      const pipelines = await api.Pipelines.all(projectPath, { updatedAfter: since, perPage: 100 });
      count(pipelines);
      for (const pipeline of pipelines) {
        follow('GET /projects/:id/pipelines/:pipeline_id', async () =>
          count(await api.Pipelines.show(projectPath, pipeline.id)),
        );
      }
    });
  }
  tasks.push(async () => {
    const issues = await api.Issues.all({ scope: 'all', updatedAfter: since, perPage: 100 });
    count(issues);
    for (const issue of issues) {
      follow('GET /projects/:id/issues/:iid/notes', async () =>
        count(await api.IssueNotes.all(issue.project_id, issue.iid, { perPage: 100 })),
      );
      follow('GET /projects/:id/issues/:iid/time_stats', async () =>
        count(await api.Issues.showTimeStats(issue.project_id, issue.iid)),
      );
    }
  });
  // Tasks add tasks: run until nothing is left.
  while (tasks.length > 0) await runAll();
  return { wallMs: performance.now() - started, fetched, notSent };
}

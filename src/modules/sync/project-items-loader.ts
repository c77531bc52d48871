import {
  fetchProjectItems,
  type GitLabClient,
  GitLabGraphqlError,
  type MergeRequestReviewInfo,
  type ProjectItems,
  type ProjectItemsResult,
  type ProjectItemsWanted,
  packProjectItems,
  projectItemsComplexity,
} from '../../gitlab/index.ts';
import { budgetAfterRefusal, DEFAULT_BUDGET, isTooBigForGitLab } from './graphql-batches.ts';

/**
 * Merge requests (reviewers, system notes) and issues (creation time) by project path and iid,
 * shared by every teammate of one run, each asked at most once. Asks are gathered for a moment
 * (`gatherMs`), and for as long as the previous gathering's queries are out, so concurrent
 * teammates' pages share requests; each gathering becomes as few GraphQL queries as GitLab's
 * complexity limit allows (project-items.api.ts). One gathering at a time is sent.
 */
export interface ProjectItemsLoaderOptions {
  /** How long a first ask waits for others before the queries go (0: the next turn of the loop). */
  gatherMs?: number;
}

type Kind = 'mergeRequest' | 'issue' | 'issuesSince';

interface Ask {
  kind: Kind;
  fullPath: string;
  /** The iid, or for `issuesSince` the time (epoch ms). */
  iid: number;
}

interface Gathering {
  asks: Ask[];
  done: Promise<ProjectItemsResult>;
}

/** Queries of one gathering out at once (a first sync's review requests need a score of them). */
const QUERIES_IN_FLIGHT = 3;

export class ProjectItemsLoader {
  readonly #client: GitLabClient;
  readonly #gatherMs: number;
  readonly #answers = new Map<string, Promise<ProjectItemsResult>>();
  #gathering: Gathering | undefined;
  #budget = DEFAULT_BUDGET;
  #unreadable = 0;
  /** Queries of the run go one after another: a gathering waits for the one before. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: GitLabClient, options: ProjectItemsLoaderOptions = {}) {
    this.#client = client;
    this.#gatherMs = options.gatherMs ?? 0;
  }

  /** Items GitLab could not render (field errors on them alone): left unknown, as if hidden. */
  get unreadable(): number {
    return this.#unreadable;
  }

  /** Undefined when GitLab does not have it or the token cannot see the project. */
  async mergeRequest(fullPath: string, iid: number): Promise<MergeRequestReviewInfo | undefined> {
    const result = await this.#ask({ kind: 'mergeRequest', fullPath, iid });
    return result.get(fullPath)?.mergeRequests.get(iid);
  }

  async issueCreatedAt(fullPath: string, iid: number): Promise<string | undefined> {
    const result = await this.#ask({ kind: 'issue', fullPath, iid });
    return result.get(fullPath)?.issues.get(iid);
  }

  /** The newest 100 issues created since `after`, iid → created at. */
  async issuesCreatedSince(fullPath: string, after: Date): Promise<ProjectItems['issuesCreatedSince']> {
    const result = await this.#ask({ kind: 'issuesSince', fullPath, iid: after.getTime() });
    return result.get(fullPath)?.issuesCreatedSince;
  }

  #ask(ask: Ask): Promise<ProjectItemsResult> {
    const key = `${ask.kind}\u0000${ask.fullPath}\u0000${ask.iid}`;
    let answer = this.#answers.get(key);
    if (!answer) {
      const gathering = this.#gathering ?? this.#startGathering();
      gathering.asks.push(ask);
      answer = gathering.done;
      this.#answers.set(key, answer);
      // A gathering that failed is not remembered: a later ask tries again.
      answer.catch(() => {
        if (this.#answers.get(key) === answer) this.#answers.delete(key);
      });
    }
    return answer;
  }

  #startGathering(): Gathering {
    const asks: Ask[] = [];
    const previous = this.#queue;
    // Open for `gatherMs`, and further while the query before is still out: whatever is asked
    // meanwhile goes in this one.
    const done = new Promise<void>((resolve) => {
      if (this.#gatherMs > 0) setTimeout(resolve, this.#gatherMs);
      else setImmediate(resolve);
    })
      .then(() => previous)
      .then(() => {
        this.#gathering = undefined;
        return this.#fetch(wantedOf(asks));
      });
    this.#queue = done.catch(() => undefined);
    const gathering = { asks, done };
    this.#gathering = gathering;
    return gathering;
  }

  async #fetch(wanted: ProjectItemsWanted[]): Promise<ProjectItemsResult> {
    const merged: ProjectItemsResult = new Map();
    const pending = packProjectItems(wanted, this.#budget);
    // A few queries of one gathering out at once; the first error stops the others at their next
    // query and is thrown once all have ended.
    let failure: { error: unknown } | undefined;
    const worker = () =>
      this.#drain(pending, merged, () => failure !== undefined).catch((error: unknown) => {
        failure ??= { error };
      });
    await Promise.all(Array.from({ length: QUERIES_IN_FLIGHT }, worker));
    if (failure) throw failure.error;
    return merged;
  }

  async #drain(
    pending: ProjectItemsWanted[][],
    merged: ProjectItemsResult,
    stopped: () => boolean,
  ): Promise<void> {
    while (pending.length > 0 && !stopped()) {
      const query = pending.shift() as ProjectItemsWanted[];
      let result: ProjectItemsResult;
      try {
        result = await fetchProjectItems(this.#client, query);
      } catch (error) {
        if (error instanceof GitLabGraphqlError && error.onNodes && !isTooBigForGitLab(error)) {
          // GitLab failed on some items' fields (a record it cannot render): narrow it down by
          // halves and leave that one item unknown — as if hidden — instead of failing every run
          // on it. The others come in a few more requests.
          if (!isSmallest(query)) pending.unshift(...halves(query));
          else this.#unreadable += 1;
          continue;
        }
        if (!isTooBigForGitLab(error) || isSmallest(query)) throw error;
        // GitLab counted more than we did (or allows less): plan with what it said, and go on.
        if (error instanceof GitLabGraphqlError) {
          const sent = query.reduce(
            (sum, chunk) =>
              sum +
              projectItemsComplexity(
                chunk.mergeRequestIids.length,
                chunk.issueIids.length,
                chunk.issuesCreatedAfter !== undefined,
              ),
            0,
          );
          this.#budget = budgetAfterRefusal(this.#budget, sent, error.graphqlMessages);
        }
        const repacked = packProjectItems(query, this.#budget);
        pending.unshift(...(repacked.length > 1 ? repacked : halves(query)));
        continue;
      }
      for (const [path, items] of result) {
        const into: ProjectItems = merged.get(path) ?? { mergeRequests: new Map(), issues: new Map() };
        for (const [iid, info] of items.mergeRequests) into.mergeRequests.set(iid, info);
        for (const [iid, at] of items.issues) into.issues.set(iid, at);
        if (items.issuesCreatedSince) into.issuesCreatedSince = items.issuesCreatedSince;
        merged.set(path, into);
      }
    }
  }
}

function wantedOf(asks: readonly Ask[]): ProjectItemsWanted[] {
  const byPath = new Map<string, ProjectItemsWanted & { mergeRequestIids: number[]; issueIids: number[] }>();
  for (const ask of asks) {
    const entry = byPath.get(ask.fullPath) ?? { fullPath: ask.fullPath, mergeRequestIids: [], issueIids: [] };
    if (ask.kind === 'mergeRequest') entry.mergeRequestIids.push(ask.iid);
    else if (ask.kind === 'issue') entry.issueIids.push(ask.iid);
    else entry.issuesCreatedAfter = new Date(ask.iid).toISOString();
    byPath.set(ask.fullPath, entry);
  }
  return [...byPath.values()];
}

function isSmallest(query: readonly ProjectItemsWanted[]): boolean {
  const [only] = query;
  const lists = only
    ? only.mergeRequestIids.length + only.issueIids.length + (only.issuesCreatedAfter ? 1 : 0)
    : 0;
  return query.length === 1 && lists <= 1;
}

/** A refused query in two: its projects halved, or one project's lists apart, or a list halved. */
function halves(query: ProjectItemsWanted[]): ProjectItemsWanted[][] {
  if (query.length > 1) {
    const middle = Math.ceil(query.length / 2);
    return [query.slice(0, middle), query.slice(middle)];
  }
  const [only] = query as [ProjectItemsWanted];
  const none = { fullPath: only.fullPath, mergeRequestIids: [], issueIids: [] };
  const lists: ProjectItemsWanted[] = [
    ...(only.mergeRequestIids.length > 0 ? [{ ...none, mergeRequestIids: only.mergeRequestIids }] : []),
    ...(only.issueIids.length > 0 ? [{ ...none, issueIids: only.issueIids }] : []),
    ...(only.issuesCreatedAfter !== undefined
      ? [{ ...none, issuesCreatedAfter: only.issuesCreatedAfter }]
      : []),
  ];
  if (lists.length > 1) return lists.map((list) => [list]);
  const half = (list: readonly number[], first: boolean) => {
    const middle = Math.ceil(list.length / 2);
    return first ? list.slice(0, middle) : list.slice(middle);
  };
  return [true, false].map((first) => [
    { ...none, mergeRequestIids: half(only.mergeRequestIids, first), issueIids: half(only.issueIids, first) },
  ]);
}

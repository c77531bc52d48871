import {
  fetchProjectItems,
  type GitLabClient,
  GitLabGraphqlError,
  type MergeRequestReviewInfo,
  type ProjectItemsResult,
  type ProjectItemsWanted,
  packProjectItems,
  projectItemsComplexity,
} from '../../gitlab/index.ts';
import { budgetAfterRefusal, DEFAULT_BUDGET, isTooBigForGitLab } from './graphql-batches.ts';

/**
 * Merge requests (reviewers, system notes) and issues (creation time) by project path and iid,
 * shared by every teammate of one run, each asked at most once. Asks are gathered for a moment
 * (`gatherMs`) so that concurrent teammates' pages share requests; each gathering becomes as few
 * GraphQL queries as GitLab's complexity limit allows (project-items.api.ts), run one at a time.
 */
export interface ProjectItemsLoaderOptions {
  /** How long a first ask waits for others before the queries go (0: the next turn of the loop). */
  gatherMs?: number;
}

type Kind = 'mergeRequest' | 'issue';

interface Ask {
  kind: Kind;
  fullPath: string;
  iid: number;
}

interface Gathering {
  asks: Ask[];
  done: Promise<ProjectItemsResult>;
}

export class ProjectItemsLoader {
  readonly #client: GitLabClient;
  readonly #gatherMs: number;
  readonly #answers = new Map<string, Promise<ProjectItemsResult>>();
  #gathering: Gathering | undefined;
  #budget = DEFAULT_BUDGET;
  /** Queries of the run go one after another: a gathering waits for the one before. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: GitLabClient, options: ProjectItemsLoaderOptions = {}) {
    this.#client = client;
    this.#gatherMs = options.gatherMs ?? 0;
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

  #ask(ask: Ask): Promise<ProjectItemsResult> {
    const key = `${ask.kind}\u0000${ask.fullPath}\u0000${ask.iid}`;
    let answer = this.#answers.get(key);
    if (!answer) {
      const gathering = this.#gathering ?? this.#startGathering();
      gathering.asks.push(ask);
      answer = gathering.done;
      this.#answers.set(key, answer);
    }
    return answer;
  }

  #startGathering(): Gathering {
    const asks: Ask[] = [];
    const done = new Promise<void>((resolve) => {
      if (this.#gatherMs > 0) setTimeout(resolve, this.#gatherMs);
      else setImmediate(resolve);
    }).then(() => {
      this.#gathering = undefined;
      const run = this.#queue.then(() => this.#fetch(wantedOf(asks)));
      this.#queue = run.catch(() => undefined);
      return run;
    });
    const gathering = { asks, done };
    this.#gathering = gathering;
    return gathering;
  }

  async #fetch(wanted: ProjectItemsWanted[]): Promise<ProjectItemsResult> {
    const merged: ProjectItemsResult = new Map();
    const pending = packProjectItems(wanted, this.#budget);
    while (pending.length > 0) {
      const query = pending.shift() as ProjectItemsWanted[];
      let result: ProjectItemsResult;
      try {
        result = await fetchProjectItems(this.#client, query);
      } catch (error) {
        // GitLab counted more than we did: plan smaller queries with what it said, and go on.
        if (!isTooBigForGitLab(error) || isSmallest(query)) throw error;
        if (error instanceof GitLabGraphqlError) {
          const sent = query.reduce(
            (sum, chunk) =>
              sum + projectItemsComplexity(chunk.mergeRequestIids.length, chunk.issueIids.length),
            0,
          );
          this.#budget = budgetAfterRefusal(this.#budget, sent, error.graphqlMessages);
        }
        pending.unshift(...halves(query));
        continue;
      }
      for (const [path, items] of result) {
        const into = merged.get(path) ?? { mergeRequests: new Map(), issues: new Map() };
        for (const [iid, info] of items.mergeRequests) into.mergeRequests.set(iid, info);
        for (const [iid, at] of items.issues) into.issues.set(iid, at);
        merged.set(path, into);
      }
    }
    return merged;
  }
}

function wantedOf(asks: readonly Ask[]): ProjectItemsWanted[] {
  const byPath = new Map<string, { mergeRequestIids: number[]; issueIids: number[] }>();
  for (const ask of asks) {
    const entry = byPath.get(ask.fullPath) ?? { mergeRequestIids: [], issueIids: [] };
    (ask.kind === 'mergeRequest' ? entry.mergeRequestIids : entry.issueIids).push(ask.iid);
    byPath.set(ask.fullPath, entry);
  }
  return [...byPath].map(([fullPath, entry]) => ({ fullPath, ...entry }));
}

function isSmallest(query: readonly ProjectItemsWanted[]): boolean {
  const [only] = query;
  return query.length === 1 && !!only && only.mergeRequestIids.length + only.issueIids.length <= 1;
}

/** A refused query in two: its projects halved, or one project's iids halved. */
function halves(query: ProjectItemsWanted[]): ProjectItemsWanted[][] {
  if (query.length > 1) {
    const middle = Math.ceil(query.length / 2);
    return [query.slice(0, middle), query.slice(middle)];
  }
  const [only] = query as [ProjectItemsWanted];
  const half = (list: readonly number[], first: boolean) => {
    const middle = Math.ceil(list.length / 2);
    return first ? list.slice(0, middle) : list.slice(middle);
  };
  return [true, false]
    .map((first) => ({
      fullPath: only.fullPath,
      mergeRequestIids: half(only.mergeRequestIids, first),
      issueIids: half(only.issueIids, first),
    }))
    .filter((chunk) => chunk.mergeRequestIids.length + chunk.issueIids.length > 0)
    .map((chunk) => [chunk]);
}

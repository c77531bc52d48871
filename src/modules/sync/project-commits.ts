import {
  type GitLabClient,
  type GitLabCommit,
  isGitLabError,
  listCommits,
  type Page,
} from '../../gitlab/index.ts';
import { commitsOfPushGroup, type PushGroup } from './event-follow-ups.ts';

/**
 * Commits per source, not per person (issue 17): ONE listing of every branch of a project for the
 * run's window (`all=true&with_stats=true&since&until`, 100 a page, newest first), read page by page
 * as far back as the pushes need it and shared by every teammate of the run. A push's commits are found by
 * walking `parent_ids` back from its `commit_to`, stopping at `commit_from` (and what it reaches)
 * and at commits outside the window; commits this run already credited to a push are not credited
 * twice. When the listing cannot
 * account for `commit_count` commits (history rewritten, branch deleted, commits older than the
 * window), the push falls back to its own range listing and, when that is gone too, to the head.
 */

/** Commits committed this long before the window still count: people push what they wrote earlier. */
export const COMMIT_SLACK_MS = 86_400_000;

/** What the mapper needs of a commit: the listing's noise is dropped so a month fits in memory. */
type ListedCommit = Pick<
  GitLabCommit,
  | 'id'
  | 'short_id'
  | 'title'
  | 'message'
  | 'author_name'
  | 'author_email'
  | 'authored_date'
  | 'committed_date'
  | 'parent_ids'
  | 'web_url'
  | 'stats'
>;

export interface CommitListing {
  /** Newest first, as GitLab lists them. */
  readonly ordered: ListedCommit[];
  readonly byId: Map<string, ListedCommit>;
}

export class ProjectCommits {
  readonly #client: GitLabClient;
  readonly #since: string;
  readonly #until: string;
  readonly #listings = new Map<number, ProjectListing>();
  /** `<project>:<sha>` credited to a push in this run: a later push reaching them skips them. */
  readonly #credited = new Set<string>();

  constructor(client: GitLabClient, window: { since: Date; until: Date }) {
    this.#client = client;
    this.#since = new Date(window.since.getTime() - COMMIT_SLACK_MS).toISOString();
    this.#until = window.until.toISOString();
  }

  /**
   * Drops the listings once no push is left to read (the events are done): a 90-day first sync of
   * 40 projects holds about 40,000 commits here, which the pipelines read after it does not need.
   */
  release(): void {
    this.#listings.clear();
    this.#credited.clear();
  }

  /** The commits of one push group, stats included; undefined when GitLab no longer has them. */
  async ofPush(group: PushGroup): Promise<GitLabCommit[] | undefined> {
    let listing = this.#listings.get(group.projectId);
    if (!listing) {
      listing = new ProjectListing(this.#client, group.projectId, this.#since, this.#until);
      this.#listings.set(group.projectId, listing);
    }
    const credited = (sha: string) => this.#credited.has(`${group.projectId}:${sha}`);
    // The listing is newest first: pages are read only as far back as this push needs, so a run
    // over a short window reads a page or two of a busy project, not all of its history.
    const pushedAt = Math.min(...group.events.map((event) => Date.parse(event.created_at)));
    const oldestUseful = pushedAt - COMMIT_SLACK_MS;
    let found: GitLabCommit[] | undefined;
    for (;;) {
      found = commitsOfPush(listing, group, credited);
      if (found || listing.state !== 'open' || listing.oldest < oldestUseful) break;
      await listing.more();
    }
    if (listing.state === 'gone') return undefined;
    if (found) {
      // Credited commits stay in the listing for the walks of later pushes, which need only their
      // ids and parents: the caller gets copies, the listing keeps them thin (a 90-day first sync
      // holds some 40,000 commits here until the events are done).
      const handed = found.map((commit) => ({ ...commit }));
      for (const commit of found) {
        this.#credited.add(`${group.projectId}:${commit.id}`);
        thin(commit as ListedCommit);
      }
      return handed;
    }
    found = await this.#rangeOf(group);
    for (const commit of found ?? []) this.#credited.add(`${group.projectId}:${commit.id}`);
    return found;
  }

  /** The push's own range listing; a range that lists nothing is gone (the caller keeps the head). */
  async #rangeOf(group: PushGroup): Promise<GitLabCommit[] | undefined> {
    const listed = await commitsOfPushGroup(this.#client, group);
    return listed && listed.length > 0 ? listed : undefined;
  }
}

/** One project's listing for the run, read page by page as pushes need it, one page at a time. */
class ProjectListing implements CommitListing {
  readonly ordered: ListedCommit[] = [];
  readonly byId = new Map<string, ListedCommit>();
  /** open: more pages may follow; read: all of it; gone: the project is not visible; stopped: over a cap or failed. */
  state: 'open' | 'read' | 'gone' | 'stopped' = 'open';
  /** Committed date of the oldest commit read so far (ms); +∞ before the first page. */
  oldest = Number.POSITIVE_INFINITY;
  readonly #pages: AsyncIterator<Page<GitLabCommit>>;
  #reading: Promise<void> | undefined;

  constructor(client: GitLabClient, projectId: number, since: string, until: string) {
    // https://docs.gitlab.com/api/commits/#list-repository-commits (`all`, `with_stats`, `since`, `until`)
    this.#pages = listCommits(client, projectId, { all: true, withStats: true, since, until })[
      Symbol.asyncIterator
    ]();
  }

  /** The next page; callers waiting at once share it. */
  more(): Promise<void> {
    this.#reading ??= this.#next().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #next(): Promise<void> {
    if (this.state !== 'open') return;
    try {
      const page = await this.#pages.next();
      if (page.done) {
        this.state = 'read';
        return;
      }
      for (const commit of page.value.items) {
        const kept = slim(commit);
        this.ordered.push(kept);
        this.byId.set(kept.id, kept);
        this.oldest = Math.min(this.oldest, Date.parse(kept.committed_date));
      }
    } catch (error) {
      // The project went private or away: its pushes keep what the events said.
      if (isGitLabError(error, 'GITLAB_NOT_FOUND') || isGitLabError(error, 'GITLAB_FORBIDDEN')) {
        this.state = 'gone';
        return;
      }
      // Over the page or size cap (a very busy project), or failed past the retries: the pushes
      // not accounted for yet list their own ranges, as before; nobody re-reads the whole listing.
      this.state = 'stopped';
      if (isGitLabError(error, 'GITLAB_TOO_MANY_PAGES') || isGitLabError(error, 'GITLAB_RESPONSE_TOO_LARGE'))
        return;
      throw error;
    }
  }
}

/**
 * A push's commits out of a project listing, newest first, without those already credited; the
 * same set `from..to` selects (or the newest `count` of `to` for a new branch). Undefined when the
 * listing cannot account for the push's `commit_count` commits.
 */
export function commitsOfPush(
  listing: CommitListing,
  group: PushGroup,
  credited: (sha: string) => boolean,
): GitLabCommit[] | undefined {
  if (!listing.byId.has(group.to)) return undefined;
  const excluded = group.from ? reachable(listing, group.from, new Set()) : new Set<string>();
  if (group.from) excluded.add(group.from);
  const range = reachable(listing, group.to, excluded);
  let selected = listing.ordered.filter((commit) => range.has(commit.id));
  if (!group.from) selected = selected.slice(0, group.count);
  if (selected.length < group.count) return undefined;
  return selected.filter((commit) => !credited(commit.id));
}

/** Commits of the listing reachable from `sha` through parent_ids, not entering `stop`. */
function reachable(listing: CommitListing, sha: string, stop: ReadonlySet<string>): Set<string> {
  const seen = new Set<string>();
  const pending = [sha];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id) || stop.has(id)) continue;
    const commit = listing.byId.get(id);
    // Outside the window (or not there at all): the walk ends on this side.
    if (!commit) continue;
    seen.add(id);
    pending.push(...(commit.parent_ids ?? []));
  }
  return seen;
}

/** What a credited commit no longer needs: it is never handed out again, only walked through. */
function thin(commit: ListedCommit): void {
  commit.title = '';
  commit.message = '';
  commit.author_name = '';
  commit.author_email = '';
  commit.web_url = '';
}

function slim(commit: GitLabCommit): ListedCommit {
  return {
    id: commit.id,
    short_id: commit.short_id,
    title: commit.title,
    message: commit.message,
    author_name: commit.author_name,
    author_email: commit.author_email,
    authored_date: commit.authored_date,
    committed_date: commit.committed_date,
    parent_ids: commit.parent_ids ?? [],
    web_url: commit.web_url,
    ...(commit.stats ? { stats: commit.stats } : {}),
  };
}

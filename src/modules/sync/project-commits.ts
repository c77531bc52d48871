import { type GitLabClient, type GitLabCommit, isGitLabError, listCommits } from '../../gitlab/index.ts';
import { commitsOfPushGroup, type PushGroup } from './event-follow-ups.ts';

/**
 * Commits per source, not per person (issue 17): ONE listing of every branch of a project for the
 * run's window (`all=true&with_stats=true&since&until`, 100 a page), read the first time a push to
 * that project needs it and shared by every teammate of the run. A push's commits are found by
 * walking `parent_ids` back from its `commit_to`, stopping at `commit_from` (and what it reaches),
 * at commits outside the window, at commits this run already credited. When the listing cannot
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
  ordered: ListedCommit[];
  byId: Map<string, ListedCommit>;
}

export class ProjectCommits {
  readonly #client: GitLabClient;
  readonly #since: string;
  readonly #until: string;
  readonly #listings = new Map<number, Promise<CommitListing | 'gone' | 'too large'>>();
  /** `<project>:<sha>` credited to a push in this run: a later push reaching them skips them. */
  readonly #credited = new Set<string>();

  constructor(client: GitLabClient, window: { since: Date; until: Date }) {
    this.#client = client;
    this.#since = new Date(window.since.getTime() - COMMIT_SLACK_MS).toISOString();
    this.#until = window.until.toISOString();
  }

  /** The commits of one push group, stats included; undefined when GitLab no longer has them. */
  async ofPush(group: PushGroup): Promise<GitLabCommit[] | undefined> {
    const listing = await this.#listing(group.projectId);
    if (listing === 'gone') return undefined;
    const credited = (sha: string) => this.#credited.has(`${group.projectId}:${sha}`);
    const found =
      (listing === 'too large' ? undefined : commitsOfPush(listing, group, credited)) ??
      (await this.#rangeOf(group));
    for (const commit of found ?? []) this.#credited.add(`${group.projectId}:${commit.id}`);
    return found;
  }

  /** The push's own range listing; a range that lists nothing is gone (the caller keeps the head). */
  async #rangeOf(group: PushGroup): Promise<GitLabCommit[] | undefined> {
    const listed = await commitsOfPushGroup(this.#client, group);
    return listed && listed.length > 0 ? listed : undefined;
  }

  #listing(projectId: number): Promise<CommitListing | 'gone' | 'too large'> {
    let listing = this.#listings.get(projectId);
    if (!listing) {
      listing = this.#read(projectId);
      // A failed listing is not kept: the next teammate pushing there asks again.
      listing.catch(() => this.#listings.delete(projectId));
      this.#listings.set(projectId, listing);
    }
    return listing;
  }

  async #read(projectId: number): Promise<CommitListing | 'gone' | 'too large'> {
    const ordered: ListedCommit[] = [];
    try {
      for await (const page of listCommits(this.#client, projectId, {
        all: true,
        withStats: true,
        since: this.#since,
        until: this.#until,
      })) {
        for (const commit of page.items) ordered.push(slim(commit));
      }
    } catch (error) {
      // The project went private or away: its pushes keep what the events said.
      if (isGitLabError(error, 'GITLAB_NOT_FOUND') || isGitLabError(error, 'GITLAB_FORBIDDEN')) return 'gone';
      // Over the page or size cap (a very busy project): its pushes are listed one range each, as
      // before, rather than every teammate asking for the whole listing again.
      if (isGitLabError(error, 'GITLAB_TOO_MANY_PAGES') || isGitLabError(error, 'GITLAB_RESPONSE_TOO_LARGE'))
        return 'too large';
      throw error;
    }
    return { ordered, byId: new Map(ordered.map((commit) => [commit.id, commit])) };
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

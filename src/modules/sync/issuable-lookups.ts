import {
  type GitLabClient,
  type GitLabEvent,
  type GitLabMergeRequest,
  isGitLabError,
  mergeRequestSchema,
} from '../../gitlab/index.ts';
import { projectPath } from '../../gitlab/project-path.ts';
import { type MergeRequestFacts, mergeRequestRef } from './gitlab-activity.mapper.ts';
import type { ProjectDirectory } from './project-directory.ts';
import { ProjectItemsLoader, type ProjectItemsLoaderOptions } from './project-items-loader.ts';
import { type ReviewRequest, reviewRequestOf } from './review-request-notes.ts';

/**
 * What the events and the review-request lists need to know about merge requests and issues,
 * shared by every teammate of one run so each is asked about once:
 * - merge request facts (branch, author, opened at, URL): learnt for free from the GraphQL lists,
 *   else ONE REST `iids=1,2,3` listing per project;
 * - whether, and since when, review was requested of a teammate, and when the issues of `opened`
 *   events were created (to tell a re-open from an opening): batched GraphQL, many MRs, issues
 *   and projects per request (project-items-loader.ts).
 */
export class IssuableLookups {
  readonly #client: GitLabClient;
  readonly #projects: ProjectDirectory;
  readonly #items: ProjectItemsLoader;
  readonly #facts = new Map<string, Promise<MergeRequestFacts | undefined>>();

  readonly #issuesCreatedAfter: Date | undefined;

  constructor(
    client: GitLabClient,
    projects: ProjectDirectory,
    options: ProjectItemsLoaderOptions & {
      /** Ask each project once for the issues created since then (before the run's events). */
      issuesCreatedAfter?: Date;
    } = {},
  ) {
    this.#client = client;
    this.#projects = projects;
    this.#items = new ProjectItemsLoader(client, options);
    this.#issuesCreatedAfter = options.issuesCreatedAfter;
  }

  /** Merge requests and issues GitLab failed to render (field errors on them alone): left unknown. */
  get unreadable(): number {
    return this.#items.unreadable;
  }

  /** Facts learnt elsewhere (GraphQL lists): later look-ups need no request. */
  prime(facts: MergeRequestFacts): void {
    const ref = mergeRequestRef(facts.projectId, facts.iid);
    if (!this.#facts.has(ref)) this.#facts.set(ref, Promise.resolve(facts));
  }

  /** Facts of these MRs of one project: the unknown ones in one listing. */
  async facts(projectId: number, iids: readonly number[]): Promise<MergeRequestFacts[]> {
    const missing = iids.filter((iid) => !this.#facts.has(mergeRequestRef(projectId, iid)));
    if (missing.length > 0) {
      const listing = mergeRequestsByIid(this.#client, projectId, missing);
      for (const iid of missing) {
        this.#facts.set(
          mergeRequestRef(projectId, iid),
          listing.then((found) => {
            const mr = found.find((entry) => entry.iid === iid);
            return mr ? factsOf(mr) : undefined;
          }),
        );
      }
    }
    const all = await Promise.all(iids.map((iid) => this.#facts.get(mergeRequestRef(projectId, iid))));
    return all.filter((facts) => facts !== undefined);
  }

  /**
   * Whether review is requested of the teammate on a merge request and since when (at: null when
   * not). A project whose path is unknown (the token cannot see it) or an MR gone: not requested.
   */
  async reviewRequest(
    projectId: number,
    iid: number,
    teammate: { userId: number; username: string },
  ): Promise<ReviewRequest> {
    const path = this.#projects.get(projectId);
    const info = path ? await this.#items.mergeRequest(path, iid) : undefined;
    return info ? reviewRequestOf(info, teammate) : { requested: false, at: null };
  }

  /**
   * When the issues of these `opened` events were created, by `projectId!iid` (a re-open is an
   * `opened` event too). Each project is asked once for the issues created since
   * `issuesCreatedAfter` (most openings are of those); any other issue by its iid. Gone, hidden or
   * of an unknown project: absent, and the event alone decides. The events' project paths must be
   * resolved first (ProjectDirectory.resolve).
   */
  async issueCreationTimes(events: readonly GitLabEvent[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    await Promise.all(
      events.map(async (event) => {
        if (event.action_name !== 'opened' || !event.project_id || event.target_iid === null) return;
        if (event.target_type !== 'Issue' && event.target_type !== 'WorkItem') return;
        const path = this.#projects.get(event.project_id);
        if (!path) return;
        const at = await this.#issueCreatedAt(path, event.target_iid);
        if (at) found.set(mergeRequestRef(event.project_id, event.target_iid), at);
      }),
    );
    return found;
  }

  async #issueCreatedAt(path: string, iid: number): Promise<string | undefined> {
    if (this.#issuesCreatedAfter) {
      const recent = await this.#items.issuesCreatedSince(path, this.#issuesCreatedAfter);
      const at = recent?.get(iid);
      // Not among them: created earlier, or hidden from the token, or gone — only GitLab knows.
      if (at) return at;
    }
    return this.#items.issueCreatedAt(path, iid);
  }
}

export function factsOf(mr: GitLabMergeRequest): MergeRequestFacts {
  return {
    projectId: mr.project_id,
    iid: mr.iid,
    title: mr.title,
    webUrl: mr.web_url,
    sourceBranch: mr.source_branch,
    createdAt: mr.created_at,
    authorId: mr.author.id,
  };
}

/** Merge requests of one project by iid, 100 per request (`iids` takes a comma-separated list). */
export async function mergeRequestsByIid(
  client: GitLabClient,
  projectId: number,
  iids: readonly number[],
): Promise<GitLabMergeRequest[]> {
  const found: GitLabMergeRequest[] = [];
  for (let start = 0; start < iids.length; start += 100) {
    const chunk = iids.slice(start, start + 100);
    try {
      // https://docs.gitlab.com/api/merge_requests/#list-project-merge-requests
      for await (const page of client.paginate(
        `${projectPath(projectId)}/merge_requests`,
        { iids: chunk.join(','), scope: 'all', state: 'all' },
        mergeRequestSchema,
        { endpoint: 'GET /projects/:id/merge_requests' },
      )) {
        // GitLab ignores parameters it does not know: keep only what was asked for.
        found.push(...page.items.filter((mr) => chunk.includes(mr.iid)));
      }
    } catch (error) {
      // The project went private or away: the activities keep what the events said.
      if (isGitLabError(error, 'GITLAB_NOT_FOUND') || isGitLabError(error, 'GITLAB_FORBIDDEN')) continue;
      throw error;
    }
  }
  return found;
}

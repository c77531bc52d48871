/**
 * What the fake GitLab knows. Plain data in (mostly) GitLab's casing; users are referred to by
 * username, projects by id. Every list is optional.
 */
export interface FakeUser {
  id: number;
  username: string;
  name: string;
  public_email?: string | null;
  /** Hides the user's events from every other token (GitLab answers an empty list). */
  private_profile?: boolean;
  state?: 'active' | 'blocked';
}

export interface FakeToken {
  userId: number;
  scopes: string[];
  /** YYYY-MM-DD or null; a date before today (per the fake's clock) makes the token expired. */
  expires_at?: string | null;
  revoked?: boolean;
  /** Force inactive without a date (GitLab: active = not revoked and not expired). */
  active?: boolean;
  /** Only personal tokens may call /personal_access_tokens/self (others get 400). */
  kind?: 'personal' | 'project' | 'group' | 'oauth';
  id?: number;
  name?: string;
}

export interface FakeProject {
  id: number;
  path_with_namespace: string;
  default_branch?: string;
  visibility?: 'private' | 'internal' | 'public';
  /** For private projects: user ids that can see it. Others get 404 and never see its events. */
  memberIds?: number[];
}

export interface FakeNote {
  id: number;
  author: string;
  body: string;
  created_at: string;
  system?: boolean;
  /** null for a plain comment, 'DiffNote' on a diff line, 'DiscussionNote' in a thread. */
  type?: 'DiffNote' | 'DiscussionNote' | null;
}

export interface FakeMergeRequest {
  project_id: number;
  iid: number;
  id?: number;
  title: string;
  description?: string;
  state: 'opened' | 'closed' | 'merged' | 'locked';
  author: string;
  source_branch: string;
  target_branch?: string;
  created_at: string;
  updated_at: string;
  merged_at?: string | null;
  closed_at?: string | null;
  merged_by?: string | null;
  closed_by?: string | null;
  reviewers?: {
    username: string;
    created_at?: string;
    state?: 'unreviewed' | 'reviewed' | 'requested_changes' | 'approved';
  }[];
  approvals?: { username: string; approved_at?: string }[];
  notes?: FakeNote[];
}

export interface FakeCommit {
  project_id: number;
  /** Branches that contain the commit. */
  refs: string[];
  id: string;
  title?: string;
  message: string;
  author_name: string;
  author_email: string;
  authored_date: string;
  committed_date: string;
  additions: number;
  deletions: number;
  parent_ids?: string[];
}

export interface FakeEvent {
  id: number;
  /** Username of who did it. */
  author: string;
  project_id: number | null;
  action_name: string;
  target_type: string | null;
  target_id?: number | null;
  target_iid?: number | null;
  target_title?: string | null;
  created_at: string;
  /** null: GitLab sends `author_username: null` (a deleted user's or a system event). */
  author_username?: null;
  /** null: GitLab sends `push_data: null` (it does on some pushes and imports). */
  push_data?: null | {
    commit_count: number;
    action: 'pushed' | 'created' | 'removed';
    ref_type: 'branch' | 'tag';
    commit_from: string | null;
    commit_to: string | null;
    ref: string | null;
    commit_title: string | null;
    ref_count?: number | null;
  };
  note?: Omit<FakeNote, 'author'> & {
    noteable_type: string;
    noteable_id?: number;
    noteable_iid?: number | null;
    position?: Record<string, unknown>;
  };
}

export interface FakeIssue {
  project_id: number;
  iid: number;
  id?: number;
  title: string;
  state: 'opened' | 'closed';
  author: string;
  assignees?: string[];
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
  closed_by?: string | null;
}

export interface FakeTimelog {
  id: number;
  username: string;
  spent_at: string;
  /** Seconds. */
  time_spent: number;
  summary?: string | null;
  /** `project_id: null`: a group-level work item (GitLab 18.x), `group` its path. */
  issue?: { project_id: number | null; iid: number; group?: string };
  merge_request?: { project_id: number; iid: number };
  /** GraphQL answers this error for the entry's `user` field (the node comes back null). */
  field_error?: string;
}

export interface FakePipeline {
  project_id: number;
  id: number;
  iid: number;
  status: 'created' | 'pending' | 'running' | 'success' | 'failed' | 'canceled' | 'skipped' | 'manual';
  ref: string;
  sha: string;
  username: string;
  source?: string;
  created_at: string;
  updated_at: string;
  started_at?: string | null;
  finished_at?: string | null;
  /** Seconds. */
  duration?: number | null;
  /** GraphQL answers this error for the pipeline's `user` field (the node comes back null). */
  field_error?: string;
}

export interface FakeScenario {
  users: FakeUser[];
  /** Token value → what it is. */
  tokens: Record<string, FakeToken>;
  projects?: FakeProject[];
  mergeRequests?: FakeMergeRequest[];
  commits?: FakeCommit[];
  events?: FakeEvent[];
  issues?: FakeIssue[];
  timelogs?: FakeTimelog[];
  pipelines?: FakePipeline[];
  /**
   * What `/version` answers; GraphQL runs against the newest vendored GitLab schema not newer than
   * it (test/fixtures/gitlab-schemas/: 15.8, 16.8, 18.5).
   */
  version?: { version: string; revision: string; enterprise?: boolean };
  /** The server's time zone (minutes east of UTC; -600 for UTC-10): event day bounds follow it. */
  serverUtcOffsetMinutes?: number;
  features?: {
    /** false: `Query.timelogs` refused as an unknown field (as GitLab before 13.x). */
    graphqlTimelogs?: boolean;
    /** false: `updatedAfter` refused on the user merge request lists (as GitLab 14.x). */
    graphqlUserMergeRequestsUpdatedAfter?: boolean;
    /** GitLab's GraphQL complexity limit, computed by GitLab's rules; 250 (authenticated) by default. */
    graphqlMaxComplexity?: number;
  };
}

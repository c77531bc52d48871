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
  push_data?: {
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
  issue?: { project_id: number; iid: number };
  merge_request?: { project_id: number; iid: number };
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
  version?: { version: string; revision: string; enterprise?: boolean };
  /** Simulate older GitLab versions. */
  features?: {
    graphqlTimelogs?: boolean;
    /** GraphQL complexity limit; each list (timelogs, pipelines, review requests) in a query counts 10. */
    graphqlMaxComplexity?: number;
  };
}

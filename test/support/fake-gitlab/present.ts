import commitFixture from './fixtures/commit.json' with { type: 'json' };
import currentUserFixture from './fixtures/current-user.json' with { type: 'json' };
import eventFixture from './fixtures/event-pushed.json' with { type: 'json' };
import issueFixture from './fixtures/issue.json' with { type: 'json' };
import mergeRequestFixture from './fixtures/merge-request.json' with { type: 'json' };
import approvalsFixture from './fixtures/merge-request-approvals.json' with { type: 'json' };
import noteFixture from './fixtures/note.json' with { type: 'json' };
import pipelineFixture from './fixtures/pipeline.json' with { type: 'json' };
import pipelineDetailFixture from './fixtures/pipeline-detail.json' with { type: 'json' };
import projectFixture from './fixtures/project.json' with { type: 'json' };
import type {
  FakeCommit,
  FakeEvent,
  FakeIssue,
  FakeMergeRequest,
  FakeNote,
  FakePipeline,
  FakeProject,
  FakeUser,
} from './scenario.ts';
import type { FakeWorld } from './world.ts';

/**
 * Scenario records → JSON shaped like GitLab's. The fixtures supply every field GitLab sends that
 * the scenario does not describe, so clients see realistic, noisy objects.
 */
type Json = Record<string, unknown>;

export function userBasic(world: FakeWorld, user: FakeUser): Json {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state ?? 'active',
    locked: false,
    avatar_url: null,
    web_url: `${world.webUrl}/${user.username}`,
  };
}

/** A user reference as GitLab embeds it (author, merged_by …), or null when nobody is named. */
function userNamed(world: FakeWorld, username: string | null | undefined): Json | null {
  return username ? userBasic(world, world.userNamed(username)) : null;
}

export function currentUser(world: FakeWorld, user: FakeUser): Json {
  return {
    ...currentUserFixture,
    ...userBasic(world, user),
    public_email: user.public_email ?? null,
    email: user.public_email ?? `${user.username}@example.test`,
    private_profile: user.private_profile ?? false,
  };
}

export function project(world: FakeWorld, value: FakeProject): Json {
  const [namespace = 'group'] = value.path_with_namespace.split('/');
  const path = value.path_with_namespace.split('/').pop() ?? '';
  return {
    ...projectFixture,
    id: value.id,
    name: path,
    path,
    path_with_namespace: value.path_with_namespace,
    name_with_namespace: value.path_with_namespace.replace(/\//g, ' / '),
    default_branch: value.default_branch ?? 'main',
    visibility: value.visibility ?? 'internal',
    web_url: `${world.webUrl}/${value.path_with_namespace}`,
    namespace: { ...projectFixture.namespace, name: namespace, path: namespace, full_path: namespace },
  };
}

export function event(world: FakeWorld, value: FakeEvent): Json {
  const author = world.userNamed(value.author);
  const body: Json = {
    ...eventFixture,
    id: value.id,
    project_id: value.project_id,
    action_name: value.action_name,
    target_id: value.target_id ?? null,
    target_iid: value.target_iid ?? null,
    target_type: value.target_type,
    author_id: author.id,
    target_title: value.target_title ?? null,
    created_at: value.created_at,
    author: userBasic(world, author),
    author_username: value.author_username === null ? null : author.username,
  };
  delete body['push_data'];
  if (value.push_data) body['push_data'] = { ref_count: null, ...value.push_data };
  if (value.push_data === null) body['push_data'] = null;
  if (value.note) {
    body['note'] = {
      ...noteFixture,
      ...value.note,
      type: value.note.type ?? null,
      system: value.note.system ?? false,
      author: userBasic(world, author),
      updated_at: value.note.created_at,
      project_id: value.project_id,
    };
  }
  return body;
}

export function mergeRequest(world: FakeWorld, value: FakeMergeRequest): Json {
  const path = world.projectPath(value.project_id);
  return {
    ...mergeRequestFixture,
    id: value.id ?? value.project_id * 10_000 + value.iid,
    iid: value.iid,
    project_id: value.project_id,
    source_project_id: value.project_id,
    target_project_id: value.project_id,
    title: value.title,
    description: value.description ?? '',
    state: value.state,
    created_at: value.created_at,
    updated_at: value.updated_at,
    merged_at: value.merged_at ?? null,
    closed_at: value.closed_at ?? null,
    merged_by: userNamed(world, value.merged_by),
    merge_user: userNamed(world, value.merged_by),
    closed_by: userNamed(world, value.closed_by),
    source_branch: value.source_branch,
    target_branch: value.target_branch ?? 'main',
    author: userNamed(world, value.author),
    reviewers: (value.reviewers ?? []).map((reviewer) => userNamed(world, reviewer.username)),
    user_notes_count: (value.notes ?? []).filter((note) => !note.system).length,
    reference: `!${value.iid}`,
    references: { short: `!${value.iid}`, relative: `!${value.iid}`, full: `${path}!${value.iid}` },
    web_url: `${world.webUrl}/${path}/-/merge_requests/${value.iid}`,
  };
}

export function approvals(world: FakeWorld, value: FakeMergeRequest): Json {
  const approvedBy = (value.approvals ?? []).map((approval) => ({
    user: userBasic(world, world.userNamed(approval.username)),
    ...(approval.approved_at === undefined ? {} : { approved_at: approval.approved_at }),
  }));
  return {
    ...approvalsFixture,
    id: value.id ?? value.project_id * 10_000 + value.iid,
    iid: value.iid,
    project_id: value.project_id,
    title: value.title,
    state: value.state,
    created_at: value.created_at,
    updated_at: value.updated_at,
    // GitLab reports approved: true when no approval rule exists, approvals or not.
    approved: true,
    approvals_left: 0,
    approved_by: approvedBy,
  };
}

export function note(world: FakeWorld, value: FakeNote, mr: FakeMergeRequest): Json {
  return {
    ...noteFixture,
    id: value.id,
    type: value.type ?? null,
    body: value.body,
    author: userBasic(world, world.userNamed(value.author)),
    created_at: value.created_at,
    updated_at: value.created_at,
    system: value.system ?? false,
    noteable_id: mr.id ?? mr.project_id * 10_000 + mr.iid,
    noteable_iid: mr.iid,
    project_id: mr.project_id,
  };
}

export function commit(world: FakeWorld, value: FakeCommit, withStats: boolean): Json {
  const title = value.title ?? value.message.split('\n')[0] ?? '';
  const body: Json = {
    ...commitFixture,
    id: value.id,
    short_id: value.id.slice(0, 8),
    created_at: value.committed_date,
    parent_ids: value.parent_ids ?? [],
    title,
    message: value.message,
    author_name: value.author_name,
    author_email: value.author_email,
    authored_date: value.authored_date,
    committer_name: value.author_name,
    committer_email: value.author_email,
    committed_date: value.committed_date,
    web_url: `${world.webUrl}/${world.projectPath(value.project_id)}/-/commit/${value.id}`,
  };
  delete body['stats'];
  if (withStats) {
    body['stats'] = {
      additions: value.additions,
      deletions: value.deletions,
      total: value.additions + value.deletions,
    };
  }
  return body;
}

export function issue(world: FakeWorld, value: FakeIssue): Json {
  const path = world.projectPath(value.project_id);
  return {
    ...issueFixture,
    id: value.id ?? value.project_id * 10_000 + value.iid,
    iid: value.iid,
    project_id: value.project_id,
    title: value.title,
    state: value.state,
    created_at: value.created_at,
    updated_at: value.updated_at,
    closed_at: value.closed_at ?? null,
    closed_by: userNamed(world, value.closed_by),
    author: userNamed(world, value.author),
    assignees: (value.assignees ?? []).map((username) => userNamed(world, username)),
    references: { short: `#${value.iid}`, relative: `#${value.iid}`, full: `${path}#${value.iid}` },
    web_url: `${world.webUrl}/${path}/-/issues/${value.iid}`,
  };
}

export function pipeline(world: FakeWorld, value: FakePipeline, detail: boolean): Json {
  const basic = {
    id: value.id,
    iid: value.iid,
    project_id: value.project_id,
    sha: value.sha,
    ref: value.ref,
    status: value.status,
    source: value.source ?? 'push',
    created_at: value.created_at,
    updated_at: value.updated_at,
    web_url: `${world.webUrl}/${world.projectPath(value.project_id)}/-/pipelines/${value.id}`,
  };
  if (!detail) return { ...pipelineFixture, ...basic };
  return {
    ...pipelineDetailFixture,
    ...basic,
    user: userBasic(world, world.userNamed(value.username)),
    started_at: value.started_at ?? null,
    finished_at: value.finished_at ?? null,
    duration: value.duration ?? null,
    detailed_status: {
      ...pipelineDetailFixture.detailed_status,
      details_path: `/${world.projectPath(value.project_id)}/-/pipelines/${value.id}`,
    },
  };
}

import type {
  FakeCommit,
  FakeEvent,
  FakeIssue,
  FakeMergeRequest,
  FakePipeline,
  FakeScenario,
  FakeTimelog,
} from '../test/support/fake-gitlab/index.ts';

/**
 * A realistic month of a team on one GitLab, deterministic (seeded): every workday each person
 * pushes to a feature branch (one new branch every three days, MR opened the next day, reviewed with
 * comments and an approval by a teammate, merged by the reviewer), opens, comments on and closes
 * issues, logs time, and each push runs a pipeline.
 */
export const BENCH_TOKEN = 'glpat-BenchSyncReadApi0001';

export interface BenchScenario {
  scenario: FakeScenario;
  usernames: string[];
  projectPaths: string[];
  start: Date;
  end: Date;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildBenchScenario(options: { teammates: number; days: number; end: Date }): BenchScenario {
  const rand = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const between = (low: number, high: number) => low + Math.floor(rand() * (high - low + 1));
  const DAY = 86_400_000;
  const startDay = Date.UTC(
    options.end.getUTCFullYear(),
    options.end.getUTCMonth(),
    options.end.getUTCDate() - options.days + 1,
  );

  // About five people to a project, as in the 50-person team on 10 projects.
  const projects = Array.from({ length: Math.max(10, Math.round(options.teammates / 5)) }, (_, index) => ({
    id: 101 + index,
    path_with_namespace: `acme/service-${index + 1}`,
    default_branch: 'main',
    jira: `SVC${index + 1}`,
  }));
  const users = Array.from({ length: options.teammates }, (_, index) => ({
    id: 1001 + index,
    username: `dev${String(index + 1).padStart(2, '0')}`,
    name: `Developer ${index + 1}`,
  }));
  const commits: FakeCommit[] = [];
  const events: FakeEvent[] = [];
  const mergeRequests: FakeMergeRequest[] = [];
  const issues: FakeIssue[] = [];
  const timelogs: FakeTimelog[] = [];
  const pipelines: FakePipeline[] = [];
  let shaCounter = 0;
  let eventId = 1;
  let noteId = 1;
  let pipelineId = 1;
  // Zero-padded from 1: padding with a hex digit made different counters collide (a, aa, aaa…), and
  // all zeros means "no commit" in push events.
  const nextSha = () => (++shaCounter).toString(16).padStart(40, '0');
  const mrIid = new Map<number, number>();
  const issueIid = new Map<number, number>();

  // Each project's main branch starts from one base commit.
  const bases = new Map<number, string>();
  for (const project of projects) {
    const id = nextSha();
    bases.set(project.id, id);
    commits.push({
      project_id: project.id,
      refs: ['main'],
      id,
      message: 'Initial commit',
      author_name: 'Founder',
      author_email: 'founder@example.test',
      authored_date: new Date(startDay - 90 * DAY).toISOString(),
      committed_date: new Date(startDay - 90 * DAY).toISOString(),
      additions: 500,
      deletions: 0,
    });
  }

  interface Branch {
    projectId: number;
    name: string;
    key: string;
    head: string;
    day: number;
    mr?: FakeMergeRequest;
  }
  const branches = new Map<string, Branch>();
  const openIssues = new Map<number, FakeIssue[]>();

  const at = (day: number, minutes: number) => new Date(startDay + day * DAY + (9 * 60 + minutes) * 60_000);

  for (let day = 0; day < options.days; day += 1) {
    const weekday = new Date(startDay + day * DAY).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const [userIndex, user] of users.entries()) {
      const home = projects[(userIndex + (day % 3 === 0 ? 3 : 0)) % projects.length]!;
      let branch = branches.get(user.username);
      let minute = between(0, 60);

      // A new branch every third workday (or the first time).
      if (!branch || day - branch.day >= 3) {
        const number = between(100, 999);
        branch = {
          projectId: home.id,
          name: `feature/${home.jira.toLowerCase()}-${number}-${pick(['login', 'export', 'billing', 'search', 'cache'])}`,
          key: `${home.jira}-${number}`,
          head: bases.get(home.id)!,
          day,
        };
        branches.set(user.username, branch);
      }

      const pushes = between(1, 2);
      for (let push = 0; push < pushes; push += 1) {
        const count = between(1, 3);
        const from = branch.head;
        const isNew = from === bases.get(branch.projectId);
        let parent = from;
        for (let index = 0; index < count; index += 1) {
          const id = nextSha();
          const when = at(day, minute - (count - index) * 7).toISOString();
          commits.push({
            project_id: branch.projectId,
            refs: [branch.name],
            id,
            message: `${rand() < 0.5 ? `${branch.key} ` : ''}${pick(['Add', 'Fix', 'Refactor', 'Test'])} ${pick(['parser', 'handler', 'query', 'view'])}\n\nDetails.`,
            author_name: user.name,
            author_email: `${user.username}@example.test`,
            authored_date: when,
            committed_date: when,
            additions: between(1, 200),
            deletions: between(0, 80),
            parent_ids: [parent],
          });
          parent = id;
        }
        branch.head = parent;
        events.push({
          id: eventId++,
          author: user.username,
          project_id: branch.projectId,
          action_name: isNew ? 'pushed new' : 'pushed to',
          target_type: null,
          created_at: at(day, minute).toISOString(),
          push_data: {
            commit_count: count,
            action: isNew ? 'created' : 'pushed',
            ref_type: 'branch',
            commit_from: isNew ? null : from,
            commit_to: parent,
            ref: branch.name,
            commit_title: 'Latest change',
          },
        });
        const duration = between(120, 900);
        pipelines.push({
          project_id: branch.projectId,
          id: pipelineId,
          iid: pipelineId,
          status: rand() < 0.8 ? 'success' : 'failed',
          ref: branch.name,
          sha: parent,
          username: user.username,
          created_at: at(day, minute + 1).toISOString(),
          updated_at: at(day, minute + 1 + Math.ceil(duration / 60)).toISOString(),
          started_at: at(day, minute + 1).toISOString(),
          finished_at: at(day, minute + 1 + Math.ceil(duration / 60)).toISOString(),
          duration,
        });
        pipelineId += 1;
        minute += between(40, 120);
      }

      // The day after a branch starts: open its MR and ask a teammate to review.
      if (day - branch.day === 1 && !branch.mr) {
        const iid = (mrIid.get(branch.projectId) ?? 0) + 1;
        mrIid.set(branch.projectId, iid);
        const reviewer = users[(userIndex + between(1, users.length - 1)) % users.length]!;
        const created = at(day, minute);
        const mr: FakeMergeRequest = {
          project_id: branch.projectId,
          iid,
          title: `${branch.key}: ${pick(['Export invoices', 'Faster search', 'Login fix', 'Cache warmup'])}`,
          state: 'opened',
          author: user.username,
          source_branch: branch.name,
          created_at: created.toISOString(),
          updated_at: created.toISOString(),
          reviewers: [
            {
              username: reviewer.username,
              created_at: new Date(created.getTime() + 10 * 60_000).toISOString(),
              state: 'unreviewed',
            },
          ],
          approvals: [],
          notes: [],
        };
        branch.mr = mr;
        mergeRequests.push(mr);
        events.push({
          id: eventId++,
          author: user.username,
          project_id: branch.projectId,
          action_name: 'opened',
          target_type: 'MergeRequest',
          target_id: branch.projectId * 10_000 + iid,
          target_iid: iid,
          target_title: mr.title,
          created_at: created.toISOString(),
        });
      }

      if (rand() < 0.2) {
        const iid = (issueIid.get(home.id) ?? 0) + 1;
        issueIid.set(home.id, iid);
        const created = at(day, between(0, 400));
        const issue: FakeIssue = {
          project_id: home.id,
          iid,
          title: `${home.jira}-${between(100, 999)} ${pick(['Crash', 'Slow page', 'Wrong total'])}`,
          state: 'opened',
          author: user.username,
          created_at: created.toISOString(),
          updated_at: created.toISOString(),
        };
        issues.push(issue);
        openIssues.set(home.id, [...(openIssues.get(home.id) ?? []), issue]);
        events.push({
          id: eventId++,
          author: user.username,
          project_id: home.id,
          action_name: 'opened',
          target_type: 'Issue',
          target_id: home.id * 10_000 + iid,
          target_iid: iid,
          target_title: issue.title,
          created_at: created.toISOString(),
        });
      }
      const candidates = openIssues.get(home.id) ?? [];
      if (candidates.length > 0 && rand() < 0.5) {
        const issue = pick(candidates);
        const created = at(day, between(0, 400));
        const id = noteId++;
        events.push({
          id: eventId++,
          author: user.username,
          project_id: home.id,
          action_name: 'commented on',
          target_type: 'Note',
          target_id: id,
          target_iid: id,
          target_title: issue.title,
          created_at: created.toISOString(),
          note: {
            id,
            body: 'Looked into it.',
            created_at: created.toISOString(),
            noteable_type: 'Issue',
            noteable_iid: issue.iid,
          },
        });
      }
      if (candidates.length > 2 && rand() < 0.2) {
        const issue = candidates.shift()!;
        const closed = at(day, between(0, 400));
        issue.state = 'closed';
        issue.closed_at = closed.toISOString();
        issue.closed_by = user.username;
        issue.updated_at = closed.toISOString();
        events.push({
          id: eventId++,
          author: user.username,
          project_id: home.id,
          action_name: 'closed',
          target_type: 'Issue',
          target_id: home.id * 10_000 + issue.iid,
          target_iid: issue.iid,
          target_title: issue.title,
          created_at: closed.toISOString(),
        });
      }
      timelogs.push({
        id: timelogs.length + 1,
        username: user.username,
        spent_at: at(day, 480).toISOString(),
        time_spent: between(1, 6) * 1800,
        summary: null,
        ...(branch.mr
          ? { merge_request: { project_id: branch.projectId, iid: branch.mr.iid } }
          : candidates[0]
            ? { issue: { project_id: home.id, iid: candidates[0].iid } }
            : {}),
      });
    }

    // Reviews of yesterday's MRs: comments, an approval, then the reviewer merges.
    for (const mr of mergeRequests) {
      const opened = Date.parse(mr.created_at);
      const age = Math.floor((startDay + day * DAY - opened) / DAY);
      if (age < 1 || mr.state !== 'opened') continue;
      const reviewer = mr.reviewers?.[0]?.username;
      if (!reviewer) continue;
      // Reviewed on the first workday after opening, merged on a later one.
      if ((mr.approvals ?? []).length === 0) {
        let minute = between(0, 120);
        for (let index = between(1, 3); index > 0; index -= 1) {
          const id = noteId++;
          const created = at(day, minute).toISOString();
          mr.notes?.push({
            id,
            author: reviewer,
            body: 'Could this be simpler?',
            created_at: created,
            type: 'DiffNote',
          });
          events.push({
            id: eventId++,
            author: reviewer,
            project_id: mr.project_id,
            action_name: 'commented on',
            target_type: 'DiffNote',
            target_id: id,
            target_iid: id,
            target_title: mr.title,
            created_at: created,
            note: {
              id,
              body: 'Could this be simpler?',
              created_at: created,
              type: 'DiffNote',
              noteable_type: 'MergeRequest',
              noteable_iid: mr.iid,
            },
          });
          minute += between(5, 50);
        }
        const approvedAt = at(day, minute + 30).toISOString();
        mr.approvals?.push({ username: reviewer, approved_at: approvedAt });
        mr.updated_at = approvedAt;
        events.push({
          id: eventId++,
          author: reviewer,
          project_id: mr.project_id,
          action_name: 'approved',
          target_type: 'MergeRequest',
          target_id: mr.project_id * 10_000 + mr.iid,
          target_iid: mr.iid,
          target_title: mr.title,
          created_at: approvedAt,
        });
      } else {
        const mergedAt = at(day, between(0, 200)).toISOString();
        mr.state = 'merged';
        mr.merged_at = mergedAt;
        mr.merged_by = reviewer;
        mr.updated_at = mergedAt;
        events.push({
          id: eventId++,
          author: reviewer,
          project_id: mr.project_id,
          action_name: 'accepted',
          target_type: 'MergeRequest',
          target_id: mr.project_id * 10_000 + mr.iid,
          target_iid: mr.iid,
          target_title: mr.title,
          created_at: mergedAt,
        });
      }
    }
  }

  // Events come back in id order; ids were handed out per person, so renumber by time.
  events.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
  events.forEach((event, index) => {
    event.id = index + 1;
  });

  return {
    scenario: {
      users: [...users, { id: 999, username: 'pulse-bot', name: 'ActivityPulse' }],
      tokens: { [BENCH_TOKEN]: { userId: 999, scopes: ['read_api'], expires_at: null } },
      projects: projects.map(({ jira: _jira, ...project }) => project),
      commits,
      events,
      mergeRequests,
      issues,
      timelogs,
      pipelines,
    },
    usernames: users.map((user) => user.username),
    projectPaths: projects.map((project) => project.path_with_namespace),
    start: new Date(startDay),
    end: options.end,
  };
}

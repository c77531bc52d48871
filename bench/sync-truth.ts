import type { FakeScenario } from '../test/support/fake-gitlab/index.ts';

/**
 * What the bench's sync must have stored, read from the scenario itself (issue 17, point 5): per
 * teammate, every activity's natural key (host left out) with the facts that must match — lines ±
 * of commits, seconds of time logs, duration of pipelines. The bench compares the database with
 * this before it prints any ratio: a faster sync that drops or misattributes data fails.
 */
export type Truth = Map<string, Map<string, string>>;

export function truthOf(scenario: FakeScenario, window: { start: Date; end: Date }): Truth {
  const truth: Truth = new Map();
  const userId = new Map(scenario.users.map((user) => [user.username, user.id]));
  const pathOf = new Map(
    (scenario.projects ?? []).map((project) => [project.id, project.path_with_namespace]),
  );
  const within = (at: string) =>
    Date.parse(at) >= window.start.getTime() && Date.parse(at) <= window.end.getTime();
  const add = (username: string | null | undefined, key: string, facts: string) => {
    if (!username) return;
    const mine = truth.get(username) ?? new Map<string, string>();
    truth.set(username, mine);
    mine.set(key, facts);
  };

  // Commits: in this scenario every commit is pushed by its author (the email names them).
  for (const commit of scenario.commits ?? []) {
    if (!within(commit.committed_date)) continue;
    const username = commit.author_email.split('@')[0];
    add(
      username,
      `commit:${commit.project_id}:${commit.id}`,
      `commit_pushed +${commit.additions} -${commit.deletions}`,
    );
  }
  for (const mr of scenario.mergeRequests ?? []) {
    const ref = `${mr.project_id}:${mr.iid}`;
    if (within(mr.created_at)) add(mr.author, `mr_opened:${ref}`, 'mr_opened');
    if (mr.merged_at && within(mr.merged_at)) add(mr.merged_by, `mr_merged:${ref}`, 'mr_merged');
    for (const reviewer of mr.reviewers ?? []) {
      if (within(reviewer.created_at ?? mr.created_at))
        add(
          reviewer.username,
          `mr_review_requested:${ref}:${userId.get(reviewer.username)}`,
          'mr_review_requested',
        );
    }
    for (const approval of mr.approvals ?? []) {
      if (within(approval.approved_at ?? mr.updated_at))
        add(approval.username, `mr_approved:${ref}:${userId.get(approval.username)}`, 'mr_approved');
    }
    for (const note of mr.notes ?? [])
      if (within(note.created_at)) add(note.author, `note:${note.id}`, 'mr_commented');
  }
  // Issues: what the events say (opened, closed, commented).
  for (const event of scenario.events ?? []) {
    if (!within(event.created_at) || event.project_id === null) continue;
    const ref = `${event.project_id}:${event.target_iid}`;
    if (event.target_type === 'Issue' && event.action_name === 'opened')
      add(event.author, `issue_opened:${ref}`, 'issue_opened');
    if (event.target_type === 'Issue' && event.action_name === 'closed')
      add(event.author, `issue_closed:${ref}:${userId.get(event.author)}`, 'issue_closed');
    if (event.note?.noteable_type === 'Issue') add(event.author, `note:${event.note.id}`, 'issue_commented');
  }
  for (const log of scenario.timelogs ?? []) {
    if (within(log.spent_at)) add(log.username, `timelog:${log.id}`, `time_logged ${log.time_spent}s`);
  }
  for (const pipeline of scenario.pipelines ?? []) {
    if (within(pipeline.created_at))
      add(
        pipeline.username,
        `pipeline:${pathOf.get(pipeline.project_id)}:${pipeline.id}`,
        `pipeline_run ${pipeline.duration ?? '-'}s`,
      );
  }
  return truth;
}

export interface StoredFact {
  username: string;
  kind: string;
  key: string;
  linesAdded: number | null;
  linesRemoved: number | null;
  timeSpent: number | null;
  duration: number | null;
}

/** The same shape out of the stored rows. */
export function storedTruth(rows: readonly StoredFact[]): Truth {
  const stored: Truth = new Map();
  for (const row of rows) {
    const mine = stored.get(row.username) ?? new Map<string, string>();
    stored.set(row.username, mine);
    const facts =
      row.kind === 'commit_pushed'
        ? `commit_pushed +${row.linesAdded} -${row.linesRemoved}`
        : row.kind === 'time_logged'
          ? `time_logged ${row.timeSpent}s`
          : row.kind === 'pipeline_run'
            ? `pipeline_run ${row.duration ?? '-'}s`
            : row.kind;
    mine.set(row.key, facts);
  }
  return stored;
}

/** Every difference, as lines a person can read; empty when the sync stored exactly the truth. */
export function differences(expected: Truth, actual: Truth, limit = 20): string[] {
  const lines: string[] = [];
  for (const username of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(username) ?? new Map<string, string>();
    const got = actual.get(username) ?? new Map<string, string>();
    for (const [key, facts] of want) {
      if (!got.has(key)) lines.push(`${username}: missing ${key} (${facts})`);
      else if (got.get(key) !== facts)
        lines.push(`${username}: ${key} is "${got.get(key)}", expected "${facts}"`);
    }
    for (const [key, facts] of got)
      if (!want.has(key)) lines.push(`${username}: unexpected ${key} (${facts})`);
  }
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines;
}

/** Per kind, how many activities the truth holds (for the bench's summary). */
export function countsByKind(truth: Truth): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const mine of truth.values())
    for (const facts of mine.values()) {
      const kind = facts.split(' ')[0]!;
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  return counts;
}

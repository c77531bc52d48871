/**
 * Review time estimates (GITLAB.md "Review time"), pure:
 * - pickup: from review requested (or, unknown that, the MR opened) to the reviewer's first comment
 *   or approval;
 * - effort: the reviewer's comments on one MR grouped into sessions (a gap of at most 30 minutes
 *   keeps a session going), each session's span summed. One lone comment is a session of 0 s.
 *
 * Both are stored on the reviewer's first review action on the MR only (see activity-draft.ts).
 */
export const SESSION_GAP_MS = 30 * 60_000;

export interface ReviewAction {
  naturalKey: string;
  kind: 'mr_commented' | 'mr_approved';
  occurredAt: Date;
  /** When review was requested of this reviewer (reviewers endpoint), if known. */
  requestedAt: Date | null;
  /** When the MR was opened, if known. */
  openedAt: Date | null;
}

export interface ReviewTime {
  pickupSeconds: number | null;
  effortSeconds: number;
}

export function reviewEffortSeconds(commentTimes: readonly Date[]): number {
  const times = commentTimes.map((time) => time.getTime()).sort((a, b) => a - b);
  let total = 0;
  let sessionStart = times[0];
  let previous = times[0];
  for (const time of times.slice(1)) {
    if (sessionStart === undefined || previous === undefined) break;
    if (time - previous > SESSION_GAP_MS) {
      total += previous - sessionStart;
      sessionStart = time;
    }
    previous = time;
  }
  if (sessionStart !== undefined && previous !== undefined) total += previous - sessionStart;
  return Math.round(total / 1000);
}

/**
 * For every action of one reviewer on one MR: the review time it carries, or null when it carries
 * none. Exactly the earliest action (ties broken by natural key, so reruns agree) carries it.
 */
export function assignReviewTime(actions: readonly ReviewAction[]): Map<string, ReviewTime | null> {
  const result = new Map<string, ReviewTime | null>();
  if (actions.length === 0) return result;
  const ordered = [...actions].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.naturalKey.localeCompare(b.naturalKey),
  );
  const first = ordered[0]!;
  const earliest = (times: Array<Date | null>) => {
    const known = times.filter((time) => time !== null).map((time) => time.getTime());
    return known.length > 0 ? Math.min(...known) : undefined;
  };
  const startAt =
    earliest(actions.map((action) => action.requestedAt)) ??
    earliest(actions.map((action) => action.openedAt));
  const pickupSeconds =
    startAt === undefined ? null : Math.max(0, Math.round((first.occurredAt.getTime() - startAt) / 1000));
  const effortSeconds = reviewEffortSeconds(
    actions.filter((action) => action.kind === 'mr_commented').map((action) => action.occurredAt),
  );
  for (const action of actions) result.set(action.naturalKey, null);
  result.set(first.naturalKey, { pickupSeconds, effortSeconds });
  return result;
}

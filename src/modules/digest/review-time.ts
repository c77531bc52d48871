/**
 * One review action as the sync stores it (src/modules/activity/activity-draft.ts): the reviewer's
 * first action on an MR carries `pickupSeconds` and, in `durationSeconds`, the review
 * effort; later actions on the same MR carry neither, so nothing is counted twice.
 */
export interface ReviewAction {
  kind: 'mr_approved' | 'mr_commented';
  pickupSeconds: number | null;
  effortSeconds: number | null;
  /** The merge request it belongs to (its URL without the note anchor). */
  target: string;
}

export interface ReviewSummary {
  /** Merge requests reviewed (commented on or approved), each once. */
  reviews: number;
  approvals: number;
  /** One pickup per MR that has one. */
  pickups: number[];
  effortSeconds: number;
}

/**
 * Review time of one reviewer over a window, per GITLAB.md's definitions (estimates):
 * - pickup: from review requested (or MR opened) to the reviewer's first comment or approval;
 * - effort: the reviewer's comments on one MR grouped into sessions (gaps of 30 minutes or less),
 *   each session from its first to its last comment, summed.
 */
export function summarizeReviews(actions: ReviewAction[]): ReviewSummary {
  const pickupByTarget = new Map<string, number | null>();
  const summary: ReviewSummary = { reviews: 0, approvals: 0, pickups: [], effortSeconds: 0 };
  for (const action of actions) {
    if (action.kind === 'mr_approved') summary.approvals += 1;
    if (action.effortSeconds !== null && action.effortSeconds > 0)
      summary.effortSeconds += action.effortSeconds;
    const known = pickupByTarget.get(action.target) ?? null;
    const pickup = action.pickupSeconds !== null && action.pickupSeconds >= 0 ? action.pickupSeconds : null;
    pickupByTarget.set(
      action.target,
      known === null ? pickup : pickup === null ? known : Math.min(known, pickup),
    );
  }
  summary.reviews = pickupByTarget.size;
  for (const pickup of pickupByTarget.values()) if (pickup !== null) summary.pickups.push(pickup);
  return summary;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

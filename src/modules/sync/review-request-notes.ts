import type { MergeRequestReviewInfo } from '../../gitlab/index.ts';

/**
 * When review was requested of a reviewer, read from a merge request's system notes. GitLab's
 * GraphQL has no "requested at" in any version we support, but it writes a system note on every
 * change of reviewers: "requested review from @a, @b and @c", "removed review request for @d", or
 * both joined by " and " (English whatever the locale). The reviewers endpoint's `created_at` is
 * when the reviewer's current row was made, so the request time is the first "requested review"
 * note after the last "removed review request" for that user. A reviewer with no such note was
 * set when the MR was opened (GitLab writes none then): the MR's opening is the time.
 */

const REQUESTED = 'requested review from ';
const REMOVED = 'removed review request for ';
const MENTION = /@([\w.-]+)/g;

export interface ReviewRequest {
  /** Whether the user is a reviewer of the MR now. */
  requested: boolean;
  /** When review was requested of them (null when not requested). */
  at: string | null;
}

/** Usernames (lower case) a reviewer system note adds and removes. */
export function reviewerChanges(body: string): { added: string[]; removed: string[] } {
  const removedAt = body.indexOf(REMOVED);
  const requestedPart = body.startsWith(REQUESTED)
    ? body.slice(REQUESTED.length, removedAt >= 0 ? removedAt : undefined)
    : '';
  const removedPart = removedAt >= 0 ? body.slice(removedAt + REMOVED.length) : '';
  const names = (text: string) => [...text.matchAll(MENTION)].map((match) => (match[1] ?? '').toLowerCase());
  return { added: names(requestedPart), removed: names(removedPart) };
}

export function reviewRequestOf(
  info: MergeRequestReviewInfo,
  user: { userId: number; username: string },
): ReviewRequest {
  const requested = info.reviewers.some((reviewer) => reviewer.id === user.userId);
  if (!requested) return { requested: false, at: null };
  const username = user.username.toLowerCase();
  let at: string | null = null;
  for (const note of info.systemNotes) {
    const { added, removed } = reviewerChanges(note.body);
    if (removed.includes(username)) at = null;
    if (added.includes(username) && at === null) at = note.createdAt;
  }
  return { requested: true, at: at ?? info.createdAt };
}

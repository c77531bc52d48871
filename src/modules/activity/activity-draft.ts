import type { ActivityKind } from './activity-kinds.ts';

/**
 * One activity as the sync stores it, before it has a teammate and a workspace. Mappers build
 * these from raw GitLab objects; the store upserts them on `naturalKey`.
 *
 * Review time lives on ONE activity per (reviewer, merge request): the reviewer's first review
 * action there (their earliest comment, or the approval when it came first). It carries
 * `pickupSeconds` (review requested — or MR opened — to that first action) and
 * `durationSeconds` = review effort (the reviewer's comments on the MR grouped into sessions with
 * gaps of at most 30 minutes, each session's span summed). Later review actions carry neither, so
 * summing over activities never counts a review twice.
 */
export interface ActivityDraft {
  kind: ActivityKind;
  naturalKey: string;
  occurredAt: Date;
  title: string;
  url: string | null;
  /** Project full path (`group/sub/project`). */
  project: string | null;
  linesAdded: number | null;
  linesRemoved: number | null;
  durationSeconds: number | null;
  timeSpentSeconds: number | null;
  jiraKeys: string[];
  /** The merge request (`<project id>!<iid>`) a comment, approval or MR event belongs to. */
  mergeRequestRef: string | null;
  /** A comment or approval on someone else's merge request. */
  isReview: boolean;
  /** When the teammate's review was requested, if it was. */
  reviewRequestedAt: Date | null;
  /** When the reviewed merge request was opened (pickup counts from here without a request). */
  mrCreatedAt: Date | null;
  pickupSeconds: number | null;
  /** A pipeline's status, lower case. */
  pipelineStatus: string | null;
  /** What GitLab said that the typed fields do not carry (ids, refs, bodies). */
  payload: Record<string, unknown>;
}

export function draft(
  fields: Pick<ActivityDraft, 'kind' | 'naturalKey' | 'occurredAt' | 'title'> & Partial<ActivityDraft>,
): ActivityDraft {
  return {
    url: null,
    project: null,
    linesAdded: null,
    linesRemoved: null,
    durationSeconds: null,
    timeSpentSeconds: null,
    jiraKeys: [],
    mergeRequestRef: null,
    isReview: false,
    reviewRequestedAt: null,
    mrCreatedAt: null,
    pickupSeconds: null,
    pipelineStatus: null,
    payload: {},
    ...fields,
  };
}

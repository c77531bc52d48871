import type { DigestWindow } from './digest-time.ts';

/** What one person (or the whole team) did in a digest's window. */
export interface DigestTotals {
  mrOpened: number;
  mrMerged: number;
  /** Merge requests reviewed: commented on or approved (each MR once). */
  reviews: number;
  approvals: number;
  /** Median pickup, in seconds, over the MRs reviewed; null when nothing says when a review was asked. */
  pickupSeconds: number | null;
  /** Review effort: comment sessions (gaps of 30 minutes or less) summed over MRs. */
  reviewEffortSeconds: number;
  commits: number;
  linesAdded: number;
  linesRemoved: number;
  issuesOpened: number;
  issuesClosed: number;
  /** MR and issue comments. */
  comments: number;
  timeLoggedSeconds: number;
  pipelinesPassed: number;
  pipelinesFailed: number;
  /** Every stored activity in the window, whatever its kind. */
  activities: number;
}

export interface DigestHighlight {
  kind: 'mr_opened' | 'mr_merged' | 'issue_opened' | 'issue_closed';
  title: string;
  url: string | null;
  project: string | null;
}

export interface DigestPerson {
  slackUserId: string;
  displayName: string | null;
  totals: DigestTotals;
  /** The first few MRs and issues, merged first; `moreHighlights` says how many were left out. */
  highlights: DigestHighlight[];
  moreHighlights: number;
  /** Branches whose latest pipeline in the window failed: called out first. */
  failedPipelines: Array<{ project: string | null; ref: string | null; url: string | null }>;
  /** The latest few commits, linked; `moreCommits` says how many more there were. */
  commits: Array<{ title: string; url: string | null }>;
  moreCommits: number;
  jira: Array<{ key: string; url: string | null }>;
}

export interface DigestContent {
  workspaceId: string;
  window: DigestWindow;
  team: DigestTotals & { people: number; activePeople: number };
  /** People with activity, by name. */
  people: DigestPerson[];
  /** People with none, listed together (never left out silently). */
  quiet: Array<{ slackUserId: string; displayName: string | null }>;
  /** Sources whose last sync ended before the window did: the digest says so. */
  staleSources: Array<{ name: string; lastSyncAt: Date | null }>;
}

export type PublishResult =
  | { ok: true; ts: string; messages: number; replyError?: string }
  | {
      ok: false;
      /** Slack's error code (`not_in_channel`, `channel_not_found`, `is_archived` …) or `request_failed`. */
      error: string;
      /** False when Slack may have posted it anyway (the request failed midway): never retried. */
      retryable: boolean;
    };

/** Posts a digest (main message and thread replies) and talks to admins; implemented over Slack. */
export interface DigestPublisher {
  publish(target: { workspaceId: string; channelId: string }, content: DigestContent): Promise<PublishResult>;
  notifyUser(workspaceId: string, userId: string, text: string): Promise<void>;
}

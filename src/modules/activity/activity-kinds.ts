export const ACTIVITY_KINDS = [
  'mr_opened',
  'mr_merged',
  'mr_closed',
  'mr_review_requested',
  'mr_approved',
  'mr_commented',
  'commit_pushed',
  'issue_opened',
  'issue_closed',
  'issue_commented',
  'time_logged',
  'pipeline_run',
] as const;

export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

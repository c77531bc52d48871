import type { GitLabClient, Page } from './client.ts';
import { eventSchema, type GitLabEvent } from './schemas.ts';

export interface ListUserEventsOptions {
  /** YYYY-MM-DD, exclusive: events from the day after. */
  after?: string;
  /** YYYY-MM-DD, exclusive: events until the end of the day before. */
  before?: string;
  /** GitLab action filter (pushed, merged, commented, …); re-filter results on our side. */
  action?: string;
  targetType?: string;
}

/**
 * A user's contribution events, oldest first, 100 a page. Dates are whole days and both bounds
 * are exclusive. A private profile hides the events from other users' tokens (empty pages).
 */
export function listUserEvents(
  client: GitLabClient,
  userId: number | string,
  options: ListUserEventsOptions = {},
): AsyncGenerator<Page<GitLabEvent>, void, undefined> {
  // https://docs.gitlab.com/api/events/#get-contribution-events-for-a-user
  return client.paginate(
    `/users/${encodeURIComponent(String(userId))}/events`,
    {
      after: options.after,
      before: options.before,
      action: options.action,
      target_type: options.targetType,
      sort: 'asc',
    },
    eventSchema,
    { endpoint: 'GET /users/:id/events' },
  );
}

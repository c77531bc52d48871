import type { PlainTextOption } from '@slack/types';
import type { GitLabUserOption } from '../../modules/teammates/teammate.types.ts';
import { plain, VIEW_LIMITS } from './views.ts';

/**
 * Slack asks for options from this many typed characters on. GitLab matches names and usernames
 * partially from three; two still find an exact short username.
 */
export const MIN_QUERY_LENGTH = 2;
/** Slack shows at most 100 options in a select. */
export const MAX_OPTIONS = 100;
/** An option's value may hold 150 characters. */
const OPTION_VALUE_MAX = 150;

/** A GitLab user as a select option: "Name (@username)", its value the username. */
export function gitlabUserOption(user: { username: string; name?: string }): PlainTextOption {
  const label = user.name ? `${user.name} (@${user.username})` : `@${user.username}`;
  return { text: plain(label, VIEW_LIMITS.optionText), value: user.username };
}

/**
 * The answer to an external_select's options request: at most 100 options, none whose username
 * would not fit in an option value (GitLab allows 255 characters; Slack 150).
 * https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select
 */
export function presentGitLabUserOptions(users: GitLabUserOption[]): { options: PlainTextOption[] } {
  return {
    options: users
      .filter((user) => user.username.length <= OPTION_VALUE_MAX)
      .slice(0, MAX_OPTIONS)
      .map(gitlabUserOption),
  };
}

/** What an option value starts with when it is a message, not a user (a username never does). */
export const SENTINEL_PREFIX = '!';

/** An option that tells the admin why there is nothing to pick; the form refuses it if chosen. */
export function sentinelOption(message: string): PlainTextOption {
  return { text: plain(`⚠ ${message}`, VIEW_LIMITS.optionText), value: `${SENTINEL_PREFIX}message` };
}

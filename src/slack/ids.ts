/**
 * Every action, callback and block id, in one place so builders and listeners cannot drift.
 * Ids carry no secrets; button values carry only row ids and names.
 */
export const ACTIONS = {
  sourceAdd: 'source_add',
  sourceTest: 'source_test',
  sourceFetch: 'source_fetch',
  sourceEdit: 'source_edit',
  /** In the "already added" modal: turn it into that source's edit form, to paste a new token. */
  sourceUpdateToken: 'source_update_token',
  sourceRemove: 'source_remove',
  teammateEdit: 'teammate_edit',
  homeRefresh: 'home_refresh',
  /** "Show more" under a long /pulse activity answer: the next page of pieces of work. */
  activityMore: 'activity_more',
} as const;

export const VIEWS = {
  sourceForm: 'source_form',
  teammateForm: 'teammate_form',
} as const;

/** Input blocks of the source form; `response_action: errors` names these. */
export const SOURCE_FORM = {
  name: { block: 'source_name', action: 'value' },
  url: { block: 'source_url', action: 'value' },
  token: { block: 'source_token', action: 'value' },
  jiraUrl: { block: 'source_jira_url', action: 'value' },
} as const;

export const TEAMMATE_FORM = {
  /** The users select; picking someone sends block_actions (`dispatch_action`) to reload the form. */
  user: { block: 'teammate_user', action: 'value' },
  /** One block per data source: `teammate_source:<source id>`. */
  sourcePrefix: 'teammate_source:',
  /** The username inputs before a person is chosen; see `usernameActionId`. */
  usernameAction: 'value',
} as const;

/**
 * The action id of the username inputs for the chosen person: `value:<Slack user id>`. views.update
 * keeps what an input holds while its block and action ids stay the same, and then ignores
 * `initial_value`; a new action id per person makes Slack show that person's usernames. Block ids
 * never change, so errors and the users select stay where they are.
 */
export function usernameActionId(slackUserId: string | undefined): string {
  return slackUserId ? `${TEAMMATE_FORM.usernameAction}:${slackUserId}` : TEAMMATE_FORM.usernameAction;
}

/** The person a username input was loaded for (undefined: none, or typed before a person was chosen). */
export function usernameActionPerson(actionId: string): string | undefined {
  const prefix = `${TEAMMATE_FORM.usernameAction}:`;
  return actionId.startsWith(prefix) ? actionId.slice(prefix.length) : undefined;
}

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
  /** The mapping form for someone not mapped yet. */
  teammateAdd: 'teammate_add',
  /** Proposals of who is who, by e-mail and name, in a modal to confirm. */
  teammateSuggest: 'teammate_suggest',
  homeRefresh: 'home_refresh',
  /** "Show more" under a long /pulse activity answer: the next page of pieces of work. */
  activityMore: 'activity_more',
} as const;

export const VIEWS = {
  sourceForm: 'source_form',
  teammateForm: 'teammate_form',
  mappingSuggestions: 'mapping_suggestions',
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
  /**
   * One GitLab user select per data source: `teammate_source:<source id>`. Its options are looked
   * up on that source as the admin types (block_suggestion), so the block id names the source.
   */
  sourcePrefix: 'teammate_source:',
  /** Under a source that has a mapping: a "remove" checkbox, `teammate_remove:<source id>`. */
  removePrefix: 'teammate_remove:',
  /** The username inputs before a person is chosen; see `usernameActionId`. */
  usernameAction: 'value',
  /** The remove checkboxes' action id (`remove:<Slack user id>`, renewed per person like the selects). */
  removeAction: 'remove',
} as const;

/** The suggestions modal: checkbox groups `suggest:<n>` of at most 10 proposals each. */
export const SUGGESTIONS = {
  blockPrefix: 'suggest:',
  action: 'picks',
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

/** The remove checkbox's action id for the chosen person (see `usernameActionId`). */
export function removeActionId(slackUserId: string | undefined): string {
  return slackUserId ? `${TEAMMATE_FORM.removeAction}:${slackUserId}` : TEAMMATE_FORM.removeAction;
}

/**
 * The person a GitLab user select or remove checkbox was loaded for (undefined: none, or chosen
 * before a person was).
 */
export function actionPerson(actionId: string): string | undefined {
  const separator = actionId.indexOf(':');
  return separator === -1 ? undefined : actionId.slice(separator + 1);
}

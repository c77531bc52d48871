/**
 * Every action, callback and block id, in one place so builders and listeners cannot drift.
 * Ids carry no secrets; button values carry only row ids and names.
 */
export const ACTIONS = {
  sourceAdd: 'source_add',
  sourceTest: 'source_test',
  sourceFetch: 'source_fetch',
  sourceEdit: 'source_edit',
  sourceRemove: 'source_remove',
  teammateEdit: 'teammate_edit',
  homeRefresh: 'home_refresh',
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
  user: { block: 'teammate_user', action: 'value' },
  /** One block per data source: `teammate_source:<source id>`. */
  sourcePrefix: 'teammate_source:',
  usernameAction: 'value',
} as const;

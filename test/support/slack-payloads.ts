import { randomBytes } from 'node:crypto';
import { type FakeSlack, SLACK_HOST, type SlackCall } from './slack.ts';

/**
 * Interactivity payloads shaped like Slack's (block_actions, view_submission), and readers for
 * what the app sent back through the fake Web API.
 */
export interface Actor {
  userId?: string;
  teamId?: string;
}

export function blockActionPayload(
  options: Actor & {
    actionId: string;
    value?: string;
    /** Where the button is: a message (with a response_url), the App Home, or an open modal. */
    surface?: 'message' | 'home' | 'modal';
    /** The modal's view id (surface `modal`). */
    viewId?: string;
  },
): { payload: Record<string, unknown>; respondId: string } {
  const respondId = randomBytes(6).toString('hex');
  const teamId = options.teamId ?? 'T0TEST';
  const userId = options.userId ?? 'U0ADMIN';
  const home = options.surface === 'home';
  if (options.surface === 'modal') {
    const viewId = options.viewId ?? 'VMODAL';
    return {
      respondId,
      payload: {
        type: 'block_actions',
        team: { id: teamId, domain: 'test' },
        user: { id: userId, username: userId.toLowerCase(), team_id: teamId },
        api_app_id: 'A0PULSE',
        token: 'legacy-verification-token',
        trigger_id: `trigger-${respondId}`,
        container: { type: 'view', view_id: viewId },
        view: {
          id: viewId,
          type: 'modal',
          team_id: teamId,
          hash: '1700000002.abcdef',
          blocks: [],
          state: { values: {} },
        },
        actions: [
          {
            type: 'button',
            action_id: options.actionId,
            block_id: 'b1',
            ...(options.value === undefined ? {} : { value: options.value }),
            action_ts: '1700000001.000200',
          },
        ],
      },
    };
  }
  return {
    respondId,
    payload: {
      type: 'block_actions',
      team: { id: teamId, domain: 'test' },
      user: { id: userId, username: userId.toLowerCase(), team_id: teamId },
      api_app_id: 'A0PULSE',
      token: 'legacy-verification-token',
      trigger_id: `trigger-${respondId}`,
      container: home
        ? { type: 'view', view_id: 'VHOME' }
        : { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0GENERAL', is_ephemeral: true },
      ...(home
        ? { view: { id: 'VHOME', type: 'home', team_id: teamId, blocks: [], state: { values: {} } } }
        : {
            channel: { id: 'C0GENERAL', name: 'general' },
            response_url: `${SLACK_HOST}/respond/${respondId}`,
          }),
      actions: [
        {
          type: 'button',
          action_id: options.actionId,
          block_id: 'b1',
          ...(options.value === undefined ? {} : { value: options.value }),
          action_ts: '1700000001.000200',
        },
      ],
    },
  };
}

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

export function viewSubmissionPayload(
  options: Actor & { callbackId: string; viewId?: string; privateMetadata?: string; values: StateValues },
): Record<string, unknown> {
  const teamId = options.teamId ?? 'T0TEST';
  const userId = options.userId ?? 'U0ADMIN';
  return {
    type: 'view_submission',
    team: { id: teamId, domain: 'test' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0PULSE',
    token: 'legacy-verification-token',
    trigger_id: `trigger-${randomBytes(4).toString('hex')}`,
    view: {
      id: options.viewId ?? `V${randomBytes(4).toString('hex').toUpperCase()}`,
      team_id: teamId,
      type: 'modal',
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata ?? '',
      hash: '1700000000.abcdef',
      state: { values: options.values },
    },
    response_urls: [],
    is_enterprise_install: false,
  };
}

export function sourceFormValues(fields: {
  name?: string;
  url?: string;
  token?: string;
  jiraUrl?: string;
}): StateValues {
  const text = (value: string | undefined) => ({ value: { type: 'plain_text_input', value: value ?? null } });
  return {
    source_name: text(fields.name),
    source_url: text(fields.url),
    source_token: text(fields.token),
    source_jira_url: text(fields.jiraUrl),
  };
}

/**
 * The mapping form's state as Slack sends it: per source the GitLab user select (`null`: nothing
 * chosen) and, for sources in `remove`, the ticked "remove" checkbox. Action ids name the person
 * the form was loaded for (`loadedFor`, by default the chosen person).
 */
export function teammateFormValues(
  slackUserId: string | null,
  usernames: Record<string, string | null>,
  options: { remove?: string[]; loadedFor?: string } = {},
): StateValues {
  const person = options.loadedFor ?? slackUserId;
  const suffix = person ? `:${person}` : '';
  const values: StateValues = {
    teammate_user: { value: { type: 'users_select', selected_user: slackUserId } },
  };
  for (const [sourceId, username] of Object.entries(usernames)) {
    values[`teammate_source:${sourceId}`] = {
      [`value${suffix}`]: {
        type: 'external_select',
        selected_option:
          username === null ? null : { text: { type: 'plain_text', text: username }, value: username },
      },
    };
  }
  for (const sourceId of options.remove ?? []) {
    values[`teammate_remove:${sourceId}`] = {
      [`remove${suffix}`]: {
        type: 'checkboxes',
        selected_options: [{ text: { type: 'plain_text', text: 'Remove' }, value: 'remove' }],
      },
    };
  }
  return values;
}

/** A block_suggestion payload: what Slack sends as someone types into an external_select. */
export function blockSuggestionPayload(
  options: Actor & { blockId: string; actionId?: string; value: string; viewId?: string },
): Record<string, unknown> {
  const teamId = options.teamId ?? 'T0TEST';
  const userId = options.userId ?? 'U0ADMIN';
  return {
    type: 'block_suggestion',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId },
    container: { type: 'view', view_id: options.viewId ?? 'VMAP' },
    api_app_id: 'A0PULSE',
    token: 'legacy-verification-token',
    action_id: options.actionId ?? 'value',
    block_id: options.blockId,
    value: options.value,
    team: { id: teamId, domain: 'test' },
    view: {
      id: options.viewId ?? 'VMAP',
      team_id: teamId,
      type: 'modal',
      callback_id: 'teammate_form',
      private_metadata: '',
      hash: '1700000000.abcdef',
      state: { values: {} },
    },
  };
}

/** The view in a views.open / views.update / views.publish call. */
export function viewOf(call: SlackCall): Record<string, unknown> {
  const view = call.body['view'];
  return (typeof view === 'string' ? JSON.parse(view) : view) as Record<string, unknown>;
}

/** Waits for the `n`-th call (1-based) to a method made after `since` calls had been recorded. */
export function nthCallAfter(slack: FakeSlack, method: string, since: number, n = 1): Promise<SlackCall> {
  return slack.waitFor(() => slack.calls.slice(since).filter((call) => call.method === method)[n - 1]);
}

export function blocksOf(message: Record<string, unknown>): Array<Record<string, unknown>> {
  const blocks = message['blocks'];
  return (typeof blocks === 'string' ? JSON.parse(blocks) : (blocks ?? [])) as Array<Record<string, unknown>>;
}

export function textOf(value: unknown): string {
  return JSON.stringify(value);
}

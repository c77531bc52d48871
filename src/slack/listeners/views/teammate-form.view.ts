import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { SetMappingsOutcome } from '../../../modules/teammates/teammate.types.ts';
import type { SlackDeps } from '../../deps.ts';
import { actionPerson, TEAMMATE_FORM } from '../../ids.ts';
import { MANAGER_ONLY, whoIsAsking } from '../../permissions.ts';
import { isUnknownSlackUser } from '../../slack-api-errors.ts';
import { escapeMrkdwn } from '../../ui/blocks.ts';
import { SENTINEL_PREFIX } from '../../ui/gitlab-user-options.ui.ts';
import { presentNoticeModal } from '../../ui/source-form.ui.ts';
import { presentTeammateForm, presentTeammateSaved } from '../../ui/teammates.ui.ts';
import { errorsByBlock } from './submission-budget.ts';
import { submitForm } from './submit-form.ts';
import { submissionSchema, teamOf, type ViewState } from './view-state.ts';

type Outcome = (SetMappingsOutcome & { slackUserId: string }) | { ok: false; refused: true };

/**
 * The mapping form (add or edit a teammate), submitted: every GitLab user is checked on its
 * source before anything is saved; problems come back on the source's field. GitLab users loaded
 * for another person than the one chosen (a reload that lost a race) are refused rather than
 * saved for the wrong person.
 */
export function teammateFormSubmission(deps: SlackDeps) {
  return async (args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const body = submissionSchema.parse(args.body);
    const teamId = teamOf(body);
    const state = body.view.state.values;
    const slackUserId = state[TEAMMATE_FORM.user.block]?.[TEAMMATE_FORM.user.action]?.selected_user;
    if (!slackUserId) {
      await args.ack({
        response_action: 'errors',
        errors: { [TEAMMATE_FORM.user.block]: 'Choose a person.' },
      });
      return;
    }
    const { usernames, refused, loadedForSomeoneElse } = readMappings(state, slackUserId);
    if (loadedForSomeoneElse) {
      // The reload after picking this person did not reach the form (it raced another change):
      // saving now would give them someone else's usernames.
      await args.ack({
        response_action: 'errors',
        errors: {
          [TEAMMATE_FORM.user.block]:
            'The GitLab users below belong to the person chosen before: choose this person again to load theirs.',
        },
      });
      return;
    }
    if (Object.keys(refused).length > 0) {
      await args.ack({ response_action: 'errors', errors: errorsByBlock(refused, blockOf) });
      return;
    }
    const work = (async (): Promise<Outcome> => {
      const asker = await whoIsAsking(deps, args.client, teamId, body.user.id);
      if (!asker.canManage) return { ok: false, refused: true };
      const person = await slackPerson(deps, args.client, teamId, slackUserId);
      if (!person) return { ok: false, errors: { [USER_KEY]: UNKNOWN_SLACK_USER }, slackUserId };
      const outcome = await deps.services.teammates.setMappings({
        teamId,
        person: { slackUserId, displayName: person.displayName, timezone: person.timezone },
        usernames,
      });
      return { ...outcome, slackUserId };
    })();
    await submitForm({
      deps,
      ack: args.ack,
      client: args.client,
      viewId: body.view.id,
      title: 'Teammate',
      work,
      errorsOf: (outcome) => (!outcome.ok && 'errors' in outcome ? outcome.errors : undefined),
      blockOf,
      finalView,
      waitingView: presentNoticeModal('Teammate', ':hourglass_flowing_sand: Checking the GitLab users…'),
      lateErrorsView: async (errors) => {
        const [sources, teammate] = await Promise.all([
          deps.services.sources.list(teamId),
          deps.services.teammates.get(teamId, slackUserId),
        ]);
        return presentTeammateForm({
          slackUserId,
          sources,
          identities: teammate.identities,
          notice: Object.entries(errors)
            .map(([sourceId, message]) => {
              const name =
                sourceId === USER_KEY
                  ? 'Slack user'
                  : (sources.find((source) => source.id === sourceId)?.name ?? 'source');
              return `:x: *${escapeMrkdwn(name)}*: ${escapeMrkdwn(message)}`;
            })
            .join('\n'),
        });
      },
      lateFailureView: (message) => presentNoticeModal('Teammate', message),
    });
  };
}

function finalView(outcome: Outcome): ModalView {
  if (outcome.ok) return presentTeammateSaved(outcome.slackUserId, outcome.changed);
  return presentNoticeModal('Not allowed', MANAGER_ONLY);
}

/** Errors about the person rather than a source go under the users select. */
const USER_KEY = 'slack_user';
const UNKNOWN_SLACK_USER =
  'Slack does not know this person any more (they may have left the workspace): choose someone else.';

function blockOf(key: string): string {
  return key === USER_KEY ? TEAMMATE_FORM.user.block : `${TEAMMATE_FORM.sourcePrefix}${key}`;
}

/**
 * What the form asks for, per source: a GitLab user chosen (map), "remove" ticked (an empty
 * username: remove), or neither (left out: keep). A chosen option that is a message, not a user,
 * is refused under its field. Every input's action id names the person it was loaded for (ids.ts).
 */
function readMappings(
  state: ViewState,
  slackUserId: string,
): { usernames: Record<string, string>; refused: Record<string, string>; loadedForSomeoneElse: boolean } {
  const usernames: Record<string, string> = {};
  const refused: Record<string, string> = {};
  let loadedForSomeoneElse = false;
  const removing = new Set<string>();
  for (const [blockId, actions] of Object.entries(state)) {
    const prefix = [TEAMMATE_FORM.sourcePrefix, TEAMMATE_FORM.removePrefix].find((p) =>
      blockId.startsWith(p),
    );
    if (!prefix) continue;
    const [actionId, element] = Object.entries(actions)[0] ?? [];
    const loadedFor = actionId === undefined ? undefined : actionPerson(actionId);
    if (loadedFor !== undefined && loadedFor !== slackUserId) loadedForSomeoneElse = true;
    const sourceId = blockId.slice(prefix.length);
    if (prefix === TEAMMATE_FORM.removePrefix) {
      if (element?.selected_options?.some((option) => option.value === 'remove')) removing.add(sourceId);
      continue;
    }
    const chosen = element?.selected_option?.value ?? element?.value ?? null;
    if (chosen?.startsWith(SENTINEL_PREFIX)) {
      refused[sourceId] = 'Choose a GitLab user from the list: type part of their name or username.';
    } else if (chosen !== null) {
      usernames[sourceId] = chosen;
    }
  }
  for (const sourceId of removing) {
    usernames[sourceId] = '';
    delete refused[sourceId];
  }
  return { usernames, refused, loadedForSomeoneElse };
}

/** The chosen person as Slack knows them; undefined when Slack says there is no such user. */
async function slackPerson(deps: SlackDeps, client: WebClient, teamId: string, slackUserId: string) {
  try {
    // https://docs.slack.dev/reference/methods/users.info
    const user = await deps.users.user(client, teamId, slackUserId);
    return { slackUserId, displayName: user.displayName, timezone: user.timezone };
  } catch (error) {
    if (!isUnknownSlackUser(error)) throw error;
    deps.logger.info({ teamId, code: 'SLACK_USER_NOT_FOUND' }, 'Slack user not found');
    return undefined;
  }
}

import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { SetMappingsOutcome } from '../../../modules/teammates/teammate.types.ts';
import type { SlackDeps } from '../../deps.ts';
import { TEAMMATE_FORM, usernameActionPerson } from '../../ids.ts';
import { MANAGER_ONLY, whoIsAsking } from '../../permissions.ts';
import { escapeMrkdwn } from '../../ui/blocks.ts';
import { presentNoticeModal } from '../../ui/source-form.ui.ts';
import { presentTeammateForm, presentTeammateSaved } from '../../ui/teammates.ui.ts';
import { submitForm } from './submit-form.ts';
import { submissionSchema, teamOf } from './view-state.ts';

type Outcome = (SetMappingsOutcome & { slackUserId: string }) | { ok: false; refused: true };

/**
 * Edit teammate, submitted: every username is checked on its GitLab before anything is saved;
 * problems come back on the source's field. Usernames loaded for another person than the one
 * chosen (a reload that lost a race) are refused rather than saved for the wrong person.
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
    const usernames: Record<string, string> = {};
    let loadedForSomeoneElse = false;
    for (const [blockId, actions] of Object.entries(state)) {
      if (!blockId.startsWith(TEAMMATE_FORM.sourcePrefix)) continue;
      // One input per block; its action id names the person it was loaded for (ids.ts).
      const [actionId, element] = Object.entries(actions)[0] ?? [];
      usernames[blockId.slice(TEAMMATE_FORM.sourcePrefix.length)] = element?.value ?? '';
      const loadedFor = actionId === undefined ? undefined : usernameActionPerson(actionId);
      if (loadedFor !== undefined && loadedFor !== slackUserId) loadedForSomeoneElse = true;
    }
    if (loadedForSomeoneElse) {
      // The reload after picking this person did not reach the form (it raced another change):
      // saving now would give them someone else's usernames.
      await args.ack({
        response_action: 'errors',
        errors: {
          [TEAMMATE_FORM.user.block]:
            'The usernames below belong to the person chosen before: choose this person again to load theirs.',
        },
      });
      return;
    }
    const work = (async (): Promise<Outcome> => {
      const asker = await whoIsAsking(deps, args.client, teamId, body.user.id);
      if (!asker.canManage) return { ok: false, refused: true };
      const person = await deps.users.user(args.client, teamId, slackUserId);
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
      title: 'Edit teammate',
      work,
      errorsOf: (outcome) => (!outcome.ok && 'errors' in outcome ? outcome.errors : undefined),
      blockOf: (sourceId) => `${TEAMMATE_FORM.sourcePrefix}${sourceId}`,
      finalView,
      waitingView: presentNoticeModal(
        'Edit teammate',
        ':hourglass_flowing_sand: Checking the usernames on GitLab…',
      ),
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
              const name = sources.find((source) => source.id === sourceId)?.name ?? 'source';
              return `:x: *${escapeMrkdwn(name)}*: ${escapeMrkdwn(message)}`;
            })
            .join('\n'),
        });
      },
      lateFailureView: (message) => presentNoticeModal('Edit teammate', message),
    });
  };
}

function finalView(outcome: Outcome): ModalView {
  if (outcome.ok) return presentTeammateSaved(outcome.slackUserId, outcome.changed);
  return presentNoticeModal('Not allowed', MANAGER_ONLY);
}

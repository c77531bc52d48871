import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type {
  ConfirmedMapping,
  ConfirmOutcome,
  SlackPerson,
} from '../../../modules/teammates/teammate.types.ts';
import type { SlackDeps } from '../../deps.ts';
import { SUGGESTIONS } from '../../ids.ts';
import { MANAGER_ONLY, whoIsAsking } from '../../permissions.ts';
import { isPerson, toMappingCandidate } from '../../slack-users.ts';
import { escapeMrkdwn } from '../../ui/blocks.ts';
import { parseProposalValue, presentSuggestionsSaved } from '../../ui/mapping-suggestions.ui.ts';
import { presentNoticeModal } from '../../ui/source-form.ui.ts';
import { submitForm } from './submit-form.ts';
import { submissionSchema, teamOf, type ViewState } from './view-state.ts';

type Outcome = ConfirmOutcome | { ok: false; refused: true };

const TITLE = 'Suggested mappings';

/**
 * Suggested mappings, confirmed: every ticked proposal is checked again and all are saved in one
 * transaction, or none and the problems shown under their checkbox group. A repeated submission
 * saves nothing twice.
 */
export function mappingSuggestionsSubmission(deps: SlackDeps) {
  return async (args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const body = submissionSchema.parse(args.body);
    const teamId = teamOf(body);
    const picks = tickedProposals(body.view.state.values);
    if (picks.length === 0) {
      const first = Object.keys(body.view.state.values).find((id) => id.startsWith(SUGGESTIONS.blockPrefix));
      await args.ack(
        first
          ? { response_action: 'errors', errors: { [first]: 'Tick at least one proposal, or press Cancel.' } }
          : { response_action: 'clear' },
      );
      return;
    }
    const work = (async (): Promise<Outcome> => {
      const asker = await whoIsAsking(deps, args.client, teamId, body.user.id);
      if (!asker.canManage) return { ok: false, refused: true };
      // Names and zones for new teammate rows, from the cached users.list the proposals came from.
      const members = await deps.users.members(args.client, teamId);
      const people = new Map<string, SlackPerson>(
        members
          .filter(isPerson)
          .map(toMappingCandidate)
          .map((person) => [person.slackUserId, person]),
      );
      return deps.services.mappings.confirm({ teamId, picks, people });
    })();
    await submitForm({
      deps,
      ack: args.ack,
      client: args.client,
      viewId: body.view.id,
      title: TITLE,
      work,
      errorsOf: (outcome) => (!outcome.ok && 'errors' in outcome ? byBlock(outcome.errors) : undefined),
      blockOf: (blockId) => blockId,
      finalView,
      waitingView: presentNoticeModal(TITLE, ':hourglass_flowing_sand: Checking the GitLab users…'),
      lateErrorsView: (errors) =>
        presentNoticeModal(
          TITLE,
          `:x: Nothing was saved:\n${Object.values(errors)
            .map((message) => `• ${escapeMrkdwn(message)}`)
            .join('\n')}\nPress *Suggest mappings* again.`,
        ),
      lateFailureView: (message) => presentNoticeModal(TITLE, message),
    });
  };
}

/** Ticked proposals, each keyed `<block id>|<value>` so a problem lands under its group. */
function tickedProposals(state: ViewState): ConfirmedMapping[] {
  const picks: ConfirmedMapping[] = [];
  for (const [blockId, actions] of Object.entries(state)) {
    if (!blockId.startsWith(SUGGESTIONS.blockPrefix)) continue;
    for (const option of actions[SUGGESTIONS.action]?.selected_options ?? []) {
      const parsed = parseProposalValue(option.value);
      if (parsed) picks.push({ ...parsed, key: `${blockId}|${option.value}` });
    }
  }
  return picks;
}

/** Problems per proposal, joined per checkbox group (Slack shows one message per block). */
function byBlock(errors: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const blockId = key.slice(0, key.indexOf('|'));
    merged[blockId] = merged[blockId] ? `${merged[blockId]} ${message}` : message;
  }
  return merged;
}

function finalView(outcome: Outcome): ModalView {
  if (outcome.ok) return presentSuggestionsSaved(outcome.saved, outcome.unchanged);
  return presentNoticeModal('Not allowed', MANAGER_ONLY);
}

import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { SlackDeps } from '../../deps.ts';
import { userMessageOf } from '../../error-message.ts';
import { DEFAULT_ACK_BUDGET_MS, withinBudget } from '../../flows/within-budget.ts';
import { TEAMMATE_FORM } from '../../ids.ts';
import { logAnsweredFailure } from '../../log-failure.ts';
import { whoIsAsking } from '../../permissions.ts';
import {
  MAX_OPTIONS,
  MIN_QUERY_LENGTH,
  presentGitLabUserOptions,
  sentinelOption,
} from '../../ui/gitlab-user-options.ui.ts';

/** Longer search terms are cut: nobody's name or username is longer, and GitLab gets a short URL. */
const MAX_QUERY_LENGTH = 100;

/** The part of a block_suggestion payload this listener reads, validated. */
const payloadSchema = z.object({
  team: z.object({ id: z.string() }).nullish(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  block_id: z.string(),
  value: z.string(),
});

/**
 * Options for a GitLab user select in the mapping form: the users of the block's source matching
 * what the admin typed, looked up on that GitLab within Slack's 3 s. When nothing can be offered,
 * one option says why (its value starts with `!`, and the form refuses it if it is chosen).
 * https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select
 */
export function gitlabUserOptions(deps: SlackDeps) {
  return async (args: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs): Promise<void> => {
    const body = payloadSchema.parse(args.body);
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const sourceId = body.block_id.slice(TEAMMATE_FORM.sourcePrefix.length);
    const query = body.value.trim().replace(/^@/, '').slice(0, MAX_QUERY_LENGTH);
    const work = (async () => {
      const asker = await whoIsAsking(deps, args.client, teamId, body.user.id);
      if (!asker.canManage) return { options: [sentinelOption('Only admins can look up GitLab users.')] };
      // Blanks and a lone @ would list GitLab's first users, not anyone the admin meant.
      if (query.length < MIN_QUERY_LENGTH) {
        return { options: [sentinelOption('Type part of their name or username.')] };
      }
      const users = await deps.services.mappings.searchGitLabUsers(teamId, sourceId, query, MAX_OPTIONS);
      if (users.length === 0) return { options: [sentinelOption(`No GitLab user matches “${query}”.`)] };
      return presentGitLabUserOptions(users);
    })();
    try {
      // Slack waits 3 s for options, as for a submission: past the budget the admin is told to
      // type more rather than left with a spinner.
      const raced = await withinBudget(work, deps.ackBudgetMs ?? DEFAULT_ACK_BUDGET_MS);
      if (raced.done) {
        await args.ack(raced.value);
        return;
      }
      // The search goes on unanswered; a failure later is only logged.
      raced.pending.catch((error: unknown) =>
        logAnsweredFailure(deps.logger, error, { teamId }, 'GitLab user search failed after its answer'),
      );
      await args.ack({ options: [sentinelOption('GitLab is slow to answer: type a little more.')] });
    } catch (error) {
      logAnsweredFailure(deps.logger, error, { teamId }, 'GitLab user search failed');
      await args.ack({ options: [sentinelOption(userMessageOf(error))] });
    }
  };
}

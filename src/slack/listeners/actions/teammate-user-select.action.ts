import { z } from 'zod';
import type { SlackDeps } from '../../deps.ts';
import { reloadTeammateForm } from '../../flows/teammate-form.flow.ts';
import type { ActionArgs } from './action-context.ts';

/** The part of the users select's block_actions payload this listener reads, validated. */
const payloadSchema = z.object({
  team: z.object({ id: z.string() }).nullish(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  actions: z.array(z.object({ selected_user: z.string().nullish() })).min(1),
  view: z.object({ id: z.string(), hash: z.string() }),
});

/**
 * A person picked in the Edit teammate form: their GitLab usernames replace the fields. No
 * permission check here: the form is shown to admins only, the mappings are open to everyone
 * (`/pulse teammates`), and saving is checked on submission.
 */
export function teammateUserSelectAction(deps: SlackDeps) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    try {
      const body = payloadSchema.parse(args.body);
      const teamId = body.team?.id ?? body.user.team_id;
      if (!teamId) throw new Error('block_actions payload without a team id');
      const outcome = await reloadTeammateForm({
        deps,
        client: args.client,
        teamId,
        viewId: body.view.id,
        hash: body.view.hash,
        slackUserId: body.actions[0]!.selected_user ?? undefined,
      });
      if (outcome === 'outdated') {
        deps.logger.info({ teamId, viewId: body.view.id }, 'teammate form changed meanwhile; reload skipped');
      }
    } catch (error) {
      // The form stays as it was; the submission refuses usernames loaded for someone else.
      deps.logger.error({ err: error, action: 'teammate_user' }, 'could not reload the teammate form');
    }
  };
}

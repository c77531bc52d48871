import type { ModalView } from '@slack/types';
import { z } from 'zod';
import { isCodedError } from '../../../lib/errors.ts';
import type { SlackDeps } from '../../deps.ts';
import { MANAGER_ONLY, whoIsAsking } from '../../permissions.ts';
import { escapeMrkdwn } from '../../ui/blocks.ts';
import { presentNoticeModal, presentSourceForm } from '../../ui/source-form.ui.ts';
import type { ActionArgs } from './action-context.ts';

const payloadSchema = z.object({
  team: z.object({ id: z.string() }).nullish(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  actions: z.array(z.object({ value: z.string().max(100) })).min(1),
  view: z.object({ id: z.string(), hash: z.string().optional() }),
});

/**
 * "Update <source>'s token" in the "already added" modal: the same modal becomes that source's
 * edit form (never with its token), so the new token goes on the one source for that GitLab.
 */
export function sourceUpdateTokenAction(deps: SlackDeps) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const body = payloadSchema.safeParse(args.body);
    if (!body.success) {
      deps.logger.warn({ action: 'source_update_token' }, 'unexpected block_actions payload');
      return;
    }
    const teamId = body.data.team?.id ?? body.data.user.team_id ?? '';
    let view: ModalView;
    try {
      const asker = await whoIsAsking(deps, args.client, teamId, body.data.user.id);
      if (!asker.canManage) {
        view = presentNoticeModal('Not allowed', MANAGER_ONLY);
      } else {
        const source = await deps.services.sources.get(teamId, { id: body.data.actions[0]!.value });
        view = presentSourceForm({
          metadata: { mode: 'edit', sourceId: source.id },
          values: { name: source.name, baseUrl: source.baseUrl, jiraUrl: source.jiraUrl },
          notice: `Paste the new token for *${escapeMrkdwn(source.name)}*: it is tested before it replaces the stored one.`,
        });
      }
    } catch (error) {
      if (!isCodedError(error))
        deps.logger.error({ err: error }, 'could not open the source for a new token');
      view = presentNoticeModal(
        'Source',
        isCodedError(error)
          ? error.userMessage
          : 'Something went wrong on our side; the details are in the ActivityPulse logs.',
      );
    }
    // https://docs.slack.dev/reference/methods/views.update
    await args.client.views.update({
      view_id: body.data.view.id,
      ...(body.data.view.hash ? { hash: body.data.view.hash } : {}),
      view,
    });
  };
}

import type { SlackDeps } from '../../deps.ts';
import { openTeammateForm } from '../../flows/open-modal.flow.ts';
import { buttonListener } from './action-context.ts';

/** "Edit" on a teammate: users select and one GitLab username per source. */
export function teammateEditAction(deps: SlackDeps) {
  return buttonListener(deps, 'teammate_edit', (ctx) =>
    openTeammateForm({
      deps,
      client: ctx.client,
      triggerId: ctx.triggerId,
      teamId: ctx.teamId,
      userId: ctx.userId,
      ...(ctx.value ? { slackUserId: ctx.value } : {}),
    }),
  );
}

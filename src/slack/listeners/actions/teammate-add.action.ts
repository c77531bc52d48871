import type { SlackDeps } from '../../deps.ts';
import { openAddTeammateForm } from '../../flows/open-modal.flow.ts';
import { buttonListener } from './action-context.ts';

/** "Add teammate": the mapping form with nobody chosen yet. */
export function teammateAddAction(deps: SlackDeps) {
  return buttonListener(deps, 'teammate_add', (ctx) =>
    openAddTeammateForm({
      deps,
      client: ctx.client,
      triggerId: ctx.triggerId,
      teamId: ctx.teamId,
      userId: ctx.userId,
    }),
  );
}

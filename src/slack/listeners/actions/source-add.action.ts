import type { SlackDeps } from '../../deps.ts';
import { openSourceForm } from '../../flows/open-modal.flow.ts';
import { buttonListener } from './action-context.ts';

/** "Add GitLab source" (empty source list, App Home). */
export function sourceAddAction(deps: SlackDeps) {
  return buttonListener(deps, 'source_add', (ctx) =>
    openSourceForm({
      deps,
      client: ctx.client,
      triggerId: ctx.triggerId,
      teamId: ctx.teamId,
      userId: ctx.userId,
    }),
  );
}

import type { SlackDeps } from '../../deps.ts';
import { openSourceForm } from '../../flows/open-modal.flow.ts';
import { buttonListener } from './action-context.ts';

/** "Edit" on a source: the edit modal, filled in except for the token. */
export function sourceEditAction(deps: SlackDeps) {
  return buttonListener(deps, 'source_edit', (ctx) =>
    openSourceForm({
      deps,
      client: ctx.client,
      triggerId: ctx.triggerId,
      teamId: ctx.teamId,
      userId: ctx.userId,
      source: { id: ctx.value ?? '' },
    }),
  );
}

import type { SlackDeps } from '../../deps.ts';
import { openMappingSuggestions } from '../../flows/open-modal.flow.ts';
import { buttonListener } from './action-context.ts';

/** "Suggest mappings": proposals by e-mail and name, to confirm in one submission. */
export function teammateSuggestAction(deps: SlackDeps) {
  return buttonListener(deps, 'teammate_suggest', (ctx) =>
    openMappingSuggestions({
      deps,
      client: ctx.client,
      triggerId: ctx.triggerId,
      teamId: ctx.teamId,
      userId: ctx.userId,
    }),
  );
}

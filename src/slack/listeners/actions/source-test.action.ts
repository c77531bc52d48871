import type { SlackDeps } from '../../deps.ts';
import { publishHome } from '../../flows/home.flow.ts';
import { presentTestResult } from '../../ui/sources.ui.ts';
import { buttonListener, managerClicking } from './action-context.ts';

/** "Test connection": the result as a reply under the list, or as the refreshed App Home. */
export function sourceTestAction(deps: SlackDeps) {
  return buttonListener(deps, 'source_test', async (ctx) => {
    // Test Connection calls GitLab with the stored token and records the result: admins only.
    if (!(await managerClicking(ctx))) return;
    const outcome = await deps.services.sources.test(ctx.teamId, { id: ctx.value ?? '' });
    if (ctx.fromHome) {
      await publishHome({ deps, client: ctx.client, teamId: ctx.teamId, userId: ctx.userId });
    } else if (ctx.respond) {
      await ctx.respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...presentTestResult(outcome),
      });
    }
  });
}

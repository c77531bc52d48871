import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps.ts';
import { publishHome } from '../../flows/home.flow.ts';

/** The App Home tab opened: publish that person's dashboard. Messages tab opens are ignored. */
export function appHomeOpenedEvent(deps: SlackDeps) {
  return async (args: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    const { event, context } = args;
    if (event.tab !== 'home') return;
    const teamId = context.teamId ?? (args.body as { team_id?: string }).team_id;
    if (!teamId) return;
    try {
      await publishHome({ deps, client: args.client, teamId, userId: event.user });
    } catch (error) {
      deps.logger.error({ err: error }, 'could not publish the App Home');
    }
  };
}

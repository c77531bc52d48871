import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../deps.ts';
import { whoIsAsking } from '../permissions.ts';
import { presentHome } from '../ui/home.ui.ts';

/** Builds and publishes one person's App Home. https://docs.slack.dev/reference/methods/views.publish */
export async function publishHome(args: {
  deps: SlackDeps;
  client: WebClient;
  teamId: string;
  userId: string;
}): Promise<void> {
  const { deps, client, teamId, userId } = args;
  const asker = await whoIsAsking(deps, client, teamId, userId);
  const now = deps.now();
  const dashboard = await deps.services.dashboard.forUser({
    teamId,
    slackUserId: userId,
    timeZone: asker.timeZone,
    now,
  });
  const view = presentHome(dashboard, {
    now,
    timeZone: asker.timeZone,
    canManage: asker.canManage,
    slackUserId: userId,
  });
  await client.views.publish({ user_id: userId, view });
}

import type { SlackDeps } from '../../deps.ts';
import { publishHome } from '../../flows/home.flow.ts';
import { buttonListener } from './action-context.ts';

export function homeRefreshAction(deps: SlackDeps) {
  return buttonListener(deps, 'home_refresh', (ctx) =>
    publishHome({ deps, client: ctx.client, teamId: ctx.teamId, userId: ctx.userId }),
  );
}

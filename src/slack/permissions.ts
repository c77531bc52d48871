import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from './deps.ts';
import type { SlackUser } from './slack-users.ts';

export const MANAGER_ONLY =
  'Only workspace admins and owners, or people on ActivityPulse’s admin list, can change or test data sources, and change teammate mappings and digests. Ask one of them, or ask for `/pulse sources` and `/pulse activity` — those are open to everyone.';

/** The asking user and whether they may change sources, mappings and digests. */
export interface Asker {
  user: SlackUser;
  canManage: boolean;
  timeZone: string;
}

export async function whoIsAsking(
  deps: SlackDeps,
  client: WebClient,
  teamId: string,
  userId: string,
): Promise<Asker> {
  const user = await deps.users.user(client, teamId, userId);
  const [canManage, fallbackZone] = await Promise.all([
    deps.services.workspaces.canManage({ teamId, userId, slackAdmin: user.isAdmin || user.isOwner }),
    user.timezone ? Promise.resolve(user.timezone) : deps.services.workspaces.defaultTimezone(teamId),
  ]);
  return { user, canManage, timeZone: user.timezone ?? fallbackZone };
}

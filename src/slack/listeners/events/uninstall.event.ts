import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps.ts';

/**
 * `app_uninstalled` and `tokens_revoked` (bot token): forget the workspace's bot token so nothing
 * keeps calling Slack with it. The team's data stays until an admin removes it.
 * https://docs.slack.dev/reference/events/app_uninstalled
 */
export function uninstallEvent(deps: SlackDeps) {
  return async ({
    body,
  }: (SlackEventMiddlewareArgs<'app_uninstalled'> | SlackEventMiddlewareArgs<'tokens_revoked'>) &
    AllMiddlewareArgs) => {
    const event = body.event;
    if (event.type === 'tokens_revoked' && (event.tokens.bot ?? []).length === 0) return;
    await deps.services.installations.forget(body.team_id);
    deps.logger.info({ teamId: body.team_id, event: event.type }, 'workspace bot token forgotten');
  };
}

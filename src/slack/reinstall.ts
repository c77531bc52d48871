import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../lib/logger.ts';
import type { SlackServices } from './deps.ts';

type Installations = SlackServices['installations'];

/** Events that say the app is leaving: they must not count as proof that it is installed. */
const LEAVING = new Set(['app_uninstalled', 'tokens_revoked']);

/**
 * Token and Socket Mode have no OAuth callback to say "installed again": after `app_uninstalled`,
 * a request Slack delivers from the team is the proof (Slack sends nothing for an app that is not
 * installed), so the uninstall mark is cleared and digests and scheduled syncs resume.
 * https://docs.slack.dev/reference/events/app_uninstalled
 */
export function reinstatedOnContact(
  installations: Installations,
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as unknown as { event?: { type?: string } };
    const teamId = args.context.teamId;
    if (teamId && !LEAVING.has(body.event?.type ?? '')) {
      try {
        if (await installations.markInstalled(teamId)) {
          logger.info({ teamId }, 'workspace is installed again; schedules resume');
        }
      } catch (error) {
        logger.warn({ err: error, teamId }, 'could not clear the uninstall mark');
      }
    }
    await args.next();
  };
}

/**
 * At start in token or Socket Mode: the configured bot token belongs to one team; if Slack accepts
 * it, the app is installed there (a reinstall hands out a new token, which the operator sets and
 * restarts with). Best effort: a failure here is logged, the start goes on.
 * https://docs.slack.dev/reference/methods/auth.test
 */
export async function reinstateConfiguredWorkspace(
  client: WebClient,
  installations: Installations,
  logger: Logger,
): Promise<void> {
  try {
    const answer = await client.auth.test();
    if (answer.team_id && (await installations.markInstalled(answer.team_id))) {
      logger.info({ teamId: answer.team_id }, 'the configured bot token works again; schedules resume');
    }
  } catch (error) {
    logger.warn({ err: error }, 'could not check the configured bot token against Slack');
  }
}

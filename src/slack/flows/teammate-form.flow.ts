import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../deps.ts';
import { presentTeammateForm } from '../ui/teammates.ui.ts';

/** The Edit teammate form for a person (or nobody yet), filled with their GitLab usernames. */
export async function teammateFormFor(
  deps: SlackDeps,
  teamId: string,
  slackUserId?: string,
): Promise<ModalView> {
  const [sources, teammate] = await Promise.all([
    deps.services.sources.list(teamId),
    slackUserId ? deps.services.teammates.get(teamId, slackUserId) : undefined,
  ]);
  return presentTeammateForm({
    ...(slackUserId ? { slackUserId } : {}),
    sources,
    identities: teammate?.identities ?? [],
  });
}

/**
 * Reloads an open Edit teammate form for the person just picked. `hash` is the form's version in
 * the payload: Slack refuses the update (`hash_conflict`) when the form changed since, so a slow
 * reload never overwrites a newer one; the submission then refuses usernames loaded for someone
 * else. https://docs.slack.dev/reference/methods/views.update
 */
export async function reloadTeammateForm(args: {
  deps: SlackDeps;
  client: WebClient;
  teamId: string;
  viewId: string;
  hash: string;
  slackUserId: string | undefined;
}): Promise<'updated' | 'outdated'> {
  const view = await teammateFormFor(args.deps, args.teamId, args.slackUserId);
  try {
    await args.client.views.update({ view_id: args.viewId, hash: args.hash, view });
    return 'updated';
  } catch (error) {
    if (slackErrorCode(error) === 'hash_conflict') return 'outdated';
    throw error;
  }
}

/** The `error` of a Web API call Slack answered with `ok: false`. */
function slackErrorCode(error: unknown): string | undefined {
  const coded = error as { code?: string; data?: { error?: string } } | undefined;
  return coded?.code === 'slack_webapi_platform_error' ? coded.data?.error : undefined;
}

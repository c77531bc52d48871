import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { isCodedError } from '../../lib/errors.ts';
import type { SlackDeps } from '../deps.ts';
import { userMessageOf } from '../error-message.ts';
import { MANAGER_ONLY, whoIsAsking } from '../permissions.ts';
import { isPerson, toMappingCandidate } from '../slack-users.ts';
import { presentSuggestions } from '../ui/mapping-suggestions.ui.ts';
import { presentNoticeModal, presentSourceForm } from '../ui/source-form.ui.ts';
import { teammateFormFor } from './teammate-form.flow.ts';

interface OpenArgs {
  deps: SlackDeps;
  client: WebClient;
  triggerId: string;
  teamId: string;
  userId: string;
}

/**
 * A trigger_id works once and for 3 s, so the modal opens at once with a loading view; the
 * permission check and the data fill it in with views.update.
 * https://docs.slack.dev/surfaces/modals#updating_views
 */
async function openThenFill(
  args: OpenArgs,
  title: string,
  fill: (canManage: boolean) => Promise<ModalView>,
): Promise<void> {
  const { client, deps } = args;
  // https://docs.slack.dev/reference/methods/views.open
  const opened = await client.views.open({
    trigger_id: args.triggerId,
    view: presentNoticeModal(title, ':hourglass_flowing_sand: Loading…'),
  });
  const viewId = opened.view?.id;
  if (!viewId) return;
  let view: ModalView;
  try {
    const asker = await whoIsAsking(deps, client, args.teamId, args.userId);
    view = asker.canManage ? await fill(true) : presentNoticeModal('Not allowed', MANAGER_ONLY);
  } catch (error) {
    if (!isCodedError(error)) deps.logger.error({ err: error }, 'could not prepare a modal');
    view = presentNoticeModal(
      title,
      userMessageOf(error, 'Something went wrong on our side; the details are in the ActivityPulse logs.'),
    );
  }
  // https://docs.slack.dev/reference/methods/views.update
  await client.views.update({ view_id: viewId, view });
}

/** The add form, or the edit form filled from the source (never with its token). */
export function openSourceForm(
  args: OpenArgs & { source?: { id: string } | { name: string } },
): Promise<void> {
  const { source } = args;
  return openThenFill(args, source ? 'Edit GitLab source' : 'Add GitLab source', async () => {
    if (!source) return presentSourceForm({ metadata: { mode: 'add' } });
    const found = await args.deps.services.sources.get(args.teamId, source);
    return presentSourceForm({
      metadata: { mode: 'edit', sourceId: found.id },
      values: { name: found.name, baseUrl: found.baseUrl, jiraUrl: found.jiraUrl },
    });
  });
}

export function openTeammateForm(args: OpenArgs & { slackUserId?: string }): Promise<void> {
  return openThenFill(args, 'Edit teammate', () => teammateFormFor(args.deps, args.teamId, args.slackUserId));
}

/** The mapping form for someone not mapped yet: a users select and the GitLab user selects. */
export function openAddTeammateForm(args: OpenArgs): Promise<void> {
  return openThenFill(args, 'Add teammate', () => teammateFormFor(args.deps, args.teamId));
}

/**
 * Suggested mappings: the workspace's people (users.list) against each source's GitLab users.
 * The searches may take seconds, so the modal opens first and shows the proposals when ready.
 */
export function openMappingSuggestions(args: OpenArgs): Promise<void> {
  return openThenFill(args, 'Suggested mappings', async () => {
    const members = await args.deps.users.members(args.client, args.teamId);
    const people = members.filter(isPerson).map(toMappingCandidate);
    return presentSuggestions(await args.deps.services.mappings.suggest(args.teamId, people));
  });
}

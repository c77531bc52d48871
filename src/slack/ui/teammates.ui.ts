import type { KnownBlock, ModalView } from '@slack/types';
import type { SourceView } from '../../modules/sources/source.types.ts';
import type { MappingResult, TeammateView } from '../../modules/teammates/teammate.types.ts';
import { ACTIONS, removeActionId, TEAMMATE_FORM, usernameActionId, VIEWS } from '../ids.ts';
import { context, escapeMrkdwn, fitMessage, header, LIMITS, type SlackMessage, section } from './blocks.ts';
import { plural } from './format.ts';
import { gitlabUserOption, MIN_QUERY_LENGTH } from './gitlab-user-options.ui.ts';
import { actions, button, modal, plain, VIEW_LIMITS } from './views.ts';

export function identitiesText(teammate: TeammateView): string {
  return teammate.identities
    .map((identity) => `${escapeMrkdwn(identity.sourceName)}: @${escapeMrkdwn(identity.username)}`)
    .join(' · ');
}

/** `/pulse teammates`: who is mapped to whom, with an Edit button per person for admins. */
export function presentTeammates(teammates: TeammateView[], options: { canManage: boolean }): SlackMessage {
  if (teammates.length === 0) {
    return {
      text: 'Nobody is mapped to a GitLab user yet.',
      blocks: [
        section(
          'Nobody is mapped to a GitLab user yet. Map someone with `/pulse map @user <gitlab-username> [source]`.',
        ),
        ...(options.canManage ? [mappingButtons('teammates_empty')] : []),
      ],
    };
  }
  const blocks: KnownBlock[] = [header(`Teammates (${teammates.length})`)];
  for (const teammate of teammates) {
    const block: KnownBlock = {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `<@${teammate.slackUserId}> — ${identitiesText(teammate)}`.slice(0, 3000),
      },
    };
    if (options.canManage) {
      block.accessory = button({ text: 'Edit', actionId: ACTIONS.teammateEdit, value: teammate.slackUserId });
    }
    blocks.push(block);
  }
  blocks.push(context(['Change a mapping with Edit, `/pulse map` or `/pulse unmap`.']));
  const fitted = fitMessage(
    `${plural(teammates.length, 'teammate')} mapped`,
    blocks,
    LIMITS.blocksPerMessage - 1,
  );
  if (options.canManage) fitted.blocks.push(mappingButtons('teammates_manage'));
  return fitted;
}

/** Add teammate and Suggest mappings, for admins under a list of teammates. */
export function mappingButtons(blockId: string): KnownBlock {
  return actions(blockId, [
    button({ text: 'Add teammate', actionId: ACTIONS.teammateAdd, style: 'primary' }),
    button({ text: 'Suggest mappings', actionId: ACTIONS.teammateSuggest }),
  ]);
}

/**
 * The mapping form: a users select, then per data source a GitLab user select whose options are
 * looked up on that source as the admin types (external_select), with the person's current user
 * chosen and a "remove" checkbox under it. Picking another person renders this again for them.
 */
export function presentTeammateForm(options: {
  slackUserId?: string;
  sources: SourceView[];
  identities: TeammateView['identities'];
  notice?: string;
}): ModalView {
  const blocks: KnownBlock[] = [];
  if (options.notice) blocks.push(section(options.notice));
  blocks.push({
    type: 'input',
    block_id: TEAMMATE_FORM.user.block,
    label: plain('Slack user', VIEW_LIMITS.inputLabel),
    // Picking someone reloads their GitLab users into the selects below (views.update).
    dispatch_action: true,
    element: {
      type: 'users_select',
      action_id: TEAMMATE_FORM.user.action,
      ...(options.slackUserId ? { initial_user: options.slackUserId } : {}),
    },
  });
  for (const source of options.sources) {
    const current = options.identities.find((identity) => identity.sourceId === source.id);
    blocks.push({
      type: 'input',
      block_id: `${TEAMMATE_FORM.sourcePrefix}${source.id}`,
      optional: true,
      label: plain(`GitLab user on ${source.name}`, VIEW_LIMITS.inputLabel),
      hint: plain(
        `Type ${MIN_QUERY_LENGTH} or more letters of their name or username on ${source.baseUrl}; leave empty for no mapping on this source.`,
        VIEW_LIMITS.inputHint,
      ),
      element: {
        type: 'external_select',
        action_id: usernameActionId(options.slackUserId),
        placeholder: plain('Search GitLab users', VIEW_LIMITS.placeholder),
        min_query_length: MIN_QUERY_LENGTH,
        ...(current ? { initial_option: gitlabUserOption({ username: current.username }) } : {}),
      },
    });
    if (current) {
      blocks.push({
        type: 'input',
        block_id: `${TEAMMATE_FORM.removePrefix}${source.id}`,
        optional: true,
        label: plain(`Remove from ${source.name}`, VIEW_LIMITS.inputLabel),
        element: {
          type: 'checkboxes',
          action_id: removeActionId(options.slackUserId),
          options: [
            {
              text: plain(`Remove the mapping to @${current.username}`, VIEW_LIMITS.optionText),
              value: 'remove',
            },
          ],
        },
      });
    }
  }
  if (options.sources.length === 0) {
    blocks.push(section('No data source is set up yet: add one with `/pulse source add` first.'));
  }
  return modal({
    title: options.slackUserId ? 'Edit teammate' : 'Add teammate',
    submit: 'Check and save',
    close: 'Cancel',
    callbackId: VIEWS.teammateForm,
    blocks,
  });
}

export function presentTeammateSaved(
  slackUserId: string,
  changed: Array<{ sourceName: string; username: string | null }>,
): ModalView {
  const lines =
    changed.length === 0
      ? ['Nothing changed.']
      : changed.map((change) =>
          change.username
            ? `• ${escapeMrkdwn(change.sourceName)}: mapped to @${escapeMrkdwn(change.username)}`
            : `• ${escapeMrkdwn(change.sourceName)}: mapping removed`,
        );
  return modal({
    title: 'Teammate saved',
    close: 'Done',
    blocks: [section(`:white_check_mark: <@${slackUserId}>\n${lines.join('\n')}`)],
  });
}

export function presentMapped(result: MappingResult): SlackMessage {
  const change =
    result.previousUsername && result.previousUsername !== result.username
      ? ` (was @${escapeMrkdwn(result.previousUsername)})`
      : '';
  return {
    text: `Mapped <@${result.slackUserId}> to ${result.username} on ${result.sourceName}.`,
    blocks: [
      section(
        `:white_check_mark: Mapped <@${result.slackUserId}> to *@${escapeMrkdwn(result.username)}* (${escapeMrkdwn(result.gitlabName)}) on \`${escapeMrkdwn(result.sourceName)}\`${change}.`,
      ),
      context([
        `Their activity is collected from the next sync; run \`/pulse fetch ${result.sourceName}\` to start now.`,
      ]),
      // Only admins map people, so only admins read this line: ids are for checking against GitLab.
      context([`Details: GitLab user id ${result.gitlabUserId}`]),
    ],
  };
}

export function presentUnmapped(
  slackUserId: string,
  removed: Array<{ sourceName: string; username: string }>,
): SlackMessage {
  const what = removed
    .map((item) => `@${escapeMrkdwn(item.username)} on \`${escapeMrkdwn(item.sourceName)}\``)
    .join(', ');
  return {
    text: `Unmapped <@${slackUserId}>: ${removed.map((item) => `${item.username} on ${item.sourceName}`).join(', ')}.`,
    blocks: [
      section(
        `Unmapped <@${slackUserId}> from ${what}. Activity already collected stays until the source is removed.`,
      ),
    ],
  };
}

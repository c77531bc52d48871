import type { KnownBlock, ModalView } from '@slack/types';
import type { SourceView } from '../../modules/sources/source.types.ts';
import type { MappingResult, TeammateView } from '../../modules/teammates/teammate.types.ts';
import { ACTIONS, TEAMMATE_FORM, usernameActionId, VIEWS } from '../ids.ts';
import { context, escapeMrkdwn, fitMessage, header, type SlackMessage, section } from './blocks.ts';
import { plural } from './format.ts';
import { button, modal, plain } from './views.ts';

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
  return fitMessage(`${plural(teammates.length, 'teammate')} mapped`, blocks);
}

/**
 * A users select and one GitLab username field per data source (empty removes that mapping),
 * filled with the chosen person's usernames. Picking another person renders this again for them.
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
    label: plain('Slack user', 2000),
    // Picking someone reloads their usernames into the fields below (views.update).
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
      label: plain(`GitLab username on ${source.name}`, 2000),
      hint: plain(`${source.baseUrl} — leave empty for no mapping on this source.`, 2000),
      element: {
        type: 'plain_text_input',
        action_id: usernameActionId(options.slackUserId),
        placeholder: plain('username', 150),
        ...(current ? { initial_value: current.username } : {}),
      },
    });
  }
  if (options.sources.length === 0) {
    blocks.push(section('No data source is set up yet: add one with `/pulse source add` first.'));
  }
  return modal({
    title: 'Edit teammate',
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

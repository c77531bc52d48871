import type { KnownBlock, View } from '@slack/types';
import type { Dashboard } from '../../modules/dashboard/dashboard.service.ts';
import { ACTIONS } from '../ids.ts';
import { workSummaryLine } from './activity.ui.ts';
import { context, divider, escapeMrkdwn, header, section } from './blocks.ts';
import { formatAgo, weekdaysLabel } from './format.ts';
import { sourceButtons, sourceStatusText } from './sources.ui.ts';
import { teamWeekBlocks } from './team-week.ui.ts';
import { identitiesText, mappingButtons } from './teammates.ui.ts';
import { actions, button, homeView } from './views.ts';

const MAX_SOURCES = 15;
const MAX_TEAMMATES = 25;

/** The App Home dashboard for the person who opened it. */
export function presentHome(
  dashboard: Dashboard,
  options: { now: Date; timeZone: string; canManage: boolean; slackUserId: string },
): View {
  const blocks: KnownBlock[] = [header('This week')];
  blocks.push(...teamWeekBlocks(dashboard.team, { now: options.now, weekLabel: mineLabel(dashboard) }));
  blocks.push(divider());

  blocks.push(
    section(`*Your activity ${mineLabel(dashboard)}*\n${mineText(dashboard, options.slackUserId)}`),
  );
  blocks.push(divider());

  blocks.push(header(`Data sources (${dashboard.sources.length})`));
  if (dashboard.sources.length === 0) {
    blocks.push(
      section(
        options.canManage
          ? 'No GitLab source yet: add one to start.'
          : 'No GitLab source yet: ask a workspace admin to add one.',
      ),
    );
  }
  for (const source of dashboard.sources.slice(0, MAX_SOURCES)) {
    blocks.push(section(sourceStatusText(source, options)));
    const buttons = sourceButtons(source, options.canManage);
    if (buttons.length > 0) blocks.push(actions(`home_source:${source.id}`, buttons));
  }
  if (dashboard.sources.length > MAX_SOURCES) {
    blocks.push(context([`…and ${dashboard.sources.length - MAX_SOURCES} more: see \`/pulse sources\`.`]));
  }
  const general = [button({ text: 'Refresh', actionId: ACTIONS.homeRefresh })];
  if (options.canManage)
    general.unshift(button({ text: 'Add GitLab source', actionId: ACTIONS.sourceAdd, style: 'primary' }));
  blocks.push(actions('home_general', general));
  blocks.push(divider());

  blocks.push(header(`Teammates mapped (${dashboard.teammates.length})`));
  if (dashboard.teammates.length === 0) {
    blocks.push(section('Nobody is mapped yet: `/pulse map @user <gitlab-username> [source]`.'));
  }
  for (const teammate of dashboard.teammates.slice(0, MAX_TEAMMATES)) {
    const block: KnownBlock = {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `<@${teammate.slackUserId}> — ${identitiesText(teammate)}`.slice(0, 3000),
      },
    };
    if (options.canManage)
      block.accessory = button({ text: 'Edit', actionId: ACTIONS.teammateEdit, value: teammate.slackUserId });
    blocks.push(block);
  }
  if (dashboard.teammates.length > MAX_TEAMMATES) {
    blocks.push(
      context([`…and ${dashboard.teammates.length - MAX_TEAMMATES} more: see \`/pulse teammates\`.`]),
    );
  }
  if (options.canManage) blocks.push(mappingButtons('home_teammates'));
  blocks.push(divider());

  blocks.push(header('Daily digests'));
  blocks.push(
    section(
      dashboard.digests.length === 0
        ? 'No digest yet: `/pulse digest set #channel HH:MM [timezone]`.'
        : dashboard.digests
            .map(
              (digest) =>
                `• <#${digest.channelId}> at ${digest.localTime} ${escapeMrkdwn(digest.timezone)} on ${weekdaysLabel(digest.weekdays)}${
                  digest.enabled ? '' : ' (off)'
                }${digest.lastError ? ` — :warning: ${escapeMrkdwn(digest.lastError)}` : ''}`,
            )
            .join('\n'),
    ),
  );

  const last = dashboard.lastSync;
  blocks.push(
    context([
      last
        ? `Last sync: ${last.sourceName ? `\`${escapeMrkdwn(last.sourceName)}\` ` : ''}${last.status}, ${formatAgo(last.finishedAt ?? last.startedAt, options.now)}${
            last.error ? ` — ${escapeMrkdwn(last.error)}` : ''
          }`
        : 'No sync has run yet.',
    ]),
  );
  return homeView(blocks);
}

function mineLabel(dashboard: Dashboard): string {
  return dashboard.mine.status === 'ok' ? escapeMrkdwn(dashboard.mine.window.label) : 'this week';
}

function mineText(dashboard: Dashboard, slackUserId: string): string {
  const mine = dashboard.mine;
  if (mine.status !== 'ok') {
    return `You are not mapped to a GitLab user yet. A workspace admin can run \`/pulse map <@${slackUserId}> <gitlab-username>\`.`;
  }
  if (mine.summary.total === 0) return 'Nothing stored yet this week.';
  return `${workSummaryLine(mine.summary)}\nDetails: \`/pulse activity <@${slackUserId}> 7d\``;
}

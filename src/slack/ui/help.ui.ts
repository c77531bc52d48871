import type { SlackMessage } from './blocks.ts';
import { context, header, section } from './blocks.ts';

const COMMANDS: Array<[string, string]> = [
  ['`/pulse help`', 'this list'],
  ['`/pulse sources`', 'GitLab data sources and their health'],
  ['`/pulse source add`', 'add a GitLab source (opens a form)'],
  ['`/pulse source edit <name>`', 'change a source; leave the token empty to keep it'],
  ['`/pulse source test <name>`', 'test a source’s connection and token'],
  ['`/pulse source remove <name>`', 'remove a source and its stored activity'],
  [
    '`/pulse teammates`',
    'who is mapped to which GitLab user; admins also get Add teammate and Suggest mappings there',
  ],
  ['`/pulse map @user <gitlab-username> [source]`', 'map a teammate to a GitLab username'],
  ['`/pulse unmap @user [source]`', 'remove a mapping'],
  [
    '`/pulse fetch [source] [since]`',
    'sync GitLab activity now, admins (since: 7d, 30d or YYYY-MM-DD); everyone is synced every 15 minutes anyway',
  ],
  [
    '`/pulse activity [@user] [gitlab] [today|yesterday|7d|30d|YYYY-MM-DD|YYYY-MM-DD..YYYY-MM-DD]`',
    'what someone did, from stored activity: yourself unless you name someone, the last 7 days unless you give a range (`gitlab`, or a source’s name, narrows it to one source)',
  ],
  [
    '`/pulse digest set #channel HH:MM [timezone]`',
    'post a daily digest to a channel on weekdays, covering the previous working day (zone: yours unless given, as an IANA name such as `Europe/Berlin`)',
  ],
  ['`/pulse digest off #channel`', 'stop a channel’s digest'],
  ['`/pulse digest preview [#channel]`', 'see today’s digest exactly as it would be posted, only you'],
  ['`/pulse digest send [#channel]`', 'post today’s digest now (it counts as today’s scheduled one)'],
  ['`/pulse digest`', 'which channels get a digest'],
  ['`/pulse admins`', 'who can change sources, mappings and digests'],
];

/** The command list; `intro` explains why it is shown (unknown input, or a plain `help`). */
export function presentHelp(intro?: string): SlackMessage {
  const lines = COMMANDS.map(([command, what]) => `${command} — ${what}`);
  return {
    text: `${intro ? `${intro} ` : ''}ActivityPulse commands: ${COMMANDS.map(([command]) => command.replaceAll('`', '')).join(', ')}`,
    blocks: [
      header('ActivityPulse'),
      ...(intro ? [section(intro)] : []),
      section(lines.join('\n')),
      context([
        'Sources, mappings and digests can be changed by workspace admins (`/pulse admins` names them). Review time figures are estimates: pickup is from review request to first comment or approval; effort groups a reviewer’s comments into sessions (gaps of 30 minutes or less).',
      ]),
    ],
  };
}

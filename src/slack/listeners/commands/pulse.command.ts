import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { redactSecrets } from '../../../lib/redact.ts';
import { tokenize } from '../../command-text.ts';
import type { SlackDeps } from '../../deps.ts';
import { userMessageOf } from '../../error-message.ts';
import { logAnsweredFailure } from '../../log-failure.ts';
import { presentHelp } from '../../ui/help.ui.ts';
import { activityCommand } from './activity.command.ts';
import { adminsCommand } from './admins.command.ts';
import { type CommandHandler, commandContext } from './command-context.ts';
import { didYouMeanText } from './did-you-mean.ts';
import { digestListCommand } from './digest-list.command.ts';
import { digestOffCommand } from './digest-off.command.ts';
import { digestPreviewCommand } from './digest-preview.command.ts';
import { digestSendCommand } from './digest-send.command.ts';
import { digestSetCommand } from './digest-set.command.ts';
import { fetchCommand } from './fetch.command.ts';
import { helpCommand } from './help.command.ts';
import { mapCommand } from './map.command.ts';
import { sourceAddCommand } from './source-add.command.ts';
import { sourceEditCommand } from './source-edit.command.ts';
import { sourceRemoveCommand } from './source-remove.command.ts';
import { sourceTestCommand } from './source-test.command.ts';
import { sourcesCommand } from './sources.command.ts';
import { teammatesCommand } from './teammates.command.ts';
import { unmapCommand } from './unmap.command.ts';

/**
 * `/pulse` subcommands, by their words. Two-word commands (`source add`) are matched before
 * one-word ones; anything unknown answers with the nearest command (did you mean …?), else help.
 */
export const PULSE_SUBCOMMANDS: Record<string, CommandHandler> = {
  help: helpCommand,
  sources: sourcesCommand,
  'source add': sourceAddCommand,
  'source edit': sourceEditCommand,
  'source test': sourceTestCommand,
  'source remove': sourceRemoveCommand,
  teammates: teammatesCommand,
  map: mapCommand,
  unmap: unmapCommand,
  fetch: fetchCommand,
  activity: activityCommand,
  digest: digestListCommand,
  'digest set': digestSetCommand,
  'digest off': digestOffCommand,
  'digest preview': digestPreviewCommand,
  'digest send': digestSendCommand,
  admins: adminsCommand,
};

export function resolveSubcommand(
  text: string,
  table: Record<string, CommandHandler> = PULSE_SUBCOMMANDS,
): { name: string; handler: CommandHandler; rest: string[] } | undefined {
  const words = tokenize(text);
  const first = words[0]?.toLowerCase();
  const second = words[1]?.toLowerCase();
  if (first && second && table[`${first} ${second}`]) {
    return { name: `${first} ${second}`, handler: table[`${first} ${second}`]!, rest: words.slice(2) };
  }
  // `digest sett …` is a typo of `digest set`, not `digest` (which takes no words).
  const isGroup = Object.keys(table).some((name) => name.startsWith(`${first} `));
  if (first && table[first] && !(isGroup && second !== undefined)) {
    return { name: first, handler: table[first]!, rest: words.slice(1) };
  }
  return undefined;
}

export function pulseCommand(deps: SlackDeps) {
  return async (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const text = args.command.text ?? '';
    const match = resolveSubcommand(text);
    if (!match) {
      deps.metrics.slackCommands.inc({ subcommand: 'unknown' });
      // Echoed only to the person who typed it, and even then never a token pasted by mistake.
      const typed = redactSecrets(text);
      const suggestion = didYouMeanText(typed, tokenize(typed), Object.keys(PULSE_SUBCOMMANDS));
      if (suggestion) {
        await args.ack({ response_type: 'ephemeral', text: suggestion });
        return;
      }
      const intro =
        text.trim() === ''
          ? undefined
          : `I don’t know \`${tokenize(typed).slice(0, 2).join(' ').slice(0, 80)}\`. Here is what I can do:`;
      await args.ack({ response_type: 'ephemeral', ...presentHelp(intro) });
      return;
    }
    deps.metrics.slackCommands.inc({ subcommand: match.name });
    let acked = false;
    const ack: typeof args.ack = async (response) => {
      acked = true;
      await args.ack(response);
    };
    const ctx = commandContext({ ...args, ack }, match.rest, deps);
    try {
      await match.handler(ctx);
      if (!acked) await ack();
    } catch (error) {
      logAnsweredFailure(deps.logger, error, { subcommand: match.name }, 'command failed');
      const message = userMessageOf(error);
      if (!acked) await ack({ response_type: 'ephemeral', text: message });
      else await args.respond({ response_type: 'ephemeral', text: message }).catch(() => undefined);
    }
  };
}

export function register(app: App, deps: SlackDeps): void {
  app.command('/pulse', pulseCommand(deps));
}

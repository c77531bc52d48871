import type { AllMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { tokenize } from '../../command-text.ts';
import type { SlackDeps } from '../../deps.ts';
import { userMessageOf } from '../../error-message.ts';
import { presentHelp } from '../../ui/help.ui.ts';
import { activityCommand } from './activity.command.ts';
import { type CommandHandler, commandContext } from './command-context.ts';
import {
  digestListCommand,
  digestOffCommand,
  digestPreviewCommand,
  digestSendCommand,
  digestSetCommand,
} from './digest.command.ts';
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
 * one-word ones; anything unknown answers with help.
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
  if (first && table[first]) return { name: first, handler: table[first]!, rest: words.slice(1) };
  return undefined;
}

export function pulseCommand(deps: SlackDeps) {
  return async (args: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const text = args.command.text ?? '';
    const match = resolveSubcommand(text);
    if (!match) {
      deps.metrics.slackCommands.inc({ subcommand: 'unknown' });
      const intro =
        text.trim() === '' ? undefined : `I don’t know \`${tokenize(text)[0]}\`. Here is what I can do:`;
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
      deps.logger.error({ err: error, subcommand: match.name }, 'command failed');
      const message = userMessageOf(error);
      if (!acked) await ack({ response_type: 'ephemeral', text: message });
      else await args.respond({ response_type: 'ephemeral', text: message }).catch(() => undefined);
    }
  };
}

export function register(app: App, deps: SlackDeps): void {
  app.command('/pulse', pulseCommand(deps));
}

import type { AllMiddlewareArgs, RespondFn, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../../deps.ts';
import { type Asker, MANAGER_ONLY, whoIsAsking } from '../../permissions.ts';

/** What one `/pulse` subcommand handler gets: already tokenized, not yet acknowledged. */
export interface CommandContext {
  /** Words after the subcommand, e.g. for `/pulse source test prod` → `['prod']`. */
  args: string[];
  teamId: string;
  userId: string;
  channelId: string;
  triggerId: string;
  /** Acknowledge within 3 s: with a message (ephemeral) or empty when a reply follows. */
  ack: SlackCommandMiddlewareArgs['ack'];
  respond: RespondFn;
  client: WebClient;
  deps: SlackDeps;
}

export type CommandHandler = (ctx: CommandContext) => Promise<void>;

export function commandContext(
  args: SlackCommandMiddlewareArgs & AllMiddlewareArgs,
  rest: string[],
  deps: SlackDeps,
): CommandContext {
  return {
    args: rest,
    teamId: args.command.team_id,
    userId: args.command.user_id,
    channelId: args.command.channel_id,
    triggerId: args.command.trigger_id,
    ack: args.ack,
    respond: args.respond,
    client: args.client,
    deps,
  };
}

/**
 * For commands that change sources, mappings or digests, after `ack()`: the asker when they may,
 * else undefined once they have been told who can (ephemeral).
 */
export async function managerAsking(ctx: CommandContext): Promise<Asker | undefined> {
  const asker = await whoIsAsking(ctx.deps, ctx.client, ctx.teamId, ctx.userId);
  if (asker.canManage) return asker;
  await ctx.respond({ response_type: 'ephemeral', text: MANAGER_ONLY });
  return undefined;
}

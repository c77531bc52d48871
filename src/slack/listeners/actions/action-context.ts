import type { AllMiddlewareArgs, BlockAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { SlackDeps } from '../../deps.ts';
import { userMessageOf } from '../../error-message.ts';
import { logAnsweredFailure } from '../../log-failure.ts';
import { type Asker, MANAGER_ONLY, whoIsAsking } from '../../permissions.ts';

/** The part of a block_actions payload the listeners read, validated. */
const payloadSchema = z.object({
  team: z.object({ id: z.string() }).nullish(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  trigger_id: z.string(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().max(2000).optional() })).min(1),
  view: z.object({ type: z.string() }).nullish(),
  response_url: z.string().optional(),
});

export interface ActionContext {
  teamId: string;
  userId: string;
  /** The button's value: a row id or a Slack user id, never anything secret. */
  value: string | undefined;
  triggerId: string;
  /** Clicked on the App Home (no response_url there: answer by republishing or by DM). */
  fromHome: boolean;
  /** Present when the button sits in a message. */
  respond: RespondFn | undefined;
  client: WebClient;
  deps: SlackDeps;
}

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export function actionContext(args: ActionArgs, deps: SlackDeps): ActionContext {
  const body = payloadSchema.parse(args.body);
  const teamId = body.team?.id ?? body.user.team_id;
  if (!teamId) throw new Error('block_actions payload without a team id');
  return {
    teamId,
    userId: body.user.id,
    value: body.actions[0]!.value,
    triggerId: body.trigger_id,
    fromHome: body.view?.type === 'home',
    respond: body.response_url ? args.respond : undefined,
    client: args.client,
    deps,
  };
}

/** Runs a button's work after ack; failures are logged and, where possible, told to the user. */
export function buttonListener(
  deps: SlackDeps,
  name: string,
  work: (ctx: ActionContext) => Promise<void>,
): (args: ActionArgs) => Promise<void> {
  return async (args) => {
    await args.ack();
    let ctx: ActionContext | undefined;
    try {
      ctx = actionContext(args, deps);
      await work(ctx);
    } catch (error) {
      logAnsweredFailure(deps.logger, error, { action: name }, 'button failed');
      const text = userMessageOf(error);
      if (ctx?.respond) {
        await ctx
          .respond({ response_type: 'ephemeral', replace_original: false, text })
          .catch(() => undefined);
      } else if (ctx) {
        await ctx.client.chat.postMessage({ channel: ctx.userId, text }).catch(() => undefined);
      }
    }
  };
}

/**
 * For buttons that change settings or use a stored token: the asker when they may, else undefined
 * once they have been told who can — under the message, or by DM from the App Home.
 */
export async function managerClicking(ctx: ActionContext): Promise<Asker | undefined> {
  const asker = await whoIsAsking(ctx.deps, ctx.client, ctx.teamId, ctx.userId);
  if (asker.canManage) return asker;
  if (ctx.respond) {
    await ctx.respond({ response_type: 'ephemeral', replace_original: false, text: MANAGER_ONLY });
  } else {
    // https://docs.slack.dev/reference/methods/chat.postMessage (a user id opens the DM)
    await ctx.client.chat.postMessage({ channel: ctx.userId, text: MANAGER_ONLY });
  }
  return undefined;
}

import { isUnknownSlackUser } from '../../slack-api-errors.ts';
import { resolveUserArgument, type SlackUser } from '../../slack-users.ts';
import { type CommandContext, managerAsking } from './command-context.ts';

/**
 * What `map` and `unmap` both do first, after `ack()`: only admins go on, and the `@user` typed must
 * be a person Slack knows. Either answers the asker itself (with `usage`) and gives undefined.
 */
export async function mappingTarget(
  ctx: CommandContext,
  who: string,
  usage: string,
): Promise<{ userId: string; user: () => Promise<SlackUser | undefined> } | undefined> {
  if (!(await managerAsking(ctx))) return undefined;
  const person = await resolveUserArgument(() => ctx.deps.users.members(ctx.client, ctx.teamId), who);
  if (!person.ok) {
    await ctx.respond({ response_type: 'ephemeral', text: `${person.message} ${usage}` });
    return undefined;
  }
  return {
    userId: person.userId,
    /** The person's profile; undefined (and the asker told) when Slack does not know them. */
    user: async () => {
      try {
        // https://docs.slack.dev/reference/methods/users.info — `user_not_found` is a person, not a failure.
        return await ctx.deps.users.user(ctx.client, ctx.teamId, person.userId);
      } catch (error) {
        if (!isUnknownSlackUser(error)) throw error;
        ctx.deps.logger.info({ teamId: ctx.teamId, code: 'SLACK_USER_NOT_FOUND' }, 'Slack user not found');
        await ctx.respond({
          response_type: 'ephemeral',
          text: `Slack could not find the user you named: they may have left this workspace or belong to another one. Pick them from Slack’s @ suggestions. ${usage}`,
        });
        return undefined;
      }
    },
  };
}

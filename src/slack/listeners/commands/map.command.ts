import { isUnknownSlackUser } from '../../slack-api-errors.ts';
import { resolveUserArgument, type SlackUser } from '../../slack-users.ts';
import { presentMapped } from '../../ui/teammates.ui.ts';
import { type CommandContext, managerAsking } from './command-context.ts';

const USAGE = 'Use `/pulse map @user <gitlab-username> [source]`, e.g. `/pulse map @alice alice.smith`.';

/** `/pulse map @user <gitlab-username> [source]`: checked against that GitLab before it is saved. */
export async function mapCommand(ctx: CommandContext): Promise<void> {
  const [who, username, sourceName, ...extra] = ctx.args;
  if (!who || !username || extra.length > 0) {
    await ctx.ack({ response_type: 'ephemeral', text: USAGE });
    return;
  }
  await ctx.ack();
  if (!(await managerAsking(ctx))) return;
  const person = await resolveUserArgument(() => ctx.deps.users.members(ctx.client, ctx.teamId), who);
  if (!person.ok) {
    await ctx.respond({ response_type: 'ephemeral', text: `${person.message} ${USAGE}` });
    return;
  }
  let slackUser: SlackUser;
  try {
    // https://docs.slack.dev/reference/methods/users.info — `user_not_found` is a person, not a failure.
    slackUser = await ctx.deps.users.user(ctx.client, ctx.teamId, person.userId);
  } catch (error) {
    if (!isUnknownSlackUser(error)) throw error;
    ctx.deps.logger.info({ teamId: ctx.teamId, code: 'SLACK_USER_NOT_FOUND' }, 'map: Slack user not found');
    await ctx.respond({
      response_type: 'ephemeral',
      text: `Slack could not find the user you named: they may have left this workspace or belong to another one. Pick them from Slack’s @ suggestions. ${USAGE}`,
    });
    return;
  }
  const result = await ctx.deps.services.teammates.map({
    teamId: ctx.teamId,
    person: { slackUserId: person.userId, displayName: slackUser.displayName, timezone: slackUser.timezone },
    username,
    ...(sourceName ? { sourceName } : {}),
  });
  await ctx.respond({ response_type: 'ephemeral', ...presentMapped(result) });
}

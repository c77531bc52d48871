import { looksLikeRange, parseActivityRange } from '../../../modules/activity/activity-range.ts';
import { whoIsAsking } from '../../permissions.ts';
import { resolveUserArgument } from '../../slack-users.ts';
import { presentActivity } from '../../ui/activity.ui.ts';
import type { CommandContext } from './command-context.ts';

const USAGE =
  'Use `/pulse activity [@user] [gitlab] [today|yesterday|7d|30d|YYYY-MM-DD|YYYY-MM-DD..YYYY-MM-DD]` (yourself and the last 7 days unless you say otherwise).';

/**
 * `/pulse activity [@user] [source] [range]`: from stored activities, in the asking user's zone.
 * Without a person it is the asker's own activity; without a range, the last 7 days.
 */
export async function activityCommand(ctx: CommandContext): Promise<void> {
  await ctx.ack();
  const args = [...ctx.args];
  const first = args[0];
  const namesPerson = first !== undefined && (first.startsWith('<@') || first.startsWith('@'));
  const person = namesPerson
    ? await resolveUserArgument(() => ctx.deps.users.members(ctx.client, ctx.teamId), args.shift())
    : { ok: true as const, userId: ctx.userId };
  if (!person.ok) {
    await ctx.respond({ response_type: 'ephemeral', text: `${person.message} ${USAGE}` });
    return;
  }
  const ranges = args.filter(looksLikeRange);
  const others = args.filter((word) => !looksLikeRange(word));
  if (ranges.length > 1 || others.length > 1) {
    await ctx.respond({
      response_type: 'ephemeral',
      text: `Give at most one source and one range. ${USAGE}`,
    });
    return;
  }
  const asker = await whoIsAsking(ctx.deps, ctx.client, ctx.teamId, ctx.userId);
  const now = ctx.deps.now();
  const range = parseActivityRange(ranges[0], { now, timeZone: asker.timeZone });
  if (!range.ok) {
    await ctx.respond({ response_type: 'ephemeral', text: `${range.message} ${USAGE}` });
    return;
  }
  const answer = await ctx.deps.services.activity.query({
    teamId: ctx.teamId,
    slackUserId: person.userId,
    window: range.window,
    ...(others[0] ? { source: others[0] } : {}),
  });
  await ctx.respond({
    response_type: 'ephemeral',
    ...presentActivity(answer, {
      now,
      timeZone: asker.timeZone,
      ...(others[0] ? { source: others[0] } : {}),
    }),
  });
}

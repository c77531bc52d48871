import { looksLikeRange, parseSince } from '../../../modules/activity/activity-range.ts';
import { runFetch } from '../../flows/fetch.flow.ts';
import { responseUrlSink } from '../../flows/message-sink.ts';
import { whoIsAsking } from '../../permissions.ts';
import type { CommandContext } from './command-context.ts';

const USAGE = 'Use `/pulse fetch [source] [since]`, since as `7d`, `30d` or `YYYY-MM-DD`.';

/**
 * `/pulse fetch [source] [since]`: acks at once; the sync runs in the background and reports in
 * one ephemeral message, updated in place, then a summary.
 */
export async function fetchCommand(ctx: CommandContext): Promise<void> {
  const { deps } = ctx;
  const sinceWords = ctx.args.filter(looksLikeRange);
  const names = ctx.args.filter((word) => !looksLikeRange(word));
  if (sinceWords.length > 1 || names.length > 1) {
    await ctx.ack({ response_type: 'ephemeral', text: USAGE });
    return;
  }
  await ctx.ack();
  const asker = await whoIsAsking(deps, ctx.client, ctx.teamId, ctx.userId);
  let since: Date | undefined;
  if (sinceWords[0]) {
    const parsed = parseSince(sinceWords[0], { now: deps.now(), timeZone: asker.timeZone });
    if (!parsed.ok) {
      await ctx.respond({ response_type: 'ephemeral', text: `${parsed.message} ${USAGE}` });
      return;
    }
    since = parsed.since;
  }
  const source = names[0] ? await deps.services.sources.get(ctx.teamId, { name: names[0] }) : undefined;
  const sink = responseUrlSink(ctx.respond);
  deps.background.run('fetch', () =>
    runFetch({
      engine: deps.services.sync,
      request: {
        workspaceId: ctx.teamId,
        trigger: 'command',
        requestedBy: ctx.userId,
        ...(source ? { dataSourceId: source.id } : {}),
        ...(since ? { since } : {}),
      },
      sourceName: source?.name,
      timeZone: asker.timeZone,
      showDetails: asker.canManage,
      sink,
      logger: deps.logger,
    }),
  );
}

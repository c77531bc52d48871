import { looksLikeRange, parseSince } from '../../../modules/activity/activity-range.ts';
import { runFetch } from '../../flows/fetch.flow.ts';
import { commandFetchSink } from '../../flows/message-sink.ts';
import { whoIsAsking } from '../../permissions.ts';
import { presentFetchBusy, presentFetchPointer } from '../../ui/fetch.ui.ts';
import { type CommandContext, managerAsking } from './command-context.ts';

const USAGE = 'Use `/pulse fetch [source] [since]`, since as `7d`, `30d` or `YYYY-MM-DD`.';

/**
 * `/pulse fetch [source] [since]`: acks at once; the sync runs in the background and reports in
 * one direct message updated in place (progress, then the summary), which the command's reply
 * points to (see commandFetchSink for why not the response_url).
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
  // A fetch makes the app call GitLab with the stored tokens: admins only, like source test.
  if (!(await managerAsking(ctx))) return;
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
  if (await deps.services.sync.isRunning(ctx.teamId, source?.id)) {
    await ctx.respond({ response_type: 'ephemeral', ...presentFetchBusy(source?.name) });
    return;
  }
  const sink = commandFetchSink({
    client: ctx.client,
    userId: ctx.userId,
    respond: ctx.respond,
    logger: deps.logger,
    pointer: presentFetchPointer(source?.name),
  });
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

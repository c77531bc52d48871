import { z } from 'zod';
import type { SlackDeps } from '../../deps.ts';
import { presentActivity } from '../../ui/activity.ui.ts';
import type { ActionArgs } from './action-context.ts';

const payloadSchema = z.object({
  team: z.object({ id: z.string() }).nullish(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  actions: z.array(z.object({ value: z.string().max(2000) })).min(1),
  response_url: z.string(),
});

/** The button's value (ActivityPageRef), checked: it comes back from the client. */
const pageSchema = z.object({
  u: z.string().regex(/^[UW][A-Z0-9]+$/),
  s: z.number().int(),
  e: z.number().int(),
  l: z.string().max(200),
  z: z.string().max(64),
  src: z.string().max(80).optional(),
  f: z.number().int().min(0),
});

/**
 * "Show more" under a `/pulse activity` answer: the next page of the same question, as a new
 * ephemeral message under it (the earlier pages stay readable). The answer is read again from
 * stored activity, so it is as fresh as the data.
 */
export function activityMoreAction(deps: SlackDeps) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const body = payloadSchema.safeParse(args.body);
    const page = body.success ? pageSchema.safeParse(safeJson(body.data.actions[0]!.value)) : undefined;
    if (!body.success || !page?.success) {
      deps.logger.info({ action: 'activity_more' }, 'Show more with an unreadable value ignored');
      return;
    }
    const teamId = body.data.team?.id ?? body.data.user.team_id ?? '';
    const ref = page.data;
    const window = { start: new Date(ref.s), end: new Date(ref.e), label: ref.l, timeZone: ref.z };
    try {
      const answer = await deps.services.activity.query({
        teamId,
        slackUserId: ref.u,
        window,
        ...(ref.src ? { source: ref.src } : {}),
      });
      await args.respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...presentActivity(answer, {
          now: deps.now(),
          timeZone: ref.z,
          ...(ref.src ? { source: ref.src } : {}),
          from: ref.f,
        }),
      });
    } catch (error) {
      deps.logger.error({ err: error, action: 'activity_more' }, 'Show more failed');
      await args
        .respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: 'Something went wrong on our side; the details are in the ActivityPulse logs. Ask again with `/pulse activity`.',
        })
        .catch(() => undefined);
    }
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

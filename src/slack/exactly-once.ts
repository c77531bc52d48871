import type { IncomingMessage } from 'node:http';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../lib/logger.ts';

/** The request headers a replay is recognised by, put into Bolt's context by the HTTP receiver. */
export interface SignedRequestProperties {
  slackSignature?: string;
  slackRequestTimestamp?: string;
}

/**
 * For Bolt's HTTPReceiver (`customPropertiesExtractor`): a signed request replayed by a proxy or a
 * client repeats its signature and timestamp; Bolt has already refused it past Slack's 5 minutes.
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export function signedRequestProperties(request: IncomingMessage): SignedRequestProperties {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const signature = header('x-slack-signature');
  const timestamp = header('x-slack-request-timestamp');
  return {
    ...(signature ? { slackSignature: signature } : {}),
    ...(timestamp ? { slackRequestTimestamp: timestamp } : {}),
  };
}

/**
 * What identifies one delivery of a request, the same in every retry or replay of it:
 * - an Events API callback: its `event_id` (Slack retries it with `X-Slack-Retry-Num`, re-signed);
 * - anything else over HTTP: its signature and timestamp (a byte-for-byte replay);
 * - Socket Mode (no signature): the `trigger_id` Slack mints for each command, click or submission.
 * Undefined for what has no effect (e.g. a select's options request).
 * https://docs.slack.dev/apis/events-api/#retries
 */
export function requestIdentity(
  body: Record<string, unknown>,
  context: SignedRequestProperties,
): string | undefined {
  // Options are asked for at every keystroke and change nothing: not worth a database write each.
  if (body['type'] === 'block_suggestion') return undefined;
  if (body['type'] === 'event_callback' && typeof body['event_id'] === 'string')
    return `event:${body['event_id']}`;
  if (context.slackSignature && context.slackRequestTimestamp)
    return `signed:${context.slackRequestTimestamp}:${context.slackSignature}`;
  if (typeof body['trigger_id'] === 'string') return `trigger:${body['trigger_id']}`;
  return undefined;
}

export interface SeenRequests {
  firstSighting(key: string, teamId: string | undefined): Promise<boolean>;
}

/**
 * Global middleware: a request seen before is acknowledged (Slack stops retrying, the user sees no
 * error) and goes no further, on whichever replica it lands. If the record cannot be written (the
 * database is down) the request goes on: its own listener answers that the database is unavailable.
 */
export function exactlyOnce(seen: SeenRequests, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const context = args.context as SignedRequestProperties & { teamId?: string; retryNum?: number };
    const key = requestIdentity(body, context);
    if (key) {
      let first = true;
      try {
        first = await seen.firstSighting(key, context.teamId);
      } catch (error) {
        logger.warn({ err: error }, 'could not record a Slack request as seen; handling it anyway');
      }
      if (!first) {
        logger.info(
          { teamId: context.teamId, retryNum: context.retryNum, kind: key.split(':')[0] },
          'Slack request already handled; acknowledged and skipped',
        );
        if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
        return;
      }
    }
    await args.next();
  };
}

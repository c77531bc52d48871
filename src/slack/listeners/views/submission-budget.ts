import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SlackDeps } from '../../deps.ts';
import { userMessageOf } from '../../error-message.ts';
import { DEFAULT_ACK_BUDGET_MS, type Raced, withinBudget } from '../../flows/within-budget.ts';
import { logAnsweredFailure } from '../../log-failure.ts';
import { presentNoticeModal } from '../../ui/source-form.ui.ts';

type SubmissionAck = SlackViewMiddlewareArgs<ViewSubmitAction>['ack'];

/**
 * A form's work raced against Slack's 3 s. Work that fails within the budget has been answered
 * already (the form becomes a notice titled `title`: a coded error's own message, else a pointer
 * to the logs) and gives undefined; otherwise the caller answers with the result or, when late,
 * with a "working on it" view.
 */
export async function raceSubmission<T>(
  deps: SlackDeps,
  ack: SubmissionAck,
  work: Promise<T>,
  title: string,
): Promise<Raced<T> | undefined> {
  try {
    return await withinBudget(work, deps.ackBudgetMs ?? DEFAULT_ACK_BUDGET_MS);
  } catch (error) {
    logAnsweredFailure(deps.logger, error, {}, 'form submission failed');
    await ack({
      response_action: 'update',
      view: presentNoticeModal(title, userMessageOf(error)),
    });
    return undefined;
  }
}

/** Problems keyed by field or source, for `response_action: errors` (each shown under its block). */
export function errorsByBlock(
  errors: Record<string, string>,
  blockOf: (key: string) => string,
): Record<string, string> {
  // Slack refuses an error message longer than 2,000 characters.
  return Object.fromEntries(
    Object.entries(errors).map(([key, message]) => [blockOf(key), message.slice(0, 2000)]),
  );
}

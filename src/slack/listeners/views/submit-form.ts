import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { SlackDeps } from '../../deps.ts';
import { userMessageOf } from '../../error-message.ts';
import { errorsByBlock, raceSubmission } from './submission-budget.ts';

/**
 * The one way a modal form is submitted: the parsed input goes to a service (`work`), raced
 * against Slack's 3 s. In time, problems are shown under their fields (`response_action: errors`)
 * or the form becomes its final view. Late, the form becomes `waitingView` at once and is updated
 * when the work ends — with the problems at its head (`lateErrorsView`), as Slack shows inline
 * errors only on a submission's own answer. A failure is answered in words, never left hanging.
 */
export async function submitForm<T>(options: {
  deps: SlackDeps;
  ack: SlackViewMiddlewareArgs<ViewSubmitAction>['ack'];
  client: WebClient;
  viewId: string;
  /** Title of the notice a failure becomes, and the background task's name. */
  title: string;
  work: Promise<T>;
  /** Problems by field (or source) key, when the service refused the input. */
  errorsOf(outcome: T): Record<string, string> | undefined;
  blockOf(key: string): string;
  finalView(outcome: T): ModalView;
  waitingView: ModalView;
  lateErrorsView(errors: Record<string, string>): ModalView | Promise<ModalView>;
  lateFailureView(message: string): ModalView;
  /** Called once the work has ended, whichever way (e.g. to accept the next attempt). */
  settled?(): void;
}): Promise<void> {
  const { deps, ack } = options;
  const raced = await raceSubmission(deps, ack, options.work, options.title);
  if (!raced) {
    options.settled?.();
    return;
  }
  if (raced.done) {
    options.settled?.();
    const errors = options.errorsOf(raced.value);
    await ack(
      errors
        ? { response_action: 'errors', errors: errorsByBlock(errors, options.blockOf) }
        : { response_action: 'update', view: options.finalView(raced.value) },
    );
    return;
  }
  await ack({ response_action: 'update', view: options.waitingView });
  deps.background.run(options.title, async () => {
    let view: ModalView;
    try {
      const outcome = await raced.pending;
      const errors = options.errorsOf(outcome);
      view = errors ? await options.lateErrorsView(errors) : options.finalView(outcome);
    } catch (error) {
      deps.logger.error({ err: error }, `${options.title}: submission failed`);
      view = options.lateFailureView(userMessageOf(error));
    } finally {
      options.settled?.();
    }
    // https://docs.slack.dev/reference/methods/views.update
    await options.client.views.update({ view_id: options.viewId, view });
  });
}

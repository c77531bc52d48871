import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { z } from 'zod';
import type { FieldErrors, SaveOutcome, SourceField } from '../../../modules/sources/source.types.ts';
import type { SlackDeps } from '../../deps.ts';
import { SOURCE_FORM } from '../../ids.ts';
import { MANAGER_ONLY, whoIsAsking } from '../../permissions.ts';
import { escapeMrkdwn } from '../../ui/blocks.ts';
import {
  presentNoticeModal,
  presentSourceAlreadyAdded,
  presentSourceForm,
  presentSourceSaved,
  type SourceFormMetadata,
} from '../../ui/source-form.ui.ts';
import { submitForm } from './submit-form.ts';
import { submissionSchema, teamOf, textValue } from './view-state.ts';

const metadataSchema = z.object({
  mode: z.enum(['add', 'edit']),
  sourceId: z.string().uuid().optional(),
});

const FIELD_LABELS: Record<SourceField, string> = {
  name: 'Name',
  url: 'GitLab URL',
  token: 'API token',
  jiraUrl: 'Jira URL',
};

const BLOCK_BY_FIELD: Record<SourceField, string> = {
  name: SOURCE_FORM.name.block,
  url: SOURCE_FORM.url.block,
  token: SOURCE_FORM.token.block,
  jiraUrl: SOURCE_FORM.jiraUrl.block,
};

type Outcome = SaveOutcome | { ok: false; refused: true };

/**
 * Add/Edit GitLab source, submitted. The connection is tested before anything is saved; problems
 * come back on their field (`response_action: errors`). A test that outlasts Slack's 3 s is
 * answered with a "Testing…" update of the same form (Slack keeps what was typed, as block and
 * action ids stay the same) and finished with views.update.
 */
export function sourceFormSubmission(deps: SlackDeps) {
  const testing = new Set<string>();
  return async (args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs): Promise<void> => {
    const body = submissionSchema.parse(args.body);
    const teamId = teamOf(body);
    const userId = body.user.id;
    const viewId = body.view.id;
    const metadata = metadataSchema.safeParse(safeJson(body.view.private_metadata));
    if (!metadata.success || (metadata.data.mode === 'edit' && !metadata.data.sourceId)) {
      await args.ack({
        response_action: 'update',
        view: presentNoticeModal('Source', 'This form is out of date: open it again with `/pulse sources`.'),
      });
      return;
    }
    if (testing.has(viewId)) {
      await args.ack({
        response_action: 'errors',
        errors: { [SOURCE_FORM.url.block]: 'Still testing the previous attempt: wait for its result.' },
      });
      return;
    }
    const meta: SourceFormMetadata = metadata.data;
    const state = body.view.state.values;
    const input = {
      name: textValue(state, SOURCE_FORM.name),
      url: textValue(state, SOURCE_FORM.url),
      token: textValue(state, SOURCE_FORM.token),
      jiraUrl: textValue(state, SOURCE_FORM.jiraUrl),
    };
    const values = { name: input.name, baseUrl: input.url, jiraUrl: input.jiraUrl || null };

    const work = (async (): Promise<Outcome> => {
      const asker = await whoIsAsking(deps, args.client, teamId, userId);
      if (!asker.canManage) return { ok: false, refused: true };
      return meta.mode === 'add'
        ? deps.services.sources.add({ ...input, teamId, userId })
        : deps.services.sources.edit({ ...input, teamId, userId, sourceId: meta.sourceId! });
    })();
    testing.add(viewId);
    await submitForm({
      deps,
      ack: args.ack,
      client: args.client,
      viewId,
      title: 'Source',
      work,
      errorsOf: (outcome) => (!outcome.ok && 'errors' in outcome ? outcome.errors : undefined),
      blockOf: (field) => BLOCK_BY_FIELD[field as SourceField],
      finalView,
      waitingView: presentSourceForm({
        metadata: meta,
        values,
        notice: ':hourglass_flowing_sand: Testing the connection… this form updates when the test is done.',
      }),
      lateErrorsView: (errors) => presentSourceForm({ metadata: meta, values, notice: errorNotice(errors) }),
      lateFailureView: (message) => presentSourceForm({ metadata: meta, values, notice: `:x: ${message}` }),
      settled: () => testing.delete(viewId),
    });
  };
}

function finalView(outcome: Outcome): ModalView {
  if (outcome.ok) return presentSourceSaved(outcome);
  if ('duplicateOf' in outcome) return presentSourceAlreadyAdded(outcome.duplicateOf);
  return presentNoticeModal('Not allowed', MANAGER_ONLY);
}

/** After the slow path, errors cannot be inline: they head the form, naming the field. */
function errorNotice(errors: FieldErrors): string {
  const lines = Object.entries(errors).map(
    ([field, message]) => `:x: *${FIELD_LABELS[field as SourceField]}*: ${escapeMrkdwn(message)}`,
  );
  return `${lines.join('\n')}\nFix it and submit again${errors.token ? ' (paste the token again if it was cleared)' : ''}.`;
}

function safeJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

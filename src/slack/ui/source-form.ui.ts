import type { KnownBlock, ModalView } from '@slack/types';
import type { ConnectionSummary, SourceView } from '../../modules/sources/source.types.ts';
import { ACTIONS, SOURCE_FORM, VIEWS } from '../ids.ts';
import { context, escapeMrkdwn, section } from './blocks.ts';
import { connectionText } from './sources.ui.ts';
import { actions, button, modal, plain } from './views.ts';

/** The add/edit source modal and what it turns into. */

export interface SourceFormMetadata {
  mode: 'add' | 'edit';
  sourceId?: string;
}

/** The add/edit form. The token field is never filled in: Slack never sees a stored token. */
export function presentSourceForm(options: {
  metadata: SourceFormMetadata;
  values?: { name: string; baseUrl: string; jiraUrl: string | null };
  notice?: string;
}): ModalView {
  const editing = options.metadata.mode === 'edit';
  const blocks: KnownBlock[] = [];
  if (options.notice) blocks.push({ ...section(options.notice), block_id: 'source_notice' });
  blocks.push(
    input({
      ids: SOURCE_FORM.name,
      label: 'Name',
      placeholder: 'gitlab',
      hint: 'A short name for commands, e.g. `/pulse fetch gitlab`. Letters, digits, dots, dashes, underscores.',
      initial: options.values?.name,
      maxLength: 40,
    }),
    input({
      ids: SOURCE_FORM.url,
      label: 'GitLab URL',
      placeholder: 'https://gitlab.com',
      hint: 'https://gitlab.com or your instance, e.g. https://gitlab.example.com',
      initial: options.values?.baseUrl,
    }),
    input({
      ids: SOURCE_FORM.token,
      label: editing ? 'API token (leave empty to keep)' : 'API token',
      placeholder: 'glpat-…',
      hint: editing
        ? 'Leave empty to keep the stored token; it is never shown again. A new token needs the read_api scope (and read_user).'
        : 'A personal access token with the read_api scope (and read_user). It is stored encrypted and never shown again.',
      optional: editing,
    }),
    input({
      ids: SOURCE_FORM.jiraUrl,
      label: 'Jira URL',
      placeholder: 'https://acme.atlassian.net',
      hint: 'Optional: Jira keys in titles and branches (ABC-123) become links to this Jira.',
      initial: options.values?.jiraUrl ?? undefined,
      optional: true,
    }),
    context(['The connection is tested before anything is saved.']),
  );
  return modal({
    title: editing ? 'Edit GitLab source' : 'Add GitLab source',
    submit: editing ? 'Test and save' : 'Test and add',
    close: 'Cancel',
    callbackId: VIEWS.sourceForm,
    privateMetadata: JSON.stringify(options.metadata),
    blocks,
  });
}

function input(options: {
  ids: { block: string; action: string };
  label: string;
  placeholder?: string;
  hint?: string;
  initial?: string | undefined;
  optional?: boolean;
  maxLength?: number;
}): KnownBlock {
  return {
    type: 'input',
    block_id: options.ids.block,
    label: plain(options.label, 2000),
    optional: options.optional ?? false,
    element: {
      type: 'plain_text_input',
      action_id: options.ids.action,
      ...(options.placeholder ? { placeholder: plain(options.placeholder, 150) } : {}),
      ...(options.initial ? { initial_value: options.initial } : {}),
      ...(options.maxLength ? { max_length: options.maxLength } : {}),
    },
    ...(options.hint ? { hint: plain(options.hint, 2000) } : {}),
  };
}

export function presentSourceSaved(options: {
  source: SourceView;
  connection: ConnectionSummary;
  created: boolean;
  notes: string[];
}): ModalView {
  const name = escapeMrkdwn(options.source.name);
  return modal({
    title: options.created ? 'Source added' : 'Source saved',
    close: 'Done',
    blocks: [
      section(
        `:white_check_mark: *${name}* (${escapeMrkdwn(options.source.baseUrl)}) is ${options.created ? 'added' : 'saved'}.`,
      ),
      ...(options.notes.length > 0 ? [section(options.notes.map(escapeMrkdwn).join('\n'))] : []),
      section(connectionText(options.connection)),
      context([
        `Next: map teammates with \`/pulse map @user <gitlab-username> ${options.source.name}\`, then \`/pulse fetch ${options.source.name}\`.`,
      ]),
    ],
  });
}

/**
 * Adding a GitLab that is already a source: one source per GitLab, so the answer offers to put the
 * new token on the existing one (its edit form, in this same modal) instead of adding a second.
 */
export function presentSourceAlreadyAdded(existing: SourceView): ModalView {
  const name = escapeMrkdwn(existing.name);
  return modal({
    title: 'Already added',
    close: 'Close',
    blocks: [
      section(
        `${escapeMrkdwn(existing.baseUrl)} is already the source *${name}*: each GitLab is added once, so its mappings and activity stay in one place.\nTo use a new token for it, update *${name}*’s token.`,
      ),
      actions('source_already_added', [
        button({
          text: `Update ${existing.name}’s token`.slice(0, 75),
          actionId: ACTIONS.sourceUpdateToken,
          value: existing.id,
          style: 'primary',
        }),
      ]),
    ],
  });
}

/** A modal that only says something (loading, refused, not found). */
export function presentNoticeModal(title: string, text: string): ModalView {
  return modal({ title, close: 'Close', blocks: [section(text)] });
}

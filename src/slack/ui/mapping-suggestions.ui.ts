import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type {
  ConfirmedMapping,
  MappingProposal,
  SuggestionReport,
} from '../../modules/teammates/teammate.types.ts';
import { SUGGESTIONS, VIEWS } from '../ids.ts';
import { context, escapeMrkdwn, section } from './blocks.ts';
import { plural } from './format.ts';
import { modal, plain, VIEW_LIMITS } from './views.ts';

/** Slack allows 10 options in one checkboxes element. */
export const OPTIONS_PER_CHECKBOXES = 10;
/**
 * Proposals shown at once: 10 checkbox groups, well inside a modal's 100 blocks whatever the
 * number of sources. The rest come with the next "Suggest mappings", once these are mapped.
 */
export const MAX_PROPOSALS_SHOWN = 100;
/** An option value holds 150 characters: source id, Slack user id and username must fit. */
const OPTION_VALUE_MAX = 150;
const SEPARATOR = '|';

const REASONS: Record<MappingProposal['reason'], string> = {
  email: 'Same e-mail on Slack and GitLab',
  name: 'Same name on Slack and GitLab',
};

/** What a ticked checkbox carries: everything the confirmation needs, nothing secret. */
export function proposalValue(proposal: Pick<ConfirmedMapping, 'sourceId' | 'slackUserId' | 'username'>) {
  return [proposal.sourceId, proposal.slackUserId, proposal.username].join(SEPARATOR);
}

export function parseProposalValue(value: string): Omit<ConfirmedMapping, 'key'> | undefined {
  const [sourceId, slackUserId, username, ...rest] = value.split(SEPARATOR);
  if (!sourceId || !slackUserId || !username || rest.length > 0) return undefined;
  return { sourceId, slackUserId, username };
}

function proposalOption(proposal: MappingProposal): PlainTextOption {
  return {
    text: plain(
      `${proposal.displayName} → @${proposal.username} (${proposal.gitlabName})`,
      VIEW_LIMITS.optionText,
    ),
    description: plain(REASONS[proposal.reason], VIEW_LIMITS.optionText),
    value: proposalValue(proposal),
  };
}

/**
 * The proposals, grouped by source in checkbox groups of 10, e-mail matches ticked: the admin
 * confirms the ticked ones in one submission. With nothing to propose, a notice says why.
 */
export function presentSuggestions(report: SuggestionReport): ModalView {
  const fitting = report.proposals.filter((proposal) => proposalValue(proposal).length <= OPTION_VALUE_MAX);
  const shown = fitting.slice(0, MAX_PROPOSALS_SHOWN);
  const notes = reportNotes(report, fitting.length - shown.length);
  if (shown.length === 0) {
    return modal({
      title: 'Suggested mappings',
      close: 'Close',
      blocks: [
        section('No new matches: everyone with the same e-mail or name on GitLab is mapped already.'),
        ...(notes.length > 0 ? [context(notes)] : []),
      ],
    });
  }
  const blocks: KnownBlock[] = [
    section(
      `${plural(shown.length, 'proposal')}. Tick the ones that are right and press *Map ticked*; e-mail matches are ticked already.`,
    ),
  ];
  let group = 0;
  for (const [sourceName, proposals] of Map.groupBy(shown, (proposal) => proposal.sourceName)) {
    blocks.push(section(`*${escapeMrkdwn(sourceName)}*`));
    for (let start = 0; start < proposals.length; start += OPTIONS_PER_CHECKBOXES) {
      const chunk = proposals.slice(start, start + OPTIONS_PER_CHECKBOXES);
      const options = chunk.map(proposalOption);
      const ticked = options.filter((_, index) => chunk[index]!.reason === 'email');
      group += 1;
      blocks.push({
        type: 'input',
        block_id: `${SUGGESTIONS.blockPrefix}${group}`,
        optional: true,
        label: plain(
          proposals.length > OPTIONS_PER_CHECKBOXES
            ? `${sourceName}: ${start + 1}–${start + chunk.length} of ${proposals.length}`
            : `On ${sourceName}`,
          VIEW_LIMITS.inputLabel,
        ),
        element: {
          type: 'checkboxes',
          action_id: SUGGESTIONS.action,
          options,
          ...(ticked.length > 0 ? { initial_options: ticked } : {}),
        },
      });
    }
  }
  if (notes.length > 0) blocks.push(context(notes));
  return modal({
    title: 'Suggested mappings',
    submit: 'Map ticked',
    close: 'Cancel',
    callbackId: VIEWS.mappingSuggestions,
    blocks,
  });
}

function reportNotes(report: SuggestionReport, more: number): string[] {
  const notes: string[] = [];
  if (more > 0) notes.push(`${plural(more, 'more proposal')}: map these first, then suggest again.`);
  if (report.ambiguous > 0) {
    notes.push(
      `${plural(report.ambiguous, 'person', 'people')} matched several GitLab users: map them with Add teammate.`,
    );
  }
  if (report.notSearched > 0) {
    notes.push(
      `${plural(report.notSearched, 'person', 'people')} not searched yet (search limit): suggest again.`,
    );
  }
  for (const failure of report.sourceErrors.slice(0, 5)) {
    notes.push(`:warning: \`${escapeMrkdwn(failure.sourceName)}\`: ${escapeMrkdwn(failure.message)}`);
  }
  return notes;
}

/** After confirming: who was mapped where. */
export function presentSuggestionsSaved(
  saved: Array<{ slackUserId: string; sourceName: string; username: string }>,
  unchanged: number,
): ModalView {
  const lines = saved.map(
    (item) =>
      `• <@${item.slackUserId}> → @${escapeMrkdwn(item.username)} on \`${escapeMrkdwn(item.sourceName)}\``,
  );
  const summary =
    saved.length === 0
      ? 'Nothing new: these mappings were saved already.'
      : `:white_check_mark: Mapped ${plural(saved.length, 'person', 'people')}.`;
  const blocks: KnownBlock[] = [section(summary)];
  // 25 lines a section keeps each under 3,000 characters.
  for (let start = 0; start < lines.length; start += 25) {
    blocks.push(section(lines.slice(start, start + 25).join('\n')));
  }
  if (unchanged > 0 && saved.length > 0)
    blocks.push(context([`${plural(unchanged, 'mapping')} already saved.`]));
  blocks.push(context(['Their activity is collected from the next sync.']));
  return modal({ title: 'Mappings saved', close: 'Done', blocks });
}

import type { KnownBlock } from '@slack/types';
import { ACTIVITY_KINDS, type ActivityKind } from '../../modules/activity/activity-kinds.ts';
import type {
  ActivityAnswer,
  ActivityItem,
  ActivitySummary,
} from '../../modules/activity/activity-query.service.ts';
import { context, escapeMrkdwn, LIMITS, type SlackMessage, section } from './blocks.ts';
import { formatDuration, formatWhen, link, plural } from './format.ts';

const KIND_LABELS: Record<ActivityKind, string> = {
  mr_opened: 'Merge requests opened',
  mr_merged: 'Merge requests merged',
  mr_closed: 'Merge requests closed',
  mr_review_requested: 'Reviews requested',
  mr_approved: 'Approvals',
  mr_commented: 'Merge request comments',
  commit_pushed: 'Commits',
  issue_opened: 'Issues opened',
  issue_closed: 'Issues closed',
  issue_commented: 'Issue comments',
  time_logged: 'Time logged',
  pipeline_run: 'Pipelines',
};

/** Slack measures the whole message; stay well below what it rejects. */
const BUDGET = { blocks: 45, chars: 9_000 };

/** One line with every headline number, the same for any period. */
export function summaryLine(summary: ActivitySummary): string {
  const c = summary.counts;
  return [
    `MRs: ${c.mr_opened} opened, ${c.mr_merged} merged, ${summary.mrsReviewed} reviewed`,
    plural(c.mr_approved, 'approval'),
    `${plural(c.commit_pushed, 'commit')} (+${summary.linesAdded} −${summary.linesRemoved})`,
    `Issues: ${c.issue_opened} opened, ${c.issue_closed} closed`,
    plural(c.mr_commented + c.issue_commented, 'comment'),
    `${formatDuration(summary.timeLoggedSeconds)} logged`,
    `Pipelines: ${summary.pipelinesPassed} passed, ${summary.pipelinesFailed} failed`,
  ].join(' · ');
}

/**
 * `/pulse activity`: a summary line, then the items grouped by kind (newest first) with links to
 * GitLab and Jira, in the reader's zone. What does not fit Slack's limits is counted, not dropped silently.
 */
export function presentActivity(
  answer: ActivityAnswer,
  options: { now: Date; timeZone: string },
): SlackMessage {
  if (answer.status === 'unmapped') {
    return {
      text: `<@${answer.slackUserId}> is not mapped to a GitLab user yet.`,
      blocks: [
        section(
          `<@${answer.slackUserId}> is not mapped to a GitLab user yet, so there is no activity to show. A workspace admin can map them with \`/pulse map <@${answer.slackUserId}> <gitlab-username>\`.`,
        ),
      ],
    };
  }
  if (answer.status === 'unknown-source') {
    const names = answer.sources.map((name) => `\`${escapeMrkdwn(name)}\``).join(', ');
    return {
      text: `There is no source ${answer.source}.`,
      blocks: [
        section(
          `There is no source or source type \`${escapeMrkdwn(answer.source.slice(0, 40))}\`. Use \`gitlab\`${names ? ` or a source name: ${names}` : ''}.`,
        ),
      ],
    };
  }
  const who = `<@${answer.slackUserId}>`;
  const intro = `*Activity of ${who}* · ${escapeMrkdwn(answer.window.label)} · times in ${escapeMrkdwn(answer.window.timeZone)}`;
  if (answer.summary.total === 0) {
    return {
      text: `No activity for ${who} in ${answer.window.label}.`,
      blocks: [
        section(
          `${intro}\nNo activity stored for this period. Activity comes from syncs of ${answer.sources.map((name) => `\`${escapeMrkdwn(name)}\``).join(', ')}: if the last one is old, run \`/pulse fetch\`.`,
        ),
      ],
    };
  }
  const head = section(`${intro}\n${summaryLine(answer.summary)}`);
  const blocks: KnownBlock[] = [head];
  let used = JSON.stringify(head).length;
  let shown = 0;
  // One block is kept for the closing "not shown" line; 100 characters cover a section's JSON.
  const fits = (chars: number, newBlocks: number) =>
    used + chars + 100 * newBlocks <= BUDGET.chars && blocks.length + newBlocks <= BUDGET.blocks - 1;
  const push = (text: string) => {
    const block = section(text);
    blocks.push(block);
    used += JSON.stringify(block).length;
  };
  // Groups follow the kinds' own order, so a new kind cannot be left out of the answer.
  packing: for (const kind of ACTIVITY_KINDS) {
    const items = answer.items.filter((item) => item.kind === kind);
    if (items.length === 0) continue;
    let text = `*${KIND_LABELS[kind]}* (${answer.summary.counts[kind]})`;
    let linesInText = 0;
    for (const item of items) {
      const line = itemLine(item, options.timeZone);
      const nextSection = text.length + 1 + line.length > LIMITS.sectionText;
      const room = nextSection ? fits(text.length + line.length, 2) : fits(text.length + 1 + line.length, 1);
      if (!room) {
        if (linesInText > 0) push(text);
        break packing;
      }
      if (nextSection) {
        push(text);
        text = line;
        linesInText = 0;
      } else {
        text = `${text}\n${line}`;
      }
      linesInText += 1;
      shown += 1;
    }
    push(text);
  }
  const left = answer.summary.total - shown;
  if (left > 0) {
    blocks.push(
      context([
        `…and ${plural(left, 'more item')} not shown (Slack's message limits): ask for a shorter range to see them.`,
      ]),
    );
  }
  return {
    text: `Activity of ${who}, ${answer.window.label}: ${summaryLine(answer.summary)}`.slice(
      0,
      LIMITS.messageText,
    ),
    blocks,
  };
}

function itemLine(item: ActivityItem, timeZone: string): string {
  const parts = [formatWhen(item.occurredAt, timeZone), link(item.url, truncateTitle(item.title))];
  if (item.project) parts.push(escapeMrkdwn(item.project));
  if (item.kind === 'commit_pushed' && (item.linesAdded !== null || item.linesRemoved !== null)) {
    parts.push(`+${item.linesAdded ?? 0} −${item.linesRemoved ?? 0}`);
  }
  if (item.kind === 'time_logged' && item.timeSpentSeconds !== null)
    parts.push(formatDuration(item.timeSpentSeconds));
  if (item.kind === 'pipeline_run') {
    if (item.status) parts.push(item.status === 'success' ? 'passed' : escapeMrkdwn(item.status));
    if (item.durationSeconds !== null) parts.push(formatDuration(item.durationSeconds));
  }
  if (item.jira.length > 0) parts.push(item.jira.map((jira) => link(jira.url, jira.key)).join(' '));
  return `• ${parts.join(' · ')}`;
}

function truncateTitle(title: string): string {
  const oneLine = title.replace(/\s+/g, ' ').trim();
  return oneLine.length > 150 ? `${oneLine.slice(0, 149)}…` : oneLine || '(untitled)';
}

import type { KnownBlock } from '@slack/types';
import { closestMatches } from '../../lib/edit-distance.ts';
import type { ActivityAnswer, ActivitySummary } from '../../modules/activity/activity-query.service.ts';
import { groupWorkItems } from '../../modules/activity/work-items.ts';
import { ACTIONS } from '../ids.ts';
import { context, escapeMrkdwn, LIMITS, type SlackMessage, section } from './blocks.ts';
import { formatDuration, plural } from './format.ts';
import { actions, button } from './views.ts';
import { workItemText } from './work-items.ui.ts';

const RANGE_WORDS = ['today', 'yesterday', '7d', '30d'];

/** Slack measures the whole message; stay well below what it rejects (50 blocks, ~10k characters). */
const BUDGET = { blocks: 45, chars: 9_000 };

/**
 * What a "Show more" button carries to ask for the next page: the same question (person, window,
 * source) and where to go on. Only ids, instants and names: nothing secret.
 */
export interface ActivityPageRef {
  /** Slack user whose activity it is. */
  u: string;
  /** Window start and end (epoch ms), its label and the reader's zone. */
  s: number;
  e: number;
  l: string;
  z: string;
  /** Source type or name the question was narrowed to. */
  src?: string;
  /** Index of the first piece of work on the page. */
  f: number;
}

/** Only what happened in the period, in the reader's words: no "0 issues closed". */
export function workSummaryLine(summary: ActivitySummary): string {
  const c = summary.counts;
  const parts: string[] = [];
  const mrs = [
    c.mr_opened > 0 ? `${plural(c.mr_opened, 'MR')} opened` : '',
    c.mr_merged > 0
      ? c.mr_opened > 0
        ? `${c.mr_merged} merged`
        : `${plural(c.mr_merged, 'MR')} merged`
      : '',
  ].filter(Boolean);
  if (mrs.length > 0) parts.push(mrs.join(', '));
  if (summary.mrsReviewed > 0) parts.push(`${plural(summary.mrsReviewed, 'MR')} reviewed`);
  if (c.mr_approved > 0) parts.push(plural(c.mr_approved, 'approval'));
  if (c.commit_pushed > 0) {
    parts.push(`${plural(c.commit_pushed, 'commit')} (+${summary.linesAdded} −${summary.linesRemoved})`);
  }
  const issues = [
    c.issue_opened > 0 ? `${plural(c.issue_opened, 'issue')} opened` : '',
    c.issue_closed > 0 ? `${plural(c.issue_closed, 'issue')} closed` : '',
  ].filter(Boolean);
  if (issues.length > 0) parts.push(issues.join(', '));
  const comments = c.mr_commented + c.issue_commented;
  if (comments > 0) parts.push(plural(comments, 'comment'));
  if (summary.timeLoggedSeconds > 0) parts.push(`${formatDuration(summary.timeLoggedSeconds)} logged`);
  const pipelines = [
    summary.pipelinesPassed > 0 ? `${summary.pipelinesPassed} passed` : '',
    summary.pipelinesFailed > 0 ? `${summary.pipelinesFailed} failed` : '',
  ].filter(Boolean);
  if (pipelines.length > 0) parts.push(`pipelines ${pipelines.join(', ')}`);
  return parts.join(' · ');
}

/**
 * `/pulse activity`: a line of what happened, then one section per piece of work (MR, issue,
 * branch), newest first, in the reader's zone. What does not fit one message is behind a
 * "Show more" button (`from` is where a page starts), never cut.
 */
export function presentActivity(
  answer: ActivityAnswer,
  options: { now: Date; timeZone: string; source?: string; from?: number },
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
    // The word may be a misspelt range (`yesterdy`) as well as a misspelt source.
    const near = closestMatches(answer.source, [...answer.sources, 'gitlab', ...RANGE_WORDS]);
    const meant = near.length > 0 ? ` Did you mean \`${escapeMrkdwn(near[0]!)}\`?` : '';
    return {
      text: `There is no source ${answer.source}.${meant}`,
      blocks: [
        section(
          `There is no source or source type \`${escapeMrkdwn(answer.source.slice(0, 40))}\`.${meant} Use \`gitlab\`${names ? ` or a source name: ${names}` : ''}, and a range such as \`today\`, \`yesterday\`, \`7d\` or \`30d\`.`,
        ),
      ],
    };
  }
  const who = `<@${answer.slackUserId}>`;
  const label = escapeMrkdwn(answer.window.label);
  const intro = `*Activity of ${who}* · ${label} · times in ${escapeMrkdwn(answer.window.timeZone)}`;
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
  const work = groupWorkItems(answer.items);
  const from = Math.min(Math.max(0, options.from ?? 0), work.length);
  const summary = workSummaryLine(answer.summary);
  const head =
    from === 0
      ? section(`${intro}\n${summary}`)
      : context([
          `*Activity of ${who}* · ${label}, continued: from piece of work ${from + 1} of ${work.length}`,
        ]);
  const blocks: KnownBlock[] = [head];
  let used = JSON.stringify(head).length;
  let next = from;
  // Two blocks and ~1,000 characters stay free for the closing note and the button.
  while (next < work.length) {
    const block = section(workItemText(work[next]!, options.timeZone));
    const size = JSON.stringify(block).length;
    if (blocks.length + 1 > BUDGET.blocks - 2 || used + size > BUDGET.chars - 1_000) break;
    blocks.push(block);
    used += size;
    next += 1;
  }
  if (next < work.length) {
    const ref: ActivityPageRef = {
      u: answer.slackUserId,
      s: answer.window.start.getTime(),
      e: answer.window.end.getTime(),
      l: answer.window.label.slice(0, 120),
      z: answer.window.timeZone,
      ...(options.source ? { src: options.source.slice(0, 80) } : {}),
      f: next,
    };
    blocks.push(
      actions('activity_more', [
        button({
          text: `Show more (${work.length - next} more)`,
          actionId: ACTIONS.activityMore,
          value: JSON.stringify(ref),
        }),
      ]),
    );
  } else if (answer.items.length < answer.summary.total) {
    blocks.push(
      context([
        `Only the latest ${plural(answer.items.length, 'thing')} done in this period are listed above (${answer.summary.total} in all, counted in the first line): ask for a shorter range to see the older ones.`,
      ]),
    );
  }
  return {
    text: `Activity of ${who}, ${answer.window.label}: ${summary}`.slice(0, LIMITS.messageText),
    blocks,
  };
}

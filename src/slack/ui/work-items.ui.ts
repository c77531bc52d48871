import type { WorkItem } from '../../modules/activity/work-items.ts';
import { escapeMrkdwn } from './blocks.ts';
import { formatDuration, formatWhen, link, plural } from './format.ts';

const TITLE_CHARS = 120;
const SNIPPET_CHARS = 90;
const JIRA_SHOWN = 5;

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const PIPELINE_WORDS: Record<string, string> = {
  success: ':white_check_mark: pipeline passed',
  failed: ':x: pipeline failed',
  canceled: ':no_entry_sign: pipeline canceled',
  running: ':hourglass_flowing_sand: pipeline running',
  pending: ':hourglass_flowing_sand: pipeline pending',
  skipped: 'pipeline skipped',
  manual: 'pipeline waiting for a manual job',
};

function headLine(item: WorkItem): string {
  const title = oneLine(item.title, TITLE_CHARS) || '(untitled)';
  let label: string;
  if (item.type === 'branch') label = `Branch ${link(item.url, item.reference ?? title)}`;
  else label = link(item.url, item.reference ? `${item.reference} ${title}` : title);
  const parts = [`*${label}*`];
  if (item.project) parts.push(escapeMrkdwn(item.project));
  if (item.jira.length > 0) {
    const shown = item.jira.slice(0, JIRA_SHOWN).map((jira) => link(jira.url, jira.key));
    if (item.jira.length > JIRA_SHOWN) shown.push(`+${item.jira.length - JIRA_SHOWN}`);
    parts.push(shown.join(' '));
  }
  return parts.join(' · ');
}

/** What the person did on it, in the order work happens; nothing for what did not happen. */
function doneLine(item: WorkItem): string | undefined {
  const done: string[] = [];
  if (item.opened) done.push('opened');
  if (item.commits > 0) {
    const pushed = `pushed ${plural(item.commits, 'commit')} (+${item.linesAdded} −${item.linesRemoved})`;
    // An MR's title says what its commits are for; a branch's latest commit has to say it.
    const commit = item.type === 'branch' && item.lastCommit ? item.lastCommit : null;
    const latest = commit
      ? `${item.commits === 1 ? ':' : ', latest:'} ${link(commit.url, oneLine(commit.title, TITLE_CHARS))}`
      : '';
    done.push(`${pushed}${latest}`);
  }
  if (item.reviewRequested && !item.reviewed) done.push('asked to review');
  if (item.reviewed)
    done.push(item.reviewSeconds > 0 ? `reviewed (${formatDuration(item.reviewSeconds)})` : 'reviewed');
  if (item.approved) done.push('approved');
  if (item.comments > 0) {
    const snippet = item.lastComment ? oneLine(item.lastComment, SNIPPET_CHARS) : '';
    const quoted = snippet ? ` “${escapeMrkdwn(snippet)}”` : '';
    done.push(
      item.comments === 1
        ? `commented${quoted}`
        : `commented ${item.comments}×${quoted ? `, latest${quoted}` : ''}`,
    );
  }
  if (item.merged) done.push('merged');
  else if (item.closed) done.push('closed');
  return done.length > 0 ? done.join(' · ') : undefined;
}

function factsLine(item: WorkItem, timeZone: string): string {
  const facts: string[] = [];
  if (item.pipeline) {
    const status = item.pipeline.status ?? 'unknown';
    const words = PIPELINE_WORDS[status] ?? `pipeline ${escapeMrkdwn(status)}`;
    const duration =
      item.pipeline.durationSeconds !== null ? ` in ${formatDuration(item.pipeline.durationSeconds)}` : '';
    facts.push(
      item.pipeline.url
        ? `${words}${duration} (${link(item.pipeline.url, 'latest')})`
        : `${words}${duration}`,
    );
  }
  if (item.timeLoggedSeconds > 0) facts.push(`${formatDuration(item.timeLoggedSeconds)} logged`);
  facts.push(`last ${formatWhen(item.lastAt, timeZone)}`);
  return facts.join(' · ');
}

/** One piece of work as a section's text: what it is, what was done on it, its pipeline and time. */
export function workItemText(item: WorkItem, timeZone: string): string {
  return [headLine(item), doneLine(item), factsLine(item, timeZone)].filter(Boolean).join('\n');
}

import type { KnownBlock } from '@slack/types';
import type { ActivityKind } from '../../modules/activity/activity-kinds.ts';
import type { SyncProgress, SyncResult, SyncSourceResult } from '../../modules/sync/sync.types.ts';
import { context, escapeMrkdwn, fitMessage, type SlackMessage, section } from './blocks.ts';
import { formatDuration, formatWhen, plural } from './format.ts';

const SHORT_KIND: Record<ActivityKind, [string, string]> = {
  mr_opened: ['MR opened', 'MRs opened'],
  mr_merged: ['MR merged', 'MRs merged'],
  mr_closed: ['MR closed', 'MRs closed'],
  mr_review_requested: ['review requested', 'reviews requested'],
  mr_approved: ['approval', 'approvals'],
  mr_commented: ['MR comment', 'MR comments'],
  commit_pushed: ['commit', 'commits'],
  issue_opened: ['issue opened', 'issues opened'],
  issue_closed: ['issue closed', 'issues closed'],
  issue_commented: ['issue comment', 'issue comments'],
  time_logged: ['time log', 'time logs'],
  pipeline_run: ['pipeline', 'pipelines'],
};

export function presentFetchStarted(options: {
  sourceNames: string[];
  since: Date | undefined;
  timeZone: string;
}): SlackMessage {
  const what =
    options.sourceNames.length > 0
      ? options.sourceNames.map((name) => `\`${escapeMrkdwn(name)}\``).join(', ')
      : 'every source';
  const since = options.since
    ? ` since ${formatWhen(options.since, options.timeZone)}`
    : ' since the last sync';
  const text = `:hourglass_flowing_sand: Fetching GitLab activity from ${what}${since}…`;
  return { text: text.replace(/:[a-z_]+: /, ''), blocks: [section(text)] };
}

/** The message updated in place while teammates complete. */
export function presentFetchProgress(progress: SyncProgress[]): SlackMessage {
  const lines = progress.map(
    (item) =>
      `• \`${escapeMrkdwn(item.dataSourceName)}\`: ${item.teammatesDone}/${plural(item.teammatesTotal, 'teammate')} done${
        item.lastSlackUserId ? ` (last: <@${item.lastSlackUserId}>)` : ''
      }`,
  );
  const text = `:hourglass_flowing_sand: Fetching GitLab activity…\n${lines.join('\n')}`;
  return fitMessage(
    `Fetching GitLab activity: ${progress.map((item) => `${item.dataSourceName} ${item.teammatesDone}/${item.teammatesTotal}`).join(', ')}`,
    [section(text)],
  );
}

/** The command's reply while the fetch reports by direct message. */
export function presentFetchPointer(sourceName: string | undefined): SlackMessage {
  const what = sourceName ? `\`${escapeMrkdwn(sourceName)}\`` : 'every source';
  const text = `:hourglass_flowing_sand: Fetching GitLab activity from ${what}. Progress and the summary are in your direct messages with ActivityPulse (its Messages tab).`;
  return { text: text.replace(/:[a-z_]+: /, '').replaceAll('`', ''), blocks: [section(text)] };
}

export function presentFetchBusy(sourceName: string | undefined): SlackMessage {
  const what = sourceName ? `\`${escapeMrkdwn(sourceName)}\`` : 'this workspace';
  const text = `A fetch for ${what} is already running, so I did not start another. Its results show up in \`/pulse activity\` as soon as it finishes.`;
  return { text: text.replaceAll('`', ''), blocks: [section(text)] };
}

export function presentFetchFailed(message: string): SlackMessage {
  return {
    text: `The fetch failed: ${escapeMrkdwn(message)}`,
    blocks: [section(`:x: The fetch failed: ${escapeMrkdwn(message)}`)],
  };
}

function countsText(counts: Partial<Record<ActivityKind, number>>): string {
  const parts = Object.entries(counts)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([kind, count]) => {
      const [one, many] = SHORT_KIND[kind as ActivityKind] ?? [kind, kind];
      return `${count} ${count === 1 ? one : many}`;
    });
  return parts.length > 0 ? parts.join(', ') : 'nothing new';
}

const STATUS_WORDS: Record<string, string> = {
  succeeded: 'done',
  partial: 'partly done',
  failed: 'failed',
};

function sourceSummary(source: SyncSourceResult): string {
  const name = `*${escapeMrkdwn(source.dataSourceName)}*`;
  if (source.status === 'skipped') {
    return source.skippedReason === 'backoff'
      ? `${name}: skipped — it failed recently and is backing off; fix the source (\`/pulse source test ${source.dataSourceName}\`) or try later.`
      : `${name}: skipped — another sync of this source is running.`;
  }
  const icon =
    source.status === 'succeeded' ? ':white_check_mark:' : source.status === 'partial' ? ':warning:' : ':x:';
  const lines = [
    `${icon} ${name}: ${STATUS_WORDS[source.status] ?? source.status} · took ${formatDuration(source.durationMs / 1000)}`,
  ];
  if (source.error) lines.push(`Error: ${escapeMrkdwn(source.error)}`);
  const people = Object.entries(source.counts);
  for (const [slackUserId, counts] of people) lines.push(`• <@${slackUserId}>: ${countsText(counts)}`);
  if (people.length === 0 && !source.error) lines.push('No mapped teammates had new activity.');
  for (const failure of source.failures) {
    lines.push(`• :x: <@${failure.slackUserId}>: ${escapeMrkdwn(failure.message)}`);
  }
  for (const note of source.notes) lines.push(`_${escapeMrkdwn(note)}_`);
  return lines.join('\n');
}

/**
 * The final summary: activities by kind per teammate, failures with reasons. Request counts are
 * ours, not the reader's: they appear only in a "details" line for admins (`details`).
 */
export function presentFetchSummary(result: SyncResult, options: { details?: boolean } = {}): SlackMessage {
  if (result.sources.length === 0) {
    return {
      text: 'There was nothing to fetch.',
      blocks: [section('There was nothing to fetch: no data source is set up.')],
    };
  }
  const blocks: KnownBlock[] = result.sources.map((source) => section(sourceSummary(source)));
  const calls = result.sources.reduce((sum, source) => sum + source.apiCalls, 0);
  const failures = result.sources.reduce((sum, source) => sum + source.failures.length, 0);
  blocks.push(
    context([`Done${failures > 0 ? ` · ${plural(failures, 'teammate', 'teammates')} failed` : ''}`]),
  );
  if (options.details) blocks.push(context([`Details (admins): ${plural(calls, 'GitLab API call')}`]));
  const text = `Fetch finished: ${result.sources.map((source) => `${source.dataSourceName} ${source.status}`).join(', ')}`;
  return fitMessage(text, blocks);
}

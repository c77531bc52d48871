import { tz } from '@date-fns/tz';
import type { KnownBlock } from '@slack/types';
import { format } from 'date-fns/format';
import type {
  DigestContent,
  DigestHighlight,
  DigestPerson,
  DigestTotals,
} from '../../modules/digest/digest.types.ts';
import {
  context,
  divider,
  escapeMrkdwn,
  header,
  LIMITS,
  type SlackMessage,
  section,
  truncate,
} from './blocks.ts';
import { formatDuration, link } from './format.ts';
import { splitBlocks } from './message-split.ts';

/** Stated wherever review time is shown: these figures are estimates with a precise meaning. */
export const REVIEW_TIME_HELP =
  'Review time is an estimate. Pickup: from a review request (or the MR opening) to the reviewer’s first comment or approval, the median over MRs. Effort: the reviewer’s comments on an MR grouped into sessions (30 minutes or less apart), each from its first to its last comment, summed.';

/** Room left in a section for the "…and N more" line when a person's section is cut. */
const SECTION_BUDGET = LIMITS.sectionText - 100;

const HIGHLIGHT_VERBS: Record<DigestHighlight['kind'], string> = {
  mr_merged: 'merged',
  mr_opened: 'opened',
  issue_closed: 'closed issue',
  issue_opened: 'opened issue',
};

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function dayLabel(localDate: string): string {
  return format(new Date(`${localDate}T12:00:00Z`), 'EEE d MMM yyyy', { in: tz('UTC') });
}

/** `Mon 9 Mar 2026`, or `Fri 6 – Sun 8 Mar 2026` for a Monday digest. */
export function digestDaysLabel(content: Pick<DigestContent, 'window'>): string {
  const { firstDay, lastDay } = content.window;
  if (firstDay === lastDay) return dayLabel(firstDay);
  const first = new Date(`${firstDay}T12:00:00Z`);
  const sameMonth = firstDay.slice(0, 7) === lastDay.slice(0, 7);
  return `${format(first, sameMonth ? 'EEE d' : 'EEE d MMM', { in: tz('UTC') })} – ${dayLabel(lastDay)}`;
}

/**
 * A name as plain text, never a `<@U…>` mention: a digest in a channel must not notify the people
 * it lists. Someone without a stored name shows as their Slack user id.
 */
function personName(person: { slackUserId: string; displayName: string | null }): string {
  return escapeMrkdwn(person.displayName || `Slack user ${person.slackUserId}`);
}

/** The figures that are not zero, in reading order. */
export function totalsLine(totals: DigestTotals): string {
  const parts: string[] = [];
  if (totals.mrOpened > 0) parts.push(`${count(totals.mrOpened, 'MR')} opened`);
  if (totals.mrMerged > 0) parts.push(`${totals.mrMerged.toLocaleString('en-US')} merged`);
  if (totals.reviews > 0) {
    const approvals = totals.approvals > 0 ? ` (${count(totals.approvals, 'approval')})` : '';
    parts.push(`${count(totals.reviews, 'MR')} reviewed${approvals}`);
  }
  if (totals.pickupSeconds !== null) parts.push(`pickup ${formatDuration(totals.pickupSeconds)}`);
  if (totals.reviewEffortSeconds > 0)
    parts.push(`review effort ${formatDuration(totals.reviewEffortSeconds)}`);
  if (totals.commits > 0) {
    parts.push(
      `${count(totals.commits, 'commit')} (+${totals.linesAdded.toLocaleString('en-US')} / −${totals.linesRemoved.toLocaleString('en-US')})`,
    );
  }
  if (totals.issuesOpened > 0) parts.push(`${count(totals.issuesOpened, 'issue')} opened`);
  if (totals.issuesClosed > 0) parts.push(`${count(totals.issuesClosed, 'issue')} closed`);
  if (totals.comments > 0) parts.push(count(totals.comments, 'comment'));
  if (totals.timeLoggedSeconds !== 0) parts.push(`${formatDuration(totals.timeLoggedSeconds)} logged`);
  if (totals.pipelinesPassed + totals.pipelinesFailed > 0) {
    parts.push(`pipelines ${totals.pipelinesPassed} passed, ${totals.pipelinesFailed} failed`);
  }
  return parts.join(' · ');
}

/**
 * A person's section: totals, highlights (the last ones give way to "…and N more" past Slack's
 * 3,000 characters) and Jira keys. Keys that do not fit continue in further sections, split
 * between keys, never inside a link.
 */
function personSections(person: DigestPerson): KnownBlock[] {
  const head = `*${personName(person)}* — ${totalsLine(person.totals) || `${count(person.totals.activities, 'activity', 'activities')}`}`;
  // Failed pipelines first: they are what someone has to act on.
  const failing = person.failedPipelines.map(
    (pipeline) =>
      `• :red_circle: pipeline failed on ${link(pipeline.url, truncate([pipeline.project, pipeline.ref].filter(Boolean).join(' · ') || 'a branch', 80))}`,
  );
  const lines = person.highlights.map((item) => {
    const where = item.project ? ` · ${escapeMrkdwn(item.project)}` : '';
    return `• ${HIGHLIGHT_VERBS[item.kind]} ${link(item.url, truncate(item.title, 120))}${where}`;
  });
  if (person.commits.length > 0) {
    const shown = person.commits.map((commit) => link(commit.url, truncate(commit.title, 60))).join(', ');
    lines.push(`• commits: ${shown}${person.moreCommits > 0 ? ` and ${person.moreCommits} more` : ''}`);
  }
  lines.unshift(...failing);
  const [firstJira, ...moreJira] = jiraLines(person.jira.map((key) => link(key.url, key.key)));
  let more = person.moreHighlights;
  const text = (jira: string | undefined) =>
    [head, ...lines, ...(more > 0 ? [`• …and ${more} more`] : []), ...(jira ? [jira] : [])].join('\n');
  while (text(firstJira).length > SECTION_BUDGET && lines.length > 0) {
    lines.pop();
    more += 1;
  }
  const fits = text(firstJira).length <= SECTION_BUDGET;
  return [
    section(text(fits ? firstJira : undefined)),
    ...[...(fits || !firstJira ? [] : [firstJira]), ...moreJira].map((line) => section(line)),
  ];
}

/** `Jira: KEY …` lines, each within a section's budget, split between keys. */
function jiraLines(keys: string[]): string[] {
  const out: string[] = [];
  let line = '';
  for (const key of keys) {
    if (line && line.length + 1 + key.length > SECTION_BUDGET) {
      out.push(line);
      line = '';
    }
    line = line ? `${line} ${key}` : `${out.length === 0 ? 'Jira' : 'Jira (continued)'}: ${key}`;
  }
  if (line) out.push(line);
  return out;
}

/** Quiet people in one line, continued over more sections only when one would pass Slack's limit. */
function quietSections(quiet: DigestContent['quiet']): KnownBlock[] {
  if (quiet.length === 0) return [];
  const blocks: KnownBlock[] = [];
  let line = '*No GitLab activity:* ';
  let first = true;
  for (const person of quiet) {
    const name = personName(person);
    const next = `${first ? '' : ', '}${name}`;
    if (line.length + next.length > SECTION_BUDGET) {
      blocks.push(section(line));
      line = `*No GitLab activity (continued):* ${name}`;
    } else {
      line += next;
    }
    first = false;
  }
  blocks.push(section(line));
  return blocks;
}

function staleLine(content: DigestContent): string | undefined {
  if (content.staleSources.length === 0) return undefined;
  const zone = tz(content.window.timeZone);
  const parts = content.staleSources.map((source) =>
    source.lastSyncAt
      ? `*${escapeMrkdwn(source.name)}* last synced ${format(source.lastSyncAt, 'EEE d MMM HH:mm', { in: zone })}`
      : `*${escapeMrkdwn(source.name)}* has not synced yet`,
  );
  return `:warning: Data may be stale: ${parts.join('; ')} — before the end of these days, and a sync just now did not finish in time.`;
}

function summaryText(content: DigestContent): string {
  const { team } = content;
  if (team.people === 0) {
    return 'Nobody is mapped to GitLab yet: map teammates with `/pulse map @user <gitlab-username>`.';
  }
  if (team.activePeople === 0)
    return `*Team* — no GitLab activity stored for these days (${count(team.people, 'person', 'people')}).`;
  return `*Team* — ${team.activePeople} of ${count(team.people, 'person', 'people')} active · ${totalsLine(team)}`;
}

/**
 * The digest as Slack messages: the first is posted in the channel, the others as replies in its
 * thread. Each stays within 50 blocks, 3,000 characters a section and ~10k characters in all.
 */
export function presentDigest(content: DigestContent): SlackMessage[] {
  const days = digestDaysLabel(content);
  const stale = staleLine(content);
  const blocks: KnownBlock[] = [
    header(`GitLab digest · ${days}`),
    section(summaryText(content)),
    ...(stale ? [context([stale])] : []),
    divider(),
    ...content.people.flatMap(personSections),
    ...quietSections(content.quiet),
    context([`Review times are estimates (how, in the thread). Days in ${content.window.timeZone}.`]),
  ];
  const pages = splitBlocks(blocks, { reserveInFirst: 1 });
  const fallback = `GitLab digest for ${days}: ${
    content.team.people === 0
      ? 'nobody is mapped yet'
      : `${content.team.activePeople} of ${count(content.team.people, 'person', 'people')} active${
          content.team.activities > 0 ? `, ${totalsLine(content.team).replace(/ · /g, ', ')}` : ''
        }`
  }`;
  const messages = pages.map((page, index) => {
    if (index === 0) {
      const rest = pages.length - 1;
      const blocksOut =
        rest > 0 ? [...page, context([`Continued in the thread (${count(rest, 'more message')}).`])] : page;
      return { text: fallback.slice(0, LIMITS.messageText), blocks: blocksOut };
    }
    return { text: `GitLab digest for ${days}, continued (${index + 1}/${pages.length})`, blocks: page };
  });
  // How review time is estimated: in the thread, so the channel reads a one-line footnote.
  messages.push({ text: REVIEW_TIME_HELP, blocks: [context([REVIEW_TIME_HELP])] });
  return messages;
}

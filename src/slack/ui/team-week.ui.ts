import type { KnownBlock } from '@slack/types';
import type { TeamWeek } from '../../modules/activity/team-week.repository.ts';
import { context, escapeMrkdwn, LIMITS, section, truncate } from './blocks.ts';
import { formatAgo, link, plural } from './format.ts';

const BARS = '▁▂▃▄▅▆▇█';
const TITLE = 80;
const PEOPLE = 12;

/** A row of block characters, one per day, scaled to the busiest day (a quiet day is the lowest bar). */
export function sparkline(daily: readonly number[]): string {
  const max = Math.max(0, ...daily);
  return daily
    .map((n) =>
      max === 0 || n === 0
        ? BARS[0]
        : BARS[Math.min(BARS.length - 1, Math.ceil((n / max) * (BARS.length - 1)))],
    )
    .join('');
}

/**
 * The App Home's first screen: failing pipelines first (they block people), who waits for a
 * review, then who shipped what with a 14-day activity line each. Nothing is printed for what did
 * not happen.
 */
export function teamWeekBlocks(team: TeamWeek, options: { now: Date; weekLabel: string }): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (team.failing.length > 0) {
    blocks.push(
      ...packed(
        ':red_circle: *Failing pipelines*',
        team.failing.map(
          (pipeline) =>
            `• ${link(pipeline.url, truncate(`${pipeline.project ?? 'a project'}${pipeline.ref ? ` · ${pipeline.ref}` : ''}`, TITLE))} — <@${pipeline.slackUserId}>, ${formatAgo(pipeline.at, options.now)}`,
        ),
      ),
    );
  }
  if (team.waiting.length > 0) {
    blocks.push(
      ...packed(
        ':hourglass_flowing_sand: *Waiting for review*',
        team.waiting.map(
          (wait) =>
            `• ${link(wait.url, truncate(wait.title, TITLE))} — <@${wait.reviewerSlackUserId}>, asked ${formatAgo(wait.requestedAt, options.now)}`,
        ),
      ),
    );
  }
  const people = team.people.slice(0, PEOPLE);
  if (people.length === 0) {
    blocks.push(section(`Nothing stored for the team ${escapeMrkdwn(options.weekLabel)} yet.`));
    return blocks;
  }
  const lines = people.map((person) => {
    const did: string[] = [];
    if (person.mergedCount > 0) {
      const titles = person.merged.map((mr) => link(mr.url, truncate(mr.title, TITLE))).join(', ');
      const more = person.mergedCount - person.merged.length;
      did.push(`merged ${titles}${more > 0 ? ` and ${plural(more, 'more MR', 'more MRs')}` : ''}`);
    }
    if (person.commits > 0) did.push(plural(person.commits, 'commit', 'commits'));
    if (person.reviews > 0) did.push(`reviewed ${plural(person.reviews, 'MR', 'MRs')}`);
    return `\`${sparkline(person.daily)}\` <@${person.slackUserId}>${did.length > 0 ? ` — ${did.join(' · ')}` : ''}`;
  });
  blocks.push(...packed(`*The team ${escapeMrkdwn(options.weekLabel)}*`, lines));
  if (team.people.length > PEOPLE) {
    blocks.push(
      context([
        `…and ${plural(team.people.length - PEOPLE, 'more person', 'more people')}: \`/pulse activity @name\`.`,
      ]),
    );
  }
  blocks.push(context(['Each line: activity per day over the last 14 days, oldest first.']));
  return blocks;
}

/** A title and lines in as few sections as Slack's text limit allows, split between lines only. */
function packed(title: string, lines: readonly string[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let text = title;
  for (const line of lines) {
    if (text.length + 1 + line.length > LIMITS.sectionText) {
      blocks.push(section(text));
      text = line;
    } else {
      text = `${text}\n${line}`;
    }
  }
  blocks.push(section(text));
  return blocks;
}

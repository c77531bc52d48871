import { tz } from '@date-fns/tz';
import { format } from 'date-fns/format';
import { formatDistanceStrict } from 'date-fns/formatDistanceStrict';

/** `Tue 10 Mar 14:05` in the reader's zone. */
export function formatWhen(date: Date, timeZone: string): string {
  return format(date, 'EEE d MMM HH:mm', { in: tz(timeZone) });
}

export function formatDay(date: Date, timeZone: string): string {
  return format(date, 'd MMM yyyy', { in: tz(timeZone) });
}

/** `3 hours ago`, from `now` (passed in: builders have no clock). */
export function formatAgo(date: Date, now: Date): string {
  if (date.getTime() > now.getTime()) return 'just now';
  return `${formatDistanceStrict(date, now)} ago`;
}

/** `in 2 hours`, from `now`; `now` when the moment has come. */
export function formatIn(date: Date, now: Date): string {
  if (date.getTime() <= now.getTime()) return 'now';
  return `in ${formatDistanceStrict(date, now)}`;
}

/**
 * A moment Slack shows in each reader's own zone and clock format (`today at 14:05`); clients
 * that cannot render it show `fallback`, which the caller writes in the reader's zone.
 * https://docs.slack.dev/messaging/formatting-message-text#date-formatting
 */
export function slackDate(date: Date, fallback: string): string {
  const safe = fallback.replace(/[|<>]/g, ' ');
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} at {time}|${safe}>`;
}

/** `1h 30m`, `45m`, `20s`. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return `${minutes}m`;
  return `${total}s`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A Slack link whose label cannot break the `<url|label>` syntax. */
export function link(url: string | null, label: string): string {
  const safe = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '¦');
  if (!url || !/^https?:\/\//i.test(url)) return safe;
  return `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${safe}>`;
}

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** ISO weekdays (1 = Monday) as people say them: `weekdays`, `every day`, or `Mon, Wed`. */
export function weekdaysLabel(days: readonly number[]): string {
  const sorted = [...days].sort((a, b) => a - b);
  if (sorted.join() === '1,2,3,4,5') return 'weekdays';
  if (sorted.length === 7) return 'every day';
  return sorted.map((day) => WEEKDAY_NAMES[day - 1] ?? String(day)).join(', ');
}

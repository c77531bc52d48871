import type { KnownBlock } from '@slack/types';
import type { ConnectionSummary, SourceView } from '../../modules/sources/source.types.ts';
import { backoffUntil } from '../../modules/sources/source-backoff.ts';
import { ACTIONS } from '../ids.ts';
import { divider, escapeMrkdwn, fitMessage, header, type SlackMessage, section } from './blocks.ts';
import { formatAgo, formatDay, formatWhen, plural } from './format.ts';
import { failingSourceLines } from './source-health.ui.ts';
import { actions, button } from './views.ts';

const EXPIRY_WARNING_DAYS = 30;

/** `/pulse sources`: each source with its health and the buttons that act on it. */
export function presentSourceList(
  sources: SourceView[],
  options: { now: Date; timeZone: string; canManage: boolean },
): SlackMessage {
  if (sources.length === 0) {
    return {
      text: 'No GitLab data sources yet.',
      blocks: [
        section(
          options.canManage
            ? 'No GitLab data sources yet. Add one to start collecting activity.'
            : 'No GitLab data sources yet. A workspace admin can add one with `/pulse source add`.',
        ),
        ...(options.canManage
          ? [
              actions('sources_empty', [
                button({ text: 'Add GitLab source', actionId: ACTIONS.sourceAdd, style: 'primary' }),
              ]),
            ]
          : []),
      ],
    };
  }
  const blocks: KnownBlock[] = [header(`Data sources (${sources.length})`)];
  for (const source of sources) {
    blocks.push(section(sourceStatusText(source, options)));
    const buttons = sourceButtons(source, options.canManage);
    if (buttons.length > 0) blocks.push(actions(`source:${source.id}`, buttons));
  }
  const failing = sources.filter((source) => source.status === 'failing').length;
  const text = `${plural(sources.length, 'data source')}${failing > 0 ? `, ${failing} failing` : ''}: ${sources
    .map((source) => {
      const retryAt = backoffUntil(source, options.now);
      const retry = retryAt ? `, next try ${formatWhen(retryAt, options.timeZone)}` : '';
      return `${source.name} (${source.status}${retry})`;
    })
    .join(', ')}`;
  return fitMessage(text, blocks);
}

/** A source's buttons: every one uses its stored token or changes it, so admins only (none for others). */
export function sourceButtons(source: SourceView, canManage: boolean) {
  const buttons: ReturnType<typeof button>[] = [];
  if (canManage) {
    buttons.push(button({ text: 'Test connection', actionId: ACTIONS.sourceTest, value: source.id }));
    buttons.push(button({ text: 'Fetch now', actionId: ACTIONS.sourceFetch, value: source.id }));
    buttons.push(button({ text: 'Edit', actionId: ACTIONS.sourceEdit, value: source.id }));
    buttons.push(
      button({
        text: 'Remove',
        actionId: ACTIONS.sourceRemove,
        value: source.id,
        style: 'danger',
        confirm: {
          title: `Remove ${source.name}?`,
          text: `This deletes the source \`${escapeMrkdwn(source.name)}\`, its teammate mappings and every activity collected from it. It cannot be undone.`,
          confirm: 'Remove',
        },
      }),
    );
  }
  return buttons;
}

/**
 * One source's health: status, and for a failing one why, when it is tried again and what to do;
 * token owner and expiry, last sync. `canManage` decides whether the advice is "edit" or "ask an admin".
 */
export function sourceStatusText(
  source: SourceView,
  options: { now: Date; timeZone: string; canManage?: boolean },
): string {
  const lines = [`*${escapeMrkdwn(source.name)}* · ${escapeMrkdwn(source.baseUrl)}`];
  if (source.status === 'ok') {
    lines.push(
      `:white_check_mark: OK${source.lastTestedAt ? ` (tested ${formatAgo(source.lastTestedAt, options.now)})` : ''}`,
    );
  } else if (source.status === 'failing') {
    lines.push(...failingSourceLines(source, { ...options, canManage: options.canManage ?? false }));
  } else {
    lines.push(':grey_question: Not tested yet');
  }
  const facts: string[] = [];
  if (source.tokenUsername) facts.push(`token of @${escapeMrkdwn(source.tokenUsername)}`);
  facts.push(expiryText(source.tokenExpiresAt, options.now, options.timeZone));
  facts.push(source.lastSyncAt ? `last sync ${formatAgo(source.lastSyncAt, options.now)}` : 'never synced');
  lines.push(facts.join(' · '));
  return lines.join('\n');
}

function expiryText(expiresAt: Date | null, now: Date, timeZone: string): string {
  if (!expiresAt) return 'token expiry unknown';
  const days = Math.round((expiresAt.getTime() - now.getTime()) / 86_400_000);
  if (days < 0) return `:warning: token expired on ${formatDay(expiresAt, timeZone)}`;
  const text = `token expires ${formatDay(expiresAt, timeZone)} (${days <= 0 ? 'today' : `in ${plural(days, 'day')}`})`;
  return days <= EXPIRY_WARNING_DAYS ? `:warning: ${text}` : text;
}

/** What Test Connection learned: who the token belongs to, its scopes and expiry, warnings. */
export function connectionText(connection: ConnectionSummary): string {
  const lines = [
    `Connected as *${escapeMrkdwn(connection.name)}* (@${escapeMrkdwn(connection.username)}).`,
    connection.scopes
      ? `Scopes: ${connection.scopes.map((scope) => `\`${scope}\``).join(', ')}.`
      : 'Scopes: unknown.',
  ];
  // Test Connection decides what "soon" means; its own expiry warning is said here in our words.
  const expiresSoon = connection.warnings.some((warning) => warning.code === 'TOKEN_EXPIRES_SOON');
  const days = connection.daysToExpiry;
  if (days === null) {
    lines.push('The token has no expiry date GitLab could tell.');
  } else if (expiresSoon) {
    const when = days <= 0 ? 'today' : `in ${plural(days, 'day')}`;
    lines.push(`:warning: The token expires ${when}: create a new one before then and edit the source.`);
  } else {
    lines.push(`The token expires in ${plural(days, 'day')}.`);
  }
  for (const warning of connection.warnings) {
    if (warning.code !== 'TOKEN_EXPIRES_SOON') lines.push(`:warning: ${escapeMrkdwn(warning.message)}`);
  }
  return lines.join('\n');
}

export function presentTestResult(
  outcome:
    | { ok: true; source: SourceView; connection: ConnectionSummary }
    | { ok: false; source: SourceView; code: string; message: string },
): SlackMessage {
  const name = escapeMrkdwn(outcome.source.name);
  if (outcome.ok) {
    return {
      // The fallback `text` is mrkdwn too (notifications, screen readers): escaped like the blocks.
      text: `${name}: connection OK, token of @${escapeMrkdwn(outcome.connection.username)}`,
      blocks: [
        section(`:white_check_mark: *${name}*: connection OK.\n${connectionText(outcome.connection)}`),
      ],
    };
  }
  return {
    text: `${name}: connection failed. ${escapeMrkdwn(outcome.message)}`,
    blocks: [section(`:x: *${name}*: connection failed.\n${escapeMrkdwn(outcome.message)}`)],
  };
}

export function presentRemoveConfirmation(impact: {
  source: SourceView;
  activities: number;
  mappings: number;
}): SlackMessage {
  const name = escapeMrkdwn(impact.source.name);
  return {
    text: `Remove ${name}? This deletes ${plural(impact.mappings, 'mapping')} and ${plural(impact.activities, 'stored activity', 'stored activities')}.`,
    blocks: [
      section(
        `Remove *${name}* (${escapeMrkdwn(impact.source.baseUrl)})? This deletes ${plural(impact.mappings, 'teammate mapping')} and ${plural(impact.activities, 'stored activity', 'stored activities')}.`,
      ),
      actions(`source_remove:${impact.source.id}`, [
        button({
          text: `Remove ${impact.source.name}`,
          actionId: ACTIONS.sourceRemove,
          value: impact.source.id,
          style: 'danger',
          confirm: {
            title: 'Remove this source?',
            text: `\`${name}\` and everything collected from it will be deleted. This cannot be undone.`,
            confirm: 'Remove',
          },
        }),
      ]),
    ],
  };
}

export function presentSourceRemoved(source: SourceView): SlackMessage {
  const text = `Removed the data source ${source.name} with its mappings and activities.`;
  return {
    text,
    blocks: [
      section(`:wastebasket: Removed *${escapeMrkdwn(source.name)}* with its mappings and activities.`),
      divider(),
    ],
  };
}

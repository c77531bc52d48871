import { describe, expect, it } from 'vitest';
import { presentActivity, workSummaryLine } from '../../../src/slack/ui/activity.ui.ts';
import {
  presentFetchBusy,
  presentFetchProgress,
  presentFetchSummary,
} from '../../../src/slack/ui/fetch.ui.ts';
import { formatDuration, link } from '../../../src/slack/ui/format.ts';
import { presentSourceForm } from '../../../src/slack/ui/source-form.ui.ts';
import {
  connectionText,
  presentSourceList,
  presentTestResult,
  sourceStatusText,
} from '../../../src/slack/ui/sources.ui.ts';
import { presentMapped } from '../../../src/slack/ui/teammates.ui.ts';
import { buildConnection, buildSourceView, buildSummary } from './factories.ts';

const NOW = new Date('2026-03-10T12:00:00Z');

describe('source builders', () => {
  it('never pre-fills the token, and says an empty token keeps the stored one when editing', () => {
    const view = presentSourceForm({
      metadata: { mode: 'edit', sourceId: 'id-1' },
      values: { name: 'gitlab', baseUrl: 'https://gitlab.example.com', jiraUrl: null },
    });
    const token = view.blocks.find((block) => block.block_id === 'source_token') as unknown as {
      element: Record<string, unknown>;
      optional: boolean;
    };
    expect(token.element['initial_value']).toBeUndefined();
    expect(token.optional).toBe(true);
    expect(JSON.stringify(view)).toContain('Leave empty to keep the stored token');
    expect(JSON.parse(String(view.private_metadata))).toEqual({ mode: 'edit', sourceId: 'id-1' });
  });

  it('shows a failing source with the reason, escaped so it cannot ping a channel', () => {
    const text = sourceStatusText(
      buildSourceView({ status: 'failing', lastError: 'GitLab said <!channel> & left' }),
      { now: NOW, timeZone: 'UTC' },
    );
    expect(text).toContain(':x: Failing: GitLab said &lt;!channel&gt; &amp; left');
  });

  it('warns about a token that expires within 30 days, and about an expired one', () => {
    const soon = sourceStatusText(buildSourceView({ tokenExpiresAt: new Date('2026-03-20T00:00:00Z') }), {
      now: NOW,
      timeZone: 'UTC',
    });
    expect(soon).toContain(':warning: token expires 20 Mar 2026 (in 10 days)');
    const far = sourceStatusText(buildSourceView(), { now: NOW, timeZone: 'UTC' });
    expect(far).not.toContain(':warning:');
    const expired = sourceStatusText(buildSourceView({ tokenExpiresAt: new Date('2026-03-01T00:00:00Z') }), {
      now: NOW,
      timeZone: 'UTC',
    });
    expect(expired).toContain(':warning: token expired on 1 Mar 2026');
  });

  it('describes the connection: owner, scopes, days to expiry, extra warnings', () => {
    const text = connectionText(
      buildConnection({
        daysToExpiry: 5,
        scopes: ['read_api', 'read_user'],
        warnings: [
          { code: 'TOKEN_EXPIRES_SOON', message: 'The GitLab token expires in 5 days (2026-03-15).' },
          { code: 'TOKEN_DETAILS_UNKNOWN', message: 'Something else to know' },
        ],
      }),
    );
    expect(text).toContain('Connected as *Ada Example* (@ada).');
    expect(text).toContain('Scopes: `read_api`, `read_user`.');
    expect(text).toContain(':warning: The token expires in 5 days');
    expect(text).toContain(':warning: Something else to know');
    expect(connectionText(buildConnection({ scopes: null, daysToExpiry: null }))).toContain(
      'Scopes: unknown.',
    );
  });

  it('always has a fallback text', () => {
    const messages = [
      presentSourceList([], { now: NOW, timeZone: 'UTC', canManage: false }),
      presentSourceList([buildSourceView()], { now: NOW, timeZone: 'UTC', canManage: false }),
      presentTestResult({ ok: true, source: buildSourceView(), connection: buildConnection() }),
      presentTestResult({ ok: false, source: buildSourceView(), code: 'X', message: 'Broken.' }),
      presentFetchBusy('gitlab'),
      presentFetchProgress([]),
      presentFetchSummary({ sources: [] }),
    ];
    for (const message of messages) expect(message.text.trim().length).toBeGreaterThan(0);
  });
});

describe('activity builders', () => {
  const window = { start: NOW, end: NOW, label: 'today (Tue 10 Mar 2026)', timeZone: 'Asia/Tokyo' };

  it('summarizes every headline number on one line', () => {
    const summary = {
      ...buildSummary({
        mr_opened: 2,
        mr_merged: 1,
        mr_approved: 3,
        commit_pushed: 4,
        issue_opened: 1,
        issue_commented: 2,
        mr_commented: 1,
      }),
      linesAdded: 120,
      linesRemoved: 30,
      timeLoggedSeconds: 5400,
      pipelinesPassed: 5,
      pipelinesFailed: 1,
      mrsReviewed: 2,
    };
    expect(workSummaryLine(summary)).toBe(
      '2 MRs opened, 1 merged · 2 MRs reviewed · 3 approvals · 4 commits (+120 −30) · 1 issue opened · 3 comments · 1h 30m logged · pipelines 5 passed, 1 failed',
    );
  });

  it('answers unmapped people, unknown sources and empty periods helpfully', () => {
    const unmapped = presentActivity(
      { status: 'unmapped', slackUserId: 'U9' },
      { now: NOW, timeZone: 'UTC' },
    );
    expect(unmapped.text).toBe('<@U9> is not mapped to a GitLab user yet.');
    const unknown = presentActivity(
      { status: 'unknown-source', slackUserId: 'U9', source: 'jira', sources: ['gitlab', 'other'] },
      { now: NOW, timeZone: 'UTC' },
    );
    expect(JSON.stringify(unknown.blocks)).toContain('Use `gitlab` or a source name: `gitlab`, `other`');
    const empty = presentActivity(
      { status: 'ok', slackUserId: 'U9', window, summary: buildSummary(), items: [], sources: ['gitlab'] },
      { now: NOW, timeZone: 'UTC' },
    );
    expect(empty.text).toBe('No activity for <@U9> in today (Tue 10 Mar 2026).');
  });
});

describe('fetch builders', () => {
  it('summarizes per source and teammate, with failures, notes and skipped sources', () => {
    const message = presentFetchSummary({
      sources: [
        {
          syncRunId: 'r1',
          dataSourceId: 's1',
          dataSourceName: 'gitlab',
          status: 'partial',
          counts: { U1: { commit_pushed: 3, mr_opened: 1 }, U2: {} },
          apiCalls: 42,
          retries: 1,
          durationMs: 65_000,
          failures: [{ slackUserId: 'U3', code: 'GITLAB_NOT_FOUND', message: 'No such user.' }],
          notes: ['Time logs unavailable on this GitLab.'],
        },
        {
          syncRunId: undefined,
          dataSourceId: 's2',
          dataSourceName: 'other',
          status: 'skipped',
          skippedReason: 'locked',
          counts: {},
          apiCalls: 0,
          retries: 0,
          durationMs: 0,
          failures: [],
          notes: [],
        },
      ],
    });
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(':warning: *gitlab*: partly done · took 1m');
    expect(text).not.toContain('API call');
    expect(text).toContain('• <@U1>: 3 commits, 1 MR opened');
    expect(text).toContain('• <@U2>: nothing new');
    expect(text).toContain('• :x: <@U3>: No such user.');
    expect(text).toContain('_Time logs unavailable on this GitLab._');
    expect(text).toContain('*other*: skipped — another sync of this source is running.');
    expect(text).toContain('Done · 1 teammate failed');
    expect(message.text).toBe('Fetch finished: gitlab partial, other skipped');
  });

  it('shows progress per source', () => {
    const message = presentFetchProgress([
      {
        dataSourceId: 's1',
        dataSourceName: 'gitlab',
        teammatesDone: 2,
        teammatesTotal: 5,
        lastSlackUserId: 'U2',
      },
    ]);
    expect(JSON.stringify(message.blocks)).toContain('`gitlab`: 2/5 teammates done (last: <@U2>)');
  });
});

describe('small formatters', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(600)).toBe('10m');
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(5400)).toBe('1h 30m');
  });

  it('makes links that labels cannot break, and refuses non-http targets', () => {
    expect(link('https://x.example/a b', 'a|b<c>')).toBe('<https://x.example/a%20b|a¦b&lt;c&gt;>');
    expect(link('javascript:alert(1)', 'x')).toBe('x');
    expect(link(null, 'plain')).toBe('plain');
  });

  it('names a remapping in the confirmation', () => {
    const message = presentMapped({
      slackUserId: 'U1',
      sourceId: 's',
      sourceName: 'gitlab',
      host: 'gitlab.example.com',
      username: 'grace',
      gitlabUserId: 42,
      gitlabName: 'Grace',
      previousUsername: 'ada',
    });
    expect(JSON.stringify(message.blocks)).toContain('(was @ada)');
  });
});

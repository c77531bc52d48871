import { describe, expect, it } from 'vitest';
import { CodedError } from '../../src/lib/errors.ts';
import { runResultOf } from '../../src/modules/sync/steps/run-report.ts';
import {
  classifySyncError,
  emptyReport,
  mergeReports,
  recordTeammateError,
  type StepReport,
} from '../../src/modules/sync/steps/step-report.ts';
import type { SyncSourceResult } from '../../src/modules/sync/sync.types.ts';

const silent = { warn: () => undefined } as unknown as Parameters<typeof recordTeammateError>[3];
const identity = { teammate_id: 't1', slack_user_id: 'U1', username: 'ada' };
const base: SyncSourceResult = {
  syncRunId: 'run',
  dataSourceId: 'ds',
  dataSourceName: 'GitLab',
  status: 'skipped',
  counts: {},
  apiCalls: 0,
  retries: 0,
  durationMs: 0,
  failures: [],
  notes: [],
};
const resultOf = (report: StepReport, teammates = 2, aborted = false) =>
  runResultOf({
    base,
    report,
    teammates,
    aborted,
    countsByTeammate: { t1: { commit_pushed: 2 } },
    slackUserOf: new Map([['t1', 'U1']]),
    apiCalls: 7,
    retries: 1,
    durationMs: 12,
  });

describe('what a sync step failure means', () => {
  it('stops the source for a refused token or an unreachable GitLab, and nothing else', () => {
    expect(classifySyncError(new CodedError('GITLAB_TOKEN_REVOKED', 'revoked')).stopsSource).toBe(true);
    expect(classifySyncError(new CodedError('GITLAB_UNREACHABLE', 'down')).stopsSource).toBe(true);
    expect(classifySyncError(new CodedError('GITLAB_NOT_FOUND', 'no user')).stopsSource).toBe(false);
    expect(classifySyncError(new Error('boom'))).toMatchObject({
      stopsSource: false,
      code: 'SYNC_UNEXPECTED',
    });
  });

  it('records a teammate’s own failure in words, without the internal error text', () => {
    const report = emptyReport();
    recordTeammateError(report, identity, new Error('socket hang up at 10.0.0.1'), silent, 'ds');
    expect(report.failures).toEqual([
      {
        teammateId: 't1',
        slackUserId: 'U1',
        code: 'SYNC_TEAMMATE_FAILED',
        message:
          'An unexpected error stopped this teammate’s sync; the details are in the ActivityPulse logs.',
      },
    ]);
    expect(report.stop).toBeUndefined();
  });

  it('turns a source-wide error met by one teammate into a stop of the whole source', () => {
    const report = emptyReport();
    recordTeammateError(
      report,
      identity,
      new CodedError('GITLAB_BAD_TOKEN', 'The token was refused.'),
      silent,
      'ds',
    );
    expect(report.failures).toEqual([]);
    expect(report.stop).toEqual({ code: 'GITLAB_BAD_TOKEN', userMessage: 'The token was refused.' });
  });
});

describe('a run that reaches one of its own limits (issue 14)', () => {
  it.each(['GITLAB_RUN_DEADLINE', 'GITLAB_REQUEST_BUDGET', 'GITLAB_WAIT_PAST_DEADLINE'])(
    '%s ends the whole run, partial when something was stored, failed when nothing was',
    (code) => {
      expect(classifySyncError(new CodedError(code, 'limit')).stopsSource).toBe(true);
      const report = { ...emptyReport(), stop: { code, userMessage: 'The sync of “GitLab” stopped.' } };
      expect(resultOf(report)).toMatchObject({
        status: 'partial',
        errorCode: code,
        error: 'The sync of “GitLab” stopped.',
      });
      const nothing = runResultOf({
        base,
        report,
        teammates: 2,
        aborted: false,
        countsByTeammate: {},
        slackUserOf: new Map(),
        apiCalls: 7,
        retries: 0,
        durationMs: 12,
      });
      expect(nothing).toMatchObject({ status: 'failed', errorCode: code });
    },
  );

  it('fails only the teammate for a per-request limit (timeout, size, pages)', () => {
    for (const code of ['GITLAB_REQUEST_TIMEOUT', 'GITLAB_RESPONSE_TOO_LARGE', 'GITLAB_TOO_MANY_PAGES'])
      expect(classifySyncError(new CodedError(code, 'limit')).stopsSource).toBe(false);
  });
});

describe('the run report folded from the steps', () => {
  it('keeps the first stop and every note and failure, in step order', () => {
    const merged = mergeReports([
      { ...emptyReport(), notes: ['a'] },
      { ...emptyReport(), stop: { code: 'X', userMessage: 'first' } },
      { ...emptyReport(), notes: ['b'], incomplete: true, stop: { code: 'Y', userMessage: 'second' } },
    ]);
    expect(merged).toMatchObject({ notes: ['a', 'b'], incomplete: true, stop: { code: 'X' } });
  });

  it('says succeeded, partial or failed from what the steps reported', () => {
    expect(resultOf(emptyReport())).toMatchObject({
      status: 'succeeded',
      counts: { U1: { commit_pushed: 2 } },
      apiCalls: 7,
    });
    expect(resultOf({ ...emptyReport(), incomplete: true }).status).toBe('partial');
    expect(resultOf(emptyReport(), 2, true).status).toBe('partial');
    const oneFailed = {
      ...emptyReport(),
      failures: [{ teammateId: 't1', slackUserId: 'U1', code: 'GITLAB_NOT_FOUND', message: 'no user' }],
    };
    expect(resultOf(oneFailed).status).toBe('partial');
    expect(resultOf(oneFailed, 1)).toMatchObject({
      status: 'failed',
      errorCode: 'GITLAB_NOT_FOUND',
      error: 'no user',
    });
    expect(
      resultOf({ ...emptyReport(), stop: { code: 'GITLAB_TLS', userMessage: 'bad cert' } }),
    ).toMatchObject({
      status: 'failed',
      errorCode: 'GITLAB_TLS',
      error: 'bad cert',
    });
  });
});

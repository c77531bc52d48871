import type { ActivityKind } from '../../../src/modules/activity/activity-kinds.ts';
import { ACTIVITY_KINDS } from '../../../src/modules/activity/activity-kinds.ts';
import type { ActivityItem, ActivitySummary } from '../../../src/modules/activity/activity-query.service.ts';
import type { ConnectionSummary, SourceView } from '../../../src/modules/sources/source.types.ts';

/** Domain values for pure builder tests, with overrides. */
export function buildSourceView(overrides: Partial<SourceView> = {}): SourceView {
  return {
    id: '6f1d8a52-3c3e-4f0a-9d8e-0a4e2b1c9d01',
    name: 'gitlab',
    type: 'gitlab',
    baseUrl: 'https://gitlab.example.com',
    host: 'gitlab.example.com',
    jiraUrl: null,
    status: 'ok',
    lastErrorCode: null,
    lastError: null,
    lastTestedAt: new Date('2026-03-10T10:00:00Z'),
    lastSyncAt: null,
    failureCount: 0,
    nextSyncAfter: null,
    tokenScopes: ['read_api'],
    tokenExpiresAt: new Date('2026-12-31T00:00:00Z'),
    tokenUsername: 'ada',
    createdBy: 'U0ADMIN',
    ...overrides,
  };
}

export function buildConnection(overrides: Partial<ConnectionSummary> = {}): ConnectionSummary {
  return {
    username: 'ada',
    name: 'Ada Example',
    gitlabUserId: 41,
    scopes: ['read_api'],
    expiresAt: new Date('2026-12-31T00:00:00Z'),
    daysToExpiry: 296,
    warnings: [],
    ...overrides,
  };
}

export function buildItem(overrides: Partial<ActivityItem> = {}): ActivityItem {
  return {
    kind: 'commit_pushed',
    occurredAt: new Date('2026-03-10T10:00:00Z'),
    title: 'Change something',
    url: 'https://gitlab.example.com/acme/billing/-/commit/abc',
    project: 'acme/billing',
    sourceName: 'gitlab',
    linesAdded: 1,
    linesRemoved: 0,
    durationSeconds: null,
    timeSpentSeconds: null,
    status: null,
    branch: null,
    snippet: null,
    review: false,
    jira: [],
    ...overrides,
  };
}

export function buildSummary(counts: Partial<Record<ActivityKind, number>> = {}): ActivitySummary {
  const all = Object.fromEntries(ACTIVITY_KINDS.map((kind) => [kind, counts[kind] ?? 0])) as Record<
    ActivityKind,
    number
  >;
  return {
    counts: all,
    total: Object.values(all).reduce((sum, count) => sum + count, 0),
    linesAdded: 0,
    linesRemoved: 0,
    timeLoggedSeconds: 0,
    pipelinesPassed: 0,
    pipelinesFailed: 0,
    mrsReviewed: 0,
  };
}

import type { FakeEvent, FakeScenario } from './scenario.ts';

/**
 * A small team on one GitLab: ada (41) and grace (42), both in acme/billing (7); a private
 * project acme/secret (8) only grace can see; tokens for each interesting token state.
 */
export const TOKENS = {
  /** ada, read_api, expires far away. */
  ada: 'glpat-AdaReadApi0000000001',
  /** grace, api scope, no expiry. */
  grace: 'glpat-GraceApi00000000002',
  /** ada, only read_user: /user works, everything else 403. */
  readUserOnly: 'glpat-AdaReadUser00000003',
  /** ada, read_repository only: even /user is 403. */
  noApiScope: 'glpat-AdaRepoOnly00000004',
  expired: 'glpat-AdaExpired000000005',
  revoked: 'glpat-AdaRevoked000000006',
  /** A project access token: /personal_access_tokens/self answers 400. */
  projectToken: 'glpat-ProjectBot00000007',
  /** ada, read_api, expires 2025-01-20 (see EXPIRY_SOON_NOW). */
  expiringSoon: 'glpat-AdaExpiring0000008',
  /** A token with no recognisable prefix, to prove exact-value redaction. */
  plain: 'plain-secret-value-000009',
} as const;

export function buildScenario(overrides: Partial<FakeScenario> = {}): FakeScenario {
  return {
    users: [
      { id: 41, username: 'ada', name: 'Ada Example', public_email: 'ada@example.test' },
      { id: 42, username: 'grace', name: 'Grace Example' },
      { id: 43, username: 'hidden', name: 'Private Person', private_profile: true },
      { id: 90, username: 'project_7_bot', name: 'billing bot' },
    ],
    tokens: {
      [TOKENS.ada]: { userId: 41, scopes: ['read_api'], expires_at: '2099-12-31', name: 'activitypulse' },
      [TOKENS.grace]: { userId: 42, scopes: ['api'], expires_at: null },
      [TOKENS.readUserOnly]: { userId: 41, scopes: ['read_user'], expires_at: '2099-12-31' },
      [TOKENS.noApiScope]: { userId: 41, scopes: ['read_repository'], expires_at: '2099-12-31' },
      [TOKENS.expired]: { userId: 41, scopes: ['read_api'], expires_at: '2020-01-01' },
      [TOKENS.revoked]: { userId: 41, scopes: ['read_api'], revoked: true },
      [TOKENS.projectToken]: { userId: 90, scopes: ['read_api'], kind: 'project' },
      [TOKENS.expiringSoon]: { userId: 41, scopes: ['read_api', 'read_user'], expires_at: '2025-01-20' },
      [TOKENS.plain]: { userId: 41, scopes: ['read_api'] },
    },
    projects: [
      { id: 7, path_with_namespace: 'acme/billing', default_branch: 'main', visibility: 'internal' },
      { id: 8, path_with_namespace: 'acme/secret', visibility: 'private', memberIds: [42] },
    ],
    version: { version: '17.11.2-ee', revision: '3c1f4a9d2b7', enterprise: true },
    ...overrides,
  };
}

/** `count` push events by `author`, one a minute from `start`, ids from `firstId`. */
export function buildPushEvents(
  count: number,
  options: { author?: string; projectId?: number; start?: string; firstId?: number } = {},
): FakeEvent[] {
  const start = Date.parse(options.start ?? '2024-05-06T08:00:00Z');
  return Array.from({ length: count }, (_, index) => ({
    id: (options.firstId ?? 10_000) + index,
    author: options.author ?? 'ada',
    project_id: options.projectId ?? 7,
    action_name: 'pushed to',
    target_type: null,
    created_at: new Date(start + index * 60_000).toISOString(),
    push_data: {
      commit_count: 1,
      action: 'pushed',
      ref_type: 'branch',
      commit_from: `${String(index).padStart(40, '0')}`,
      commit_to: `${String(index + 1).padStart(40, '0')}`,
      ref: 'main',
      commit_title: `Change ${index}`,
    },
  }));
}

/**
 * The smallest team with something to sync: ada pushed one commit to acme/billing's main
 * `daysAgo` days ago (the first push of `buildPushEvents`, 0…0 → 0…1), with its stats.
 */
export function onePushScenario(commit: {
  message: string;
  additions: number;
  deletions: number;
  daysAgo?: number;
}): FakeScenario {
  const start = new Date(Date.now() - (commit.daysAgo ?? 2) * 86_400_000).toISOString();
  return buildScenario({
    events: buildPushEvents(1, { author: 'ada', start }),
    commits: [
      {
        project_id: 7,
        refs: ['main'],
        id: '1'.padStart(40, '0'),
        message: commit.message,
        author_name: 'Ada Example',
        author_email: 'ada@example.test',
        authored_date: start,
        committed_date: start,
        additions: commit.additions,
        deletions: commit.deletions,
      },
    ],
  });
}

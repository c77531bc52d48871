import { describe, expect, it } from 'vitest';
import { testConnection } from '../../src/gitlab/test-connection.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { rejectionOf, startKit } from './gitlab-test-kit.ts';

const NOW = new Date('2025-01-08T15:30:00Z');
const fakeNow = { now: () => NOW.getTime() };

describe('testConnection', () => {
  it('reports the user, scopes, expiry and version of a good token', async () => {
    const kit = await startKit(buildScenario(), fakeNow);
    const report = await testConnection(kit.client(TOKENS.ada), { now: NOW });

    expect(report).toEqual({
      user: { id: 41, username: 'ada', name: 'Ada Example' },
      scopes: ['read_api'],
      expiresAt: new Date('2099-12-31T00:00:00Z'),
      daysToExpiry: 27_385,
      warnings: [],
      version: '17.11.2-ee',
    });
    expect(kit.fake.countsByEndpoint()).toEqual({
      'GET /user': 1,
      'GET /personal_access_tokens/self': 1,
      'GET /version': 1,
    });
  });

  it('warns, with the day count, when the token expires within 30 days', async () => {
    const kit = await startKit(buildScenario(), fakeNow);
    const report = await testConnection(kit.client(TOKENS.expiringSoon), { now: NOW });

    expect(report.daysToExpiry).toBe(12);
    expect(report.warnings).toEqual([
      {
        code: 'TOKEN_EXPIRES_SOON',
        message:
          'The GitLab token expires in 12 days (2025-01-20): create a new one with the read_api scope before then and edit the source.',
      },
    ]);
  });

  it('says "today" on the last valid day', async () => {
    const kit = await startKit(buildScenario(), { now: () => Date.parse('2025-01-20T08:00:00Z') });
    const report = await testConnection(kit.client(TOKENS.expiringSoon), {
      now: new Date('2025-01-20T08:00:00Z'),
    });
    expect(report.daysToExpiry).toBe(0);
    expect(report.warnings[0]).toMatchObject({ code: 'TOKEN_EXPIRES_SOON' });
    expect(report.warnings[0]?.message).toContain('expires today');
  });

  it('accepts a token without expiry and the api scope', async () => {
    const kit = await startKit(buildScenario(), fakeNow);
    const report = await testConnection(kit.client(TOKENS.grace), { now: NOW });
    expect(report).toMatchObject({ scopes: ['api'], expiresAt: null, daysToExpiry: null, warnings: [] });
  });

  it('fails with GITLAB_MISSING_SCOPE when the token has neither read_api nor api', async () => {
    const kit = await startKit(buildScenario(), fakeNow);
    const error = await rejectionOf(testConnection(kit.client(TOKENS.readUserOnly), { now: NOW }));
    expect(error).toMatchObject({ code: 'GITLAB_MISSING_SCOPE' });
    expect(error.userMessage).toBe(
      'The token needs the read_api scope (it has read_user): create a personal access token with read_api and edit the source.',
    );
  });

  it('fails with GITLAB_MISSING_SCOPE when GitLab refuses even /user', async () => {
    const kit = await startKit(buildScenario(), fakeNow);
    const error = await rejectionOf(testConnection(kit.client(TOKENS.noApiScope), { now: NOW }));
    expect(error).toMatchObject({ code: 'GITLAB_MISSING_SCOPE', status: 403 });
  });

  it('fails with GITLAB_TOKEN_EXPIRED for an expired token', async () => {
    const kit = await startKit(buildScenario(), fakeNow);
    const error = await rejectionOf(testConnection(kit.client(TOKENS.expired), { now: NOW }));
    expect(error).toMatchObject({ code: 'GITLAB_TOKEN_EXPIRED' });
    expect(kit.fake.count()).toBe(1);
  });

  it('fails with GITLAB_TOKEN_REVOKED for a revoked token', async () => {
    const kit = await startKit(buildScenario(), fakeNow);
    const error = await rejectionOf(testConnection(kit.client(TOKENS.revoked), { now: NOW }));
    expect(error).toMatchObject({ code: 'GITLAB_TOKEN_REVOKED' });
  });

  it('fails when GitLab reports the token inactive or revoked', async () => {
    const scenario = buildScenario();
    scenario.tokens['glpat-InactiveFlag0000001'] = { userId: 41, scopes: ['read_api'], active: false };
    const kit = await startKit(scenario, fakeNow);
    const error = await rejectionOf(testConnection(kit.client('glpat-InactiveFlag0000001'), { now: NOW }));
    expect(error).toMatchObject({ code: 'GITLAB_TOKEN_EXPIRED' });
  });

  it('accepts a project access token with a warning: its scopes are unknown', async () => {
    const kit = await startKit(buildScenario(), fakeNow);
    const report = await testConnection(kit.client(TOKENS.projectToken), { now: NOW });

    expect(report).toMatchObject({
      user: { id: 90, username: 'project_7_bot' },
      scopes: null,
      expiresAt: null,
      daysToExpiry: null,
    });
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatchObject({ code: 'TOKEN_DETAILS_UNKNOWN' });
    expect(report.warnings[0]?.message).toContain('read_api');
    expect(kit.fake.count('GET /personal_access_tokens/self')).toBe(1);
  });

  it('still succeeds without a version when /version fails', async () => {
    const kit = await startKit(buildScenario(), {
      ...fakeNow,
      faults: [
        {
          kind: 'status',
          status: 404,
          body: { message: '404 Not Found' },
          match: { endpoint: 'GET /version' },
        },
      ],
    });
    const report = await testConnection(kit.client(TOKENS.ada), { now: NOW });
    expect(report.version).toBeUndefined();
    expect(report.user.username).toBe('ada');
  });

  it.each(['15.1.6', '15.4.2-ee'])(
    'falls back to /user and a GraphQL probe when GitLab %s answers 401 for /personal_access_tokens/self',
    async (version) => {
      const kit = await startKit(buildScenario({ version: { version, revision: 'abc' } }), fakeNow);
      const report = await testConnection(kit.client(TOKENS.ada), { now: NOW });

      expect(report).toMatchObject({ user: { username: 'ada' }, scopes: null, expiresAt: null, version });
      expect(report.warnings.map((warning) => warning.code)).toEqual(['TOKEN_DETAILS_UNKNOWN']);
      expect(kit.fake.requests.map((request) => [request.endpoint, request.status])).toEqual([
        ['GET /user', 200],
        ['GET /personal_access_tokens/self', 401],
        ['POST /api/graphql', 200],
        ['GET /version', 200],
      ]);
    },
  );

  it('refuses a GitLab older than 15.0, saying which version it runs and what is needed', async () => {
    const kit = await startKit(buildScenario({ version: { version: '14.2.5', revision: 'abc' } }), fakeNow);
    const error = await rejectionOf(testConnection(kit.client(TOKENS.ada), { now: NOW }));
    expect(error).toMatchObject({
      code: 'GITLAB_TOO_OLD',
      userMessage:
        'This GitLab runs version 14.2.5; ActivityPulse needs GitLab 15.0 or newer. Upgrade GitLab, then add the source again.',
    });
  });

  it('still refuses a token without read_api on GitLab 15.3: the probe is refused', async () => {
    const kit = await startKit(buildScenario({ version: { version: '15.3.0', revision: 'abc' } }), fakeNow);
    const error = await rejectionOf(testConnection(kit.client(TOKENS.readUserOnly), { now: NOW }));
    expect(error).toMatchObject({ code: 'GITLAB_MISSING_SCOPE' });
  });

  it('still refuses a bad token on GitLab 15.3: /user answers 401 first', async () => {
    const kit = await startKit(buildScenario({ version: { version: '15.3.0', revision: 'abc' } }), fakeNow);
    const error = await rejectionOf(testConnection(kit.client('glpat-NotAToken0000000000'), { now: NOW }));
    expect(error).toMatchObject({ code: 'GITLAB_BAD_TOKEN' });
    expect(kit.fake.count()).toBe(1);
  });
});

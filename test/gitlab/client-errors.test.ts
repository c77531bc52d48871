import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GitLabClient } from '../../src/gitlab/client.ts';
import { listUserEvents } from '../../src/gitlab/events.api.ts';
import { getProject } from '../../src/gitlab/projects.api.ts';
import { errorFromTransport } from '../../src/gitlab/transport-errors.ts';
import { createGitLabDispatcher } from '../../src/gitlab/url-guard.ts';
import { findUserByUsername, getCurrentUser } from '../../src/gitlab/users.api.ts';
import { buildPushEvents, buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { faults } from '../support/fake-gitlab/faults.ts';
import { collect, rejectionOf, startKit } from './gitlab-test-kit.ts';

const NEW_TOKEN = 'create a new personal access token with the read_api scope and edit the source.';

/** Every text an error carries that could reach a log or Slack. */
function allText(error: Error & Record<string, unknown>): string {
  return [error.message, error.userMessage, error.stack, String(error.cause ?? '')].join('\n');
}

describe('GitLab errors become coded errors', () => {
  it('GITLAB_BAD_TOKEN for an unknown token', async () => {
    const kit = await startKit(buildScenario());
    const error = await rejectionOf(getCurrentUser(kit.client('glpat-does-not-exist-0000')));
    expect(error).toMatchObject({ code: 'GITLAB_BAD_TOKEN', status: 401, endpoint: 'GET /user' });
    expect(error.userMessage).toContain('did not accept the token');
  });

  it('GITLAB_TOKEN_EXPIRED, telling the user to create a new token', async () => {
    const kit = await startKit(buildScenario());
    const error = await rejectionOf(getCurrentUser(kit.client(TOKENS.expired)));
    expect(error).toMatchObject({ code: 'GITLAB_TOKEN_EXPIRED' });
    expect(error.userMessage).toBe(`The GitLab token has expired: ${NEW_TOKEN}`);
  });

  it('GITLAB_TOKEN_REVOKED', async () => {
    const kit = await startKit(buildScenario());
    const error = await rejectionOf(getCurrentUser(kit.client(TOKENS.revoked)));
    expect(error).toMatchObject({ code: 'GITLAB_TOKEN_REVOKED' });
    expect(error.userMessage).toBe(`The GitLab token was revoked: ${NEW_TOKEN}`);
  });

  it('GITLAB_MISSING_SCOPE names the scopes GitLab asked for', async () => {
    const kit = await startKit(buildScenario());
    const error = await rejectionOf(collect(listUserEvents(kit.client(TOKENS.readUserOnly), 41)));
    expect(error).toMatchObject({
      code: 'GITLAB_MISSING_SCOPE',
      status: 403,
      endpoint: 'GET /users/:id/events',
    });
    expect(error.userMessage).toContain('(one of: api, read_api)');
    expect(error.userMessage).toContain('read_api scope');
  });

  it('GITLAB_FORBIDDEN for any other 403', async () => {
    const kit = await startKit(buildScenario(), {
      faults: [{ kind: 'status', status: 403, body: { message: '403 Forbidden' } }],
    });
    const error = await rejectionOf(getProject(kit.client(TOKENS.ada), 7));
    expect(error).toMatchObject({ code: 'GITLAB_FORBIDDEN', status: 403, endpoint: 'GET /projects/:id' });
  });

  it('GITLAB_NOT_FOUND for a private project, naming what was missing', async () => {
    const kit = await startKit(buildScenario());
    const error = await rejectionOf(getProject(kit.client(TOKENS.ada), 'acme/secret'));
    expect(error).toMatchObject({ code: 'GITLAB_NOT_FOUND', status: 404 });
    expect(error.userMessage).toContain('could not find project');
    expect(error.message).toBe('GET /api/v4/projects/acme%2Fsecret answered 404 (404 Project Not Found)');
  });

  it('GITLAB_NOT_FOUND when the base URL already ends in /api/v4 (doubled path)', async () => {
    const kit = await startKit(buildScenario());
    const error = await rejectionOf(
      getCurrentUser(kit.client(TOKENS.ada, { baseUrl: `${kit.fake.url}/api/v4` })),
    );
    expect(error).toMatchObject({ code: 'GITLAB_NOT_FOUND' });
    expect(error.userMessage).toContain('check the GitLab URL');
  });

  it('GITLAB_BAD_REQUEST for a 422', async () => {
    const kit = await startKit(buildScenario(), {
      faults: [{ kind: 'status', status: 422, body: { message: 'Unprocessable' } }],
    });
    expect(await rejectionOf(getCurrentUser(kit.client(TOKENS.ada)))).toMatchObject({
      code: 'GITLAB_BAD_REQUEST',
      status: 422,
    });
  });

  it('GITLAB_REDIRECTED tells the user where GitLab wanted to go', async () => {
    const kit = await startKit(buildScenario(), {
      faults: [
        {
          kind: 'status',
          status: 301,
          headers: { Location: 'https://gitlab.example.test/api/v4/user' },
          body: '',
        },
      ],
    });
    const error = await rejectionOf(getCurrentUser(kit.client(TOKENS.ada)));
    expect(error).toMatchObject({ code: 'GITLAB_REDIRECTED', status: 301 });
    expect(error.userMessage).toContain('https://gitlab.example.test/api/v4/user');
  });

  it('GITLAB_BAD_RESPONSE names the endpoint when a resource does not match its schema', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.body({ id: 'forty-one' })] });
    const error = await rejectionOf(getCurrentUser(kit.client(TOKENS.ada)));
    expect(error).toMatchObject({ code: 'GITLAB_BAD_RESPONSE', endpoint: 'GET /user' });
    expect(error.userMessage).toContain('GET /user');
    expect(error.message).toContain('id:');
    expect(kit.fake.count()).toBe(1);
  });

  it('skips and counts one malformed item in a page instead of failing the page', async () => {
    const good = {
      id: 2,
      action_name: 'pushed to',
      target_id: null,
      target_iid: null,
      target_type: null,
      target_title: null,
      author_id: 41,
      project_id: 7,
      created_at: '2024-05-06T09:00:00Z',
    };
    const kit = await startKit(buildScenario({ events: buildPushEvents(3) }), {
      // The first item has no created_at, which every event has: it cannot be read.
      faults: [faults.body([{ ...good, id: 1, created_at: undefined }, good])],
    });
    const client = kit.client(TOKENS.ada);
    const pages = await collect(listUserEvents(client, 41));
    expect(pages.flatMap((page) => page.items.map((event) => event.id))).toEqual([2]);
    expect(client.stats.unreadableItems).toBe(1);
  });

  it('GITLAB_BAD_RESPONSE when a 200 is not JSON', async () => {
    const kit = await startKit(buildScenario(), {
      faults: [{ kind: 'status', status: 200, body: '<html>Sign in</html>' }],
    });
    const error = await rejectionOf(findUserByUsername(kit.client(TOKENS.ada), 'ada'));
    expect(error).toMatchObject({ code: 'GITLAB_BAD_RESPONSE' });
    expect(error.message).toContain('not JSON');
  });

  it('GITLAB_GRAPHQL_ERROR carries the GraphQL messages', async () => {
    const kit = await startKit(buildScenario());
    const error = await rejectionOf(kit.client(TOKENS.ada).graphql('query { nothing }', {}, z.unknown()));
    expect(error).toMatchObject({
      code: 'GITLAB_GRAPHQL_ERROR',
      graphqlMessages: ["Field 'nothing' doesn't exist on type 'Query'"],
    });
  });

  it('GITLAB_UNREACHABLE when nothing listens (connection refused), without retrying', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const kit = await startKit(buildScenario());
    const client = kit.client(TOKENS.ada, { baseUrl: `http://127.0.0.1:${port}` });

    const error = await rejectionOf(getCurrentUser(client));
    expect(error).toMatchObject({ code: 'GITLAB_UNREACHABLE' });
    expect(error.userMessage).toContain('the connection was refused');
    expect(client.stats.requests).toBe(1);
  });

  it('GITLAB_UNREACHABLE when the host name does not resolve', async () => {
    const lookup = async (hostname: string) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    const dispatcher = createGitLabDispatcher({ allowedHosts: [], lookup });
    try {
      // "localhost" gets past the test network fence to the real connect path, where the stub answers.
      const client = new GitLabClient({ baseUrl: 'http://localhost:9', token: TOKENS.ada, dispatcher });
      const error = await rejectionOf(getCurrentUser(client));
      expect(error).toMatchObject({ code: 'GITLAB_UNREACHABLE' });
      expect(error.userMessage).toContain('localhost:9 (the host name does not exist)');
      expect(client.stats.requests).toBe(1);
    } finally {
      await dispatcher.close();
    }
  });

  it('GITLAB_TLS when TLS fails (https against a plain HTTP port)', async () => {
    const kit = await startKit(buildScenario());
    const client = kit.client(TOKENS.ada, { baseUrl: kit.fake.url.replace('http:', 'https:') });
    const error = await rejectionOf(getCurrentUser(client));
    expect(error).toMatchObject({ code: 'GITLAB_TLS' });
    expect(error.userMessage).toContain('NODE_EXTRA_CA_CERTS');
  });

  it.each([
    'CERT_HAS_EXPIRED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('classifies %s as GITLAB_TLS', (code) => {
    const context = {
      method: 'GET',
      path: '/api/v4/user',
      endpoint: 'GET /user',
      host: 'gitlab.example.test',
    };
    const cause = Object.assign(new Error('certificate problem'), { code });
    expect(errorFromTransport(context, new Error('fetch failed', { cause }))).toMatchObject({
      code: 'GITLAB_TLS',
    });
  });
});

describe('tokens never appear in errors', () => {
  it('masks a token GitLab echoes back, even one without a known prefix', async () => {
    const kit = await startKit(buildScenario(), {
      faults: [{ kind: 'status', status: 400, body: { message: `400 bad token ${TOKENS.plain}` } }],
    });
    const error = await rejectionOf(getCurrentUser(kit.client(TOKENS.plain)));
    expect(error.message).toContain('[REDACTED]');
    expect(allText(error)).not.toContain(TOKENS.plain);
  });

  it.each([
    ['bad token', 'glpat-NotKnownAnywhere0001', []],
    ['expired token', TOKENS.expired, []],
    ['missing scope', TOKENS.noApiScope, []],
    ['rate limited', TOKENS.plain, [faults.retryLater(10)]],
    ['server error', TOKENS.plain, [faults.serverError(500, 10)]],
    ['connection reset', TOKENS.plain, [faults.connectionReset(10)]],
    ['schema mismatch', TOKENS.plain, [faults.body({ nope: true })]],
  ])('%s', async (_label, token, injected) => {
    const kit = await startKit(buildScenario(), { faults: injected });
    const error = await rejectionOf(getCurrentUser(kit.client(token, { retry: { maxAttempts: 2 } })));
    expect(allText(error)).not.toContain(token);
  });
});

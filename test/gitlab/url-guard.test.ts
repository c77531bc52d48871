import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { GitLabClient } from '../../src/gitlab/client.ts';
import {
  canonicalHost,
  classifyAddress,
  createGitLabDispatcher,
  createGuardedLookup,
  type HostLookup,
  isForbiddenAddress,
  isHostAllowed,
} from '../../src/gitlab/url-guard.ts';
import { getCurrentUser } from '../../src/gitlab/users.api.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab } from '../support/fake-gitlab/fake-gitlab.ts';

describe('classifyAddress (pure)', () => {
  it.each([
    ['169.254.169.254', 'link-local'], // cloud metadata service
    ['169.254.0.1', 'link-local'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.254', 'carrier-grade-nat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fd00::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['0:0:0:0:0:ffff:c0a8:101', 'private'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'], // NAT64
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:a00:1::', 'private'], // 6to4 wrapping 10.0.0.1
    ['2001:db8::1', 'reserved'],
    ['not-an-ip', 'invalid'],
    ['1.2.3', 'invalid'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81d::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
  ])('%s is public and allowed', (ip) => {
    expect(classifyAddress(ip)).toBe('public');
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe('allow-list matching', () => {
  it('compares host names case-insensitively and IPv6 in any spelling', () => {
    expect(isHostAllowed('GitLab.Internal.', ['gitlab.internal'])).toBe(true);
    expect(isHostAllowed('[::1]', ['0:0:0:0:0:0:0:1'])).toBe(true);
    expect(isHostAllowed('127.0.0.1', ['localhost'])).toBe(false);
    expect(canonicalHost('[FD00::1]')).toBe('fd00:0:0:0:0:0:0:1');
  });
});

describe('createGuardedLookup (the resolver the socket connects with)', () => {
  function lookupWith(answer: LookupAddress[], allowedHosts: string[] = []) {
    const asked: string[] = [];
    const resolve: HostLookup = async (hostname) => {
      asked.push(hostname);
      return answer;
    };
    const lookup = createGuardedLookup(allowedHosts, resolve);
    const call = (all: boolean) =>
      new Promise<{ error: (Error & { code?: string }) | null; result: unknown }>((done) => {
        lookup('internal.example.test', { all, family: 0 }, (error, result) => done({ error, result }));
      });
    return { asked, call };
  }

  it('refuses a host name that resolves to 10.1.2.3; no address reaches the socket', async () => {
    const { asked, call } = lookupWith([{ address: '10.1.2.3', family: 4 }]);
    for (const all of [true, false]) {
      const { error, result } = await call(all);
      expect(error).toMatchObject({ code: 'GITLAB_HOST_REFUSED' });
      expect(result).toBe('');
    }
    expect(asked).toEqual(['internal.example.test', 'internal.example.test']);
  });

  it('refuses when any of several answers is internal (no picking the "good" one)', async () => {
    const { call } = lookupWith([
      { address: '203.0.114.10', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ]);
    expect((await call(true)).error).toMatchObject({ code: 'GITLAB_HOST_REFUSED' });
  });

  it('passes public answers through in both lookup forms', async () => {
    const { call } = lookupWith([{ address: '203.0.114.10', family: 4 }]);
    expect(await call(true)).toEqual({ error: null, result: [{ address: '203.0.114.10', family: 4 }] });
    expect(await call(false)).toEqual({ error: null, result: '203.0.114.10' });
  });

  it('lets an operator allow the host name, or the address itself', async () => {
    expect(
      (await lookupWith([{ address: '10.1.2.3', family: 4 }], ['internal.example.test']).call(true)).error,
    ).toBe(null);
    expect((await lookupWith([{ address: '10.1.2.3', family: 4 }], ['10.1.2.3']).call(true)).error).toBe(
      null,
    );
  });
});

describe('the GitLab dispatcher end to end (loopback only)', () => {
  async function attempt(baseUrl: string, allowedHosts: string[], lookup?: HostLookup) {
    const dispatcher = createGitLabDispatcher({ allowedHosts, ...(lookup ? { lookup } : {}) });
    try {
      const client = new GitLabClient({ baseUrl, token: TOKENS.ada, dispatcher, sleep: async () => {} });
      return await getCurrentUser(client).then(
        (user) => ({ user, error: undefined }),
        (error: Error & Record<string, unknown>) => ({ user: undefined, error }),
      );
    } finally {
      await dispatcher.close();
    }
  }

  it('refuses the fake GitLab on 127.0.0.1 when it is not allowed, without connecting', async () => {
    const fake = await createFakeGitLab(buildScenario());
    try {
      const { error } = await attempt(fake.url, []);
      expect(error).toMatchObject({ code: 'GITLAB_HOST_REFUSED' });
      expect(error?.userMessage).toContain('GITLAB_ALLOWED_HOSTS');
      expect(error?.userMessage).toContain('127.0.0.1');
      expect(error?.userMessage).not.toContain(TOKENS.ada);
      expect(fake.count()).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('connects when GITLAB_ALLOWED_HOSTS names 127.0.0.1', async () => {
    const fake = await createFakeGitLab(buildScenario());
    try {
      const { user } = await attempt(fake.url, ['127.0.0.1']);
      expect(user?.username).toBe('ada');
      expect(fake.count()).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('checks the address a host name resolves to at connect time, and allows it by name', async () => {
    const fake = await createFakeGitLab(buildScenario());
    const port = new URL(fake.url).port;
    const lookups: string[] = [];
    const toLoopback: HostLookup = async (hostname) => {
      lookups.push(hostname);
      return [{ address: '127.0.0.1', family: 4 }];
    };
    try {
      const refused = await attempt(`http://localhost:${port}`, [], toLoopback);
      expect(refused.error).toMatchObject({ code: 'GITLAB_HOST_REFUSED' });
      expect(fake.count()).toBe(0);

      const allowed = await attempt(`http://localhost:${port}`, ['localhost'], toLoopback);
      expect(allowed.user?.username).toBe('ada');
      expect(fake.count()).toBe(1);
      expect(lookups).toEqual(['localhost', 'localhost']);
    } finally {
      await fake.close();
    }
  });

  it.each(['http://127.0.0.2:9', 'http://[::1]:9', 'http://0.0.0.0:9', 'http://[::ffff:127.0.0.1]:9'])(
    'refuses the IP literal %s before connecting',
    async (baseUrl) => {
      const { error } = await attempt(baseUrl, ['127.0.0.1']);
      expect(error).toMatchObject({ code: 'GITLAB_HOST_REFUSED' });
    },
  );
});

import nock from 'nock';

/**
 * Tests talk to loopback only: the Bolt server, the fake GitLab and PostgreSQL on this machine.
 * Any HTTP request elsewhere fails instead of leaving the machine.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

nock.disableNetConnect();
nock.enableNetConnect((host) => isLoopbackHost(host));

import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { CodedError } from '../lib/errors.ts';
import { type AddressClass, canonicalHost, classifyAddress, isForbiddenAddress } from './address-rules.ts';

export { type AddressClass, canonicalHost, classifyAddress, isForbiddenAddress } from './address-rules.ts';

/**
 * SSRF guard for user-supplied GitLab URLs. The check runs inside the connection itself: the
 * resolver that picks the address the socket connects to is the one that refuses a private
 * address, so DNS answering "public" to a pre-check and "private" to the connection (rebinding)
 * gains nothing. IP-literal hosts never go through a resolver, so they are checked before connecting.
 */

/** Resolves a host name to every address it has; injectable so tests never touch real DNS. */
export type HostLookup = (hostname: string, family: 0 | 4 | 6) => Promise<LookupAddress[]>;

export interface GitLabDispatcherOptions {
  /** Host names or IPs an operator allows although they are private (config.gitlabAllowedHosts). */
  allowedHosts: readonly string[];
  /** Resolver behind the guard; defaults to the system one (`dns.lookup`, so /etc/hosts applies). */
  lookup?: HostLookup;
  /** Time allowed for DNS + TCP + TLS; default 10 s. */
  connectTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept; default 30 s. */
  keepAliveTimeoutMs?: number;
  /** Sockets per origin; default 8. */
  connections?: number;
}

const systemLookup: HostLookup = (hostname, family) =>
  dnsPromises.lookup(hostname, { all: true, family, verbatim: true });

export function isHostAllowed(host: string, allowedHosts: readonly string[]): boolean {
  const wanted = canonicalHost(host);
  return allowedHosts.some((entry) => canonicalHost(entry) === wanted);
}

/** Throws GITLAB_HOST_REFUSED when connecting to `address` for `hostname` is not allowed. */
export function assertAddressAllowed(
  hostname: string,
  address: string,
  allowedHosts: readonly string[],
): void {
  if (!isForbiddenAddress(address)) return;
  if (isHostAllowed(hostname, allowedHosts) || isHostAllowed(address, allowedHosts)) return;
  throw hostRefusedError(hostname, address, classifyAddress(address));
}

export function hostRefusedError(hostname: string, address: string, kind: AddressClass): CodedError {
  const name = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  const what = kind === 'invalid' ? 'an address that is not valid' : `a ${kind.replace(/-/g, ' ')} address`;
  // The resolved address stays in the operator detail: users only need to know why and who can fix it.
  return new CodedError(
    'GITLAB_HOST_REFUSED',
    `ActivityPulse will not connect to ${name}: it points to ${what} (private, loopback or otherwise internal). If this GitLab really runs on your internal network, an operator can allow it by adding ${name} to GITLAB_ALLOWED_HOSTS.`,
    { detail: `refused to connect to ${name} (${address}, ${kind}); not in GITLAB_ALLOWED_HOSTS` },
  );
}

/** `lookup` for net/tls.connect that refuses forbidden addresses for hosts that are not allowed. */
export function createGuardedLookup(allowedHosts: readonly string[], resolve: HostLookup): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    resolve(hostname, family).then(
      (addresses) => {
        if (addresses.length === 0) {
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
            hostname,
          });
          callback(error, '', 0);
          return;
        }
        // One forbidden answer refuses the host: a public name has no business resolving to an
        // internal address, and connecting to "the other one" would still let DNS pick the target.
        try {
          for (const entry of addresses) assertAddressAllowed(hostname, entry.address, allowedHosts);
        } catch (error) {
          callback(error as NodeJS.ErrnoException, '', 0);
          return;
        }
        if (options.all) {
          callback(null, addresses);
        } else {
          const [first] = addresses as [LookupAddress];
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

/**
 * The undici dispatcher every GitLab request goes through in production. Pass it to
 * `new GitLabClient({ dispatcher })`; close it on shutdown.
 */
export function createGitLabDispatcher(options: GitLabDispatcherOptions): Dispatcher {
  const allowedHosts = [...options.allowedHosts];
  const connectTimeout = options.connectTimeoutMs ?? 10_000;
  const baseConnect = buildConnector({
    timeout: connectTimeout,
    lookup: createGuardedLookup(allowedHosts, options.lookup ?? systemLookup),
  });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    // Node skips `lookup` for IP literals (http://10.0.0.1, http://[::1]), so judge them here.
    if (isIP(connectOptions.hostname) !== 0) {
      try {
        assertAddressAllowed(connectOptions.hostname, connectOptions.hostname, allowedHosts);
      } catch (error) {
        callback(error as Error, null);
        return;
      }
    }
    baseConnect(connectOptions, callback);
  };
  return new Agent({
    connect,
    connectTimeout,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connections: options.connections ?? 8,
  });
}

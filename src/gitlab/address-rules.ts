import { isIPv4, isIPv6 } from 'node:net';

/**
 * Which IP addresses a GitLab source may connect to. Pure functions, so every rule is unit-tested
 * without opening a socket. Anything that is not plainly a public unicast address is forbidden:
 * a user-supplied GitLab URL must not reach the cloud metadata service, the cluster network or
 * this machine unless an operator allows that host by name (GITLAB_ALLOWED_HOSTS).
 */
export type AddressClass =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'carrier-grade-nat'
  | 'reserved'
  | 'public'
  | 'invalid';

type V4Rule = [base: string, prefix: number, kind: AddressClass];

// Checked in order; the first match wins.
const V4_RULES: V4Rule[] = [
  ['0.0.0.0', 32, 'unspecified'],
  ['0.0.0.0', 8, 'reserved'], // "this network": Linux treats 0.x as local
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['169.254.0.0', 16, 'link-local'], // includes 169.254.169.254, the cloud metadata service
  ['100.64.0.0', 10, 'carrier-grade-nat'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['198.51.100.0', 24, 'reserved'], // documentation
  ['203.0.113.0', 24, 'reserved'], // documentation
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

export function classifyAddress(ip: string): AddressClass {
  const address = stripBrackets(ip).replace(/%.*$/, '');
  if (isIPv4(address)) return classifyV4(v4ToNumber(address));
  if (isIPv6(address)) return classifyV6(parseV6(address));
  return 'invalid';
}

export function isForbiddenAddress(ip: string): boolean {
  return classifyAddress(ip) !== 'public';
}

/** Canonical text for comparing an allow-list entry with a host or address (`[::1]` = `0:0:…:1`). */
export function canonicalHost(host: string): string {
  const bare = stripBrackets(host.trim().toLowerCase()).replace(/\.$/, '');
  if (isIPv6(bare))
    return parseV6(bare)
      .map((group) => group.toString(16))
      .join(':');
  return bare;
}

function classifyV4(value: number): AddressClass {
  for (const [base, prefix, kind] of V4_RULES) {
    if (inV4Range(value, v4ToNumber(base), prefix)) return kind;
  }
  return 'public';
}

function classifyV6(groups: number[]): AddressClass {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  const embeddedV4 = ((g6 << 16) >>> 0) + g7;
  if (firstFiveZero && g5 === 0 && g6 === 0) {
    if (g7 === 0) return 'unspecified';
    if (g7 === 1) return 'loopback';
  }
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) forms reach the
  // IPv4 address they embed, so they are judged by the IPv4 rules.
  if (firstFiveZero && (g5 === 0xffff || g5 === 0)) return classifyV4(embeddedV4);
  // NAT64 (64:ff9b::/96) forwards to the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyV4(embeddedV4);
  }
  // 6to4 (2002::/16) embeds an IPv4 address in the next 32 bits.
  if (g0 === 0x2002) return classifyV4(((g1 << 16) >>> 0) + g2);
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'reserved'; // deprecated site-local
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'reserved'; // documentation
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved'; // discard prefix
  // Global unicast is 2000::/3; everything else is unassigned.
  return (g0 & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

function v4ToNumber(address: string): number {
  return address.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
}

function inV4Range(value: number, base: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return value >= base && value < base + size;
}

/** Eight 16-bit groups; the input is already known to be valid IPv6. */
function parseV6(address: string): number[] {
  let text = address;
  const tail: number[] = [];
  const v4Match = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4Match?.[1]) {
    const value = v4ToNumber(v4Match[1]);
    tail.push(Math.floor(value / 65536), value % 65536);
    text = text.slice(0, -v4Match[1].length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const toGroups = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head = '', rest] = text.split('::');
  const left = toGroups(head);
  const right = [...toGroups(rest ?? ''), ...tail];
  if (rest === undefined) return [...left, ...tail];
  const zeros = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

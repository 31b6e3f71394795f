import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from '../errors';

/**
 * Keeps outbound calls the server makes for a user (webhooks, purge hooks) off the machine's
 * own network: loopback, private, link-local, CGNAT, metadata and other special addresses are
 * refused, for IPv4 and IPv6 alike (IPv4-mapped, NAT64 and IPv4-compatible forms unwrapped;
 * IPv4-translated, local-use NAT64, Teredo and discard-only prefixes refused whole).
 * A name is resolved once and the call connects to that address (see `outbound-post.ts`), so
 * a DNS answer cannot change between the check and the connection.
 */

export interface OutboundPolicy {
  /** IMGAPI_WEBHOOK_ALLOW_PRIVATE=1: private targets allowed (tests, a trusted LAN). */
  allowPrivate: boolean;
}

export interface ResolvedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }[]>;

/** The time a whole outbound call may take, the name's lookup included. */
export const OUTBOUND_TIMEOUT_MS = 10_000;

const defaultLookup: Lookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export const forbiddenTarget = (message: string) => new AppError('forbidden_target', message);

// [first address, prefix length] in 32-bit form.
const V4_BLOCKED: readonly [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
];

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v4Blocked(ip: string): boolean {
  const n = v4ToInt(ip);
  return V4_BLOCKED.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(v4ToInt(base) / 2 ** (32 - bits)));
}

/** The eight 16-bit groups of an IPv6 address (an embedded dotted IPv4 tail included). */
function v6Groups(ip: string): number[] {
  let text = ip.replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const n = v4ToInt(tail[1]!);
    text = `${text.slice(0, -tail[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const zeros = rest === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

function v6Blocked(ip: string): boolean {
  const g = v6Groups(ip);
  const embeddedV4 = `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && g[5] === 0xffff) return v4Blocked(embeddedV4); // ::ffff:a.b.c.d
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return true; // ::ffff:0:a.b.c.d IPv4-translated (SIIT), never a public host
  if (zeroUpTo(6)) return g[6] === 0 && g[7]! <= 1 ? true : v4Blocked(embeddedV4); // ::, ::1, ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4Blocked(embeddedV4); // 64:ff9b::/96 NAT64: the IPv4 it reaches
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0x0001) return true; // 64:ff9b:1::/48 local-use NAT64 (RFC 8215): a private translator
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return true; // 100::/64 discard-only
  if (g[0] === 0x2001 && g[1] === 0) return true; // 2001::/32 Teredo: tunnels to an IPv4 the prefix hides
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local (fd00::/8, fd00:ec2::254)
  if ((g[0]! & 0xffc0) === 0xfe80 || (g[0]! & 0xffc0) === 0xfec0) return true; // link-local, site-local
  if ((g[0]! & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  if (g[0] === 0x2002) return v4Blocked(`${g[1]! >> 8}.${g[1]! & 255}.${g[2]! >> 8}.${g[2]! & 255}`); // 6to4
  return false;
}

/** True for an address no user-supplied target may reach. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return v4Blocked(address);
  if (family === 6) return v6Blocked(address);
  return true;
}

const BLOCKED_NAMES = /^(localhost|.*\.localhost|.*\.local|.*\.internal|metadata|instance-data)\.?$/i;

/** The URL if its form is acceptable (http/https, no credentials, a host); throws forbidden_target. */
export function checkTargetUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('invalid_input', 'url must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AppError('invalid_input', 'url must use http or https');
  if (url.username || url.password) throw new AppError('invalid_input', 'url must not contain credentials');
  if (!url.hostname) throw new AppError('invalid_input', 'url must name a host');
  if (policy.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) ? isForbiddenAddress(host) : BLOCKED_NAMES.test(host)) {
    throw forbiddenTarget(`${url.hostname} is a private, loopback, link-local or metadata address`);
  }
  return url;
}

/** A lookup bounded by the call's deadline: a resolver that never answers does not hold a sender past it. */
async function lookupWithin(lookup: Lookup, host: string, timeoutMs: number): Promise<{ address: string; family: number }[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('unavailable', `${host} did not resolve within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([
      lookup(host).catch((error: Error) => {
        throw new AppError('unavailable', `${host} does not resolve: ${error.message}`);
      }),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves the target once, within `timeoutMs`. Every address the name resolves to must be public (unless private
 * targets are allowed): a name with one private answer among public ones is refused.
 */
export async function resolveTarget(raw: string, policy: OutboundPolicy, lookup: Lookup = defaultLookup, timeoutMs = OUTBOUND_TIMEOUT_MS): Promise<ResolvedTarget> {
  const url = checkTargetUrl(raw, policy);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  const answers = family ? [{ address: host, family }] : await lookupWithin(lookup, host, timeoutMs);
  if (answers.length === 0) throw new AppError('unavailable', `${host} does not resolve`);
  if (!policy.allowPrivate && answers.some((a) => isForbiddenAddress(a.address))) {
    // The address itself is not named: the message reaches the caller and the purge log, and must not map the internal network.
    throw forbiddenTarget(`${host} resolves to a forbidden (private, loopback, link-local or metadata) address`);
  }
  const chosen = answers[0]!;
  return { url, address: chosen.address, family: chosen.family === 6 ? 6 : 4 };
}

/**
 * The check at registration (a webhook, a purge target): the URL's form, and a name looked up
 * (never connected to) must not resolve to a forbidden address. A name that does not resolve
 * now is accepted: it is checked again, and pinned, at every send (`resolveTarget`).
 */
export async function checkTargetForRegistration(raw: string, policy: OutboundPolicy, lookup?: Lookup): Promise<URL> {
  const url = checkTargetUrl(raw, policy);
  if (!policy.allowPrivate) {
    await resolveTarget(url.href, policy, lookup).catch((error) => {
      if (error instanceof AppError && error.code === 'forbidden_target') throw error;
    });
  }
  return url;
}

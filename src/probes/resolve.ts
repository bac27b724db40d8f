/**
 * Name resolution as the worker's Go resolver does it on Linux: `--resolve` overrides first (as
 * curl's), IP literals as they are, then /etc/hosts, then DNS (A and AAAA). Addresses are tried
 * IPv4 first, as Go dials them for names like localhost (127.0.0.1, then ::1).
 * Known differences from Go: no search-domain expansion for short names (MCS URLs are FQDNs),
 * no RFC 6724 sorting beyond "IPv4 first", and the resolver address in errors is the first
 * nameserver of resolv.conf (Go names the server that answered, normally that one).
 */
import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { FetchDeadline } from './deadline.js';
import { ProbeFailure } from './failure.js';
import { IO_TIMEOUT, joinHostPort, lookupError } from './go-errors.js';

export interface ResolveOptions {
  /** curl-style overrides, host (lower case, no trailing dot) -> IP. */
  overrides?: Map<string, string>;
  /** Default /etc/hosts. */
  hostsFile?: string;
  /** Default /etc/resolv.conf (only read to name the resolver in errors). */
  resolvConf?: string;
  /** DNS servers as "ip" or "ip:port"; default: the system's (resolv.conf). */
  dnsServers?: string[];
  timeoutMs: number;
}

export interface Resolved {
  addresses: string[];
  source: 'ip-literal' | 'override' | 'hosts' | 'dns';
  /** The DNS server, when DNS was asked. */
  resolver?: string;
}

/** Go's lookups are case-insensitive and ignore one trailing dot. */
export function canonicalHostName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** IPv4 before IPv6, keeping the order within each family. */
function ipv4First(addresses: string[]): string[] {
  return [...addresses.filter((a) => isIP(a) === 4), ...addresses.filter((a) => isIP(a) === 6)];
}

export async function lookupHostsFile(host: string, path = '/etc/hosts'): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return []; // Go treats a missing hosts file as empty
  }
  const want = canonicalHostName(host);
  const found: string[] = [];
  for (const raw of text.split('\n')) {
    const fields = (raw.split('#')[0] ?? '').trim().split(/\s+/);
    const [ip, ...names] = fields;
    if (!ip || names.length === 0) continue;
    const addr = ip.split('%')[0] ?? ip;
    if (!isIP(addr)) continue;
    if (names.some((n) => canonicalHostName(n) === want) && !found.includes(addr)) found.push(addr);
  }
  return found;
}

/** The resolver Go would name in a lookup error: the first nameserver, port 53 (Go's default is 127.0.0.1:53). */
export async function systemResolverAddress(path = '/etc/resolv.conf'): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    for (const line of text.split('\n')) {
      const m = /^\s*nameserver\s+(\S+)/.exec(line);
      const ip = m?.[1]?.split('%')[0];
      if (ip && isIP(ip)) return joinHostPort(ip, 53);
    }
  } catch {
    // no resolv.conf: Go falls back to localhost
  }
  return '127.0.0.1:53';
}

function serverLabel(server: string): string {
  if (server.startsWith('[') || /^[^:]+:\d+$/.test(server)) return server;
  return joinHostPort(server, 53);
}

export async function resolveHost(
  host: string,
  opts: ResolveOptions,
  deadline: FetchDeadline,
): Promise<Resolved> {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare)) return { addresses: [bare], source: 'ip-literal' };
  const name = canonicalHostName(host);
  const override = opts.overrides?.get(name);
  if (override) return { addresses: [override], source: 'override' };
  const fromHosts = await lookupHostsFile(name, opts.hostsFile);
  if (fromHosts.length > 0) return { addresses: ipv4First(fromHosts), source: 'hosts' };

  const limit = deadline.limit(opts.timeoutMs);
  const resolver = new Resolver({ timeout: Math.max(1, limit.ms), tries: 1 });
  if (opts.dnsServers?.length) resolver.setServers(opts.dnsServers);
  const server = opts.dnsServers?.[0]
    ? serverLabel(opts.dnsServers[0])
    : await systemResolverAddress(opts.resolvConf);
  const timer = setTimeout(() => resolver.cancel(), Math.max(1, limit.ms));
  try {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    const addresses = [
      ...(v4.status === 'fulfilled' ? v4.value : []),
      ...(v6.status === 'fulfilled' ? v6.value : []),
    ];
    if (addresses.length > 0) return { addresses: ipv4First(addresses), source: 'dns', resolver: server };
    const codes = [v4, v6].map((r) =>
      r.status === 'rejected' ? String((r.reason as NodeJS.ErrnoException).code) : 'ENODATA',
    );
    let err: string;
    if (codes.some((c) => c === 'ETIMEOUT' || c === 'ECANCELLED')) {
      err = FetchDeadline.text(limit, IO_TIMEOUT);
      if (limit.source === 'total')
        throw new ProbeFailure('timeout', err, `DNS lookup of ${name} did not finish`);
      throw new ProbeFailure(
        'timeout',
        lookupError(name, server, err),
        `the DNS server ${server} did not answer`,
      );
    }
    if (codes.some((c) => c === 'ESERVFAIL' || c === 'EREFUSED' || c === 'EBADRESP')) {
      err = 'server misbehaving';
    } else if (codes.every((c) => c === 'ENOTFOUND' || c === 'ENODATA')) {
      err = 'no such host';
    } else {
      err = `server misbehaving`;
    }
    throw new ProbeFailure(
      'dns-error',
      lookupError(name, server, err),
      `${name} does not resolve (not in ${opts.hostsFile ?? '/etc/hosts'}, DNS: ${codes.join('/')})`,
    );
  } finally {
    clearTimeout(timer);
  }
}

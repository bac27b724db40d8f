/**
 * The parts of the fetch URL as Go's net/http uses them. The host keeps its case (Go does not
 * lower-case it: it is the SNI, the name verified and the Host header as written); WHATWG URL
 * would lower-case it, so the authority is taken from the text itself.
 */
import { isIP } from 'node:net';

export interface FetchTarget {
  /** The URL as given (Ignition prints it in `Get "<url>"`). */
  url: string;
  scheme: string;
  /** Host without brackets: what is resolved and shown. */
  host: string;
  /** Go's tls ServerName: host as written, IPv6 in brackets. */
  serverName: string;
  isIpHost: boolean;
  port: number;
  /** The Host header: host[:port] as written. */
  hostHeader: string;
  /** Path and query for the request line. */
  path: string;
}

export class TargetError extends Error {}

export function parseTarget(raw: string): FetchTarget {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^#]*)/.exec(raw);
  if (!m) throw new TargetError('not an absolute URL');
  const scheme = (m[1] as string).toLowerCase();
  let authority = m[2] as string;
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let hostPart: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close < 0) throw new TargetError('unclosed [ in the host');
    hostPart = authority.slice(0, close + 1);
    const rest = authority.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new TargetError('unexpected text after ]');
    portText = rest ? rest.slice(1) : undefined;
  } else {
    const colon = authority.lastIndexOf(':');
    hostPart = colon >= 0 ? authority.slice(0, colon) : authority;
    portText = colon >= 0 ? authority.slice(colon + 1) : undefined;
  }
  if (hostPart === '' || hostPart === '[]') throw new TargetError('no host');
  if (portText !== undefined && portText !== '' && !/^\d+$/.test(portText))
    throw new TargetError('invalid port');
  const port = portText ? Number(portText) : scheme === 'https' ? 443 : 80;
  if (port < 1 || port > 65535) throw new TargetError('port out of range');
  const host = hostPart.startsWith('[') ? hostPart.slice(1, -1) : hostPart;
  if (hostPart.startsWith('[') && isIP(host) !== 6) throw new TargetError('invalid IPv6 address in brackets');
  if (!hostPart.startsWith('[') && !/^[A-Za-z0-9._-]+$/.test(host))
    throw new TargetError('invalid host name');
  const path = (m[3] as string) === '' ? '/' : (m[3] as string);
  return {
    url: raw,
    scheme,
    host,
    serverName: hostPart,
    isIpHost: isIP(host) !== 0,
    port,
    hostHeader: authority,
    path,
  };
}

/** The host of a URL as Go takes it (brackets off, case kept), or undefined when it is not a URL. */
export function urlHost(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    return parseTarget(raw).host;
  } catch {
    return undefined;
  }
}

/**
 * The parts of Go 1.19's net/url and net.SplitHostPort that crypto/x509 depends on: URI SANs
 * are url.Parse'd when a certificate is parsed (parser.go, with the error text in
 * "x509: cannot parse URI ...") and their Host is matched against URI name constraints
 * (verify.go matchURIConstraint, which prints uri.String()). Strings are Go strings: a JS
 * string whose char codes are the bytes.
 */
import { goQuote } from './goquote.js';

export interface GoURL {
  scheme: string;
  opaque: string;
  /** The userinfo as written (we only print it back). */
  user?: string;
  host: string;
  /** The path as written (escaped), which EscapedPath returns for the URIs we meet. */
  rawPath: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment?: string;
}

type Mode = 'host' | 'path' | 'fragment' | 'user';

const isHex = (c: string): boolean => /^[0-9a-fA-F]$/.test(c);

function shouldEscapeHost(c: string): boolean {
  if (/^[a-zA-Z0-9]$/.test(c)) return false;
  if ('!$&\'()*+,;=:[]<>"'.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  return true;
}

/** url.unescape's validation: the error text, or undefined. */
function checkEscapes(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length;) {
    const c = s[i] as string;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1] as string) || !isHex(s[i + 2] as string)) {
        return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      }
      if (mode === 'host' && parseInt(s[i + 1] as string, 16) < 8 && s.slice(i, i + 3) !== '%25') {
        return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      }
      i += 3;
      continue;
    }
    if (mode === 'host' && c.charCodeAt(0) < 0x80 && shouldEscapeHost(c)) {
      return `invalid character ${goQuote(c)} in host name`;
    }
    i++;
  }
  return undefined;
}

function unescape(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function getScheme(raw: string): { scheme: string; rest: string } | string {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) return 'missing protocol scheme';
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  return /^[0-9]*$/.test(port.slice(1));
}

function parseHost(host: string): string | { error: string } {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) return { error: "missing ']' in host" };
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) return { error: `invalid port ${goQuote(colonPort)} after host` };
    }
  }
  const err = checkEscapes(host, 'host');
  if (err) return { error: err };
  return unescape(host);
}

function parseNoFragment(raw: string): GoURL | string {
  for (let i = 0; i < raw.length; i++) {
    const b = raw.charCodeAt(i);
    if (b < 0x20 || b === 0x7f) return 'net/url: invalid control character in URL';
  }
  const u: GoURL = { scheme: '', opaque: '', host: '', rawPath: '', rawQuery: '', forceQuery: false };
  if (raw === '*') {
    u.rawPath = '*';
    return u;
  }
  const s = getScheme(raw);
  if (typeof s === 'string') return s;
  u.scheme = s.scheme.replace(/[A-Z]/g, (c) => c.toLowerCase());
  let rest = s.rest;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    const segment = rest.split('/')[0] as string;
    if (segment.includes(':')) return 'first path segment in URL cannot contain colon';
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    const at = authority.lastIndexOf('@');
    const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (typeof host !== 'string') return host.error;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return 'net/url: invalid userinfo';
      const err = checkEscapes(userinfo, 'user');
      if (err) return err;
      u.user = userinfo;
    }
    u.host = host;
  }
  const err = checkEscapes(rest, 'path');
  if (err) return err;
  u.rawPath = rest;
  return u;
}

/** url.Parse: the URL, or the text of its *url.Error. */
export function parseURL(raw: string): GoURL | { error: string } {
  const hash = raw.indexOf('#');
  const u = hash < 0 ? raw : raw.slice(0, hash);
  const parsed = parseNoFragment(u);
  if (typeof parsed === 'string') return { error: `parse ${goQuote(u)}: ${parsed}` };
  if (hash >= 0) {
    const frag = raw.slice(hash + 1);
    const err = checkEscapes(frag, 'fragment');
    if (err) return { error: `parse ${goQuote(raw)}: ${err}` };
    if (frag !== '') parsed.fragment = frag;
  }
  return parsed;
}

/** (*url.URL).String() for a URL from parseURL. */
export function urlString(u: GoURL): string {
  let out = '';
  if (u.scheme !== '') out += u.scheme + ':';
  if (u.opaque !== '') {
    out += u.opaque;
  } else {
    if (u.scheme !== '' || u.host !== '' || u.user !== undefined) {
      if (u.host !== '' || u.rawPath !== '' || u.user !== undefined) out += '//';
      if (u.user !== undefined) out += u.user + '@';
      out += u.host;
    }
    const path = u.rawPath;
    if (path !== '' && path[0] !== '/' && u.host !== '') out += '/';
    if (out === '' && (path.split('/')[0] as string).includes(':')) out += './';
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== '') out += '?' + u.rawQuery;
  if (u.fragment !== undefined) out += '#' + u.fragment;
  return out;
}

/** net.SplitHostPort: host, or the *net.AddrError text. */
export function splitHostPort(hostport: string): { host: string } | { error: string } {
  const addrErr = (why: string): { error: string } => ({ error: `address ${hostport}: ${why}` });
  const i = hostport.lastIndexOf(':');
  if (i < 0) return addrErr('missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) return addrErr("missing ']' in address");
    if (end + 1 === hostport.length) return addrErr('missing port in address');
    if (end + 1 !== i) {
      if (hostport[end + 1] === ':') return addrErr('too many colons in address');
      return addrErr('missing port in address');
    }
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return addrErr('too many colons in address');
  }
  if (hostport.slice(j).includes('[')) return addrErr("unexpected '[' in address");
  if (hostport.slice(k).includes(']')) return addrErr("unexpected ']' in address");
  return { host };
}

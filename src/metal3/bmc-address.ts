/**
 * Metal3's reading of `spec.bmc.address` (baremetal-operator `pkg/hardwareutils/bmc/access.go`
 * GetParsedURL + NewAccessDetails and the per-driver factories), with Go's net/url quirks
 * reproduced where they decide the outcome: a bare `host:port` is IPMI, `redfish:1.2.3.4` is an
 * opaque URL re-read as `redfish://1.2.3.4`, IPv6 needs brackets, the hostname must be an IP or an
 * RFC 1123 name. Errors carry BMO's own texts, since they end up in `status.errorMessage`.
 */
import { isIP } from 'node:net';
import { versionAtLeast } from '../openshift/version.js';

/** An OpenShift version, `4.16` or `4.16.3`. */
type OpenShiftVersion = string;

export type BmcAddressErrorKind = 'empty' | 'parse' | 'unknown-type';

export class BmcAddressError extends Error {
  constructor(
    readonly kind: BmcAddressErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'BmcAddressError';
  }
}

export interface BmcAccess {
  /** The BMC type (factory name) without a `+http`/`+https` suffix: `redfish-virtualmedia`, `ipmi`. */
  type: string;
  /** The URL scheme as written (BMO's `Type()`): `redfish-virtualmedia+http`. */
  scheme: string;
  /** Ironic talks Redfish to this BMC (generic redfish/idrac-redfish drivers). */
  redfish: boolean;
  /** `http`/`https` for the HTTP-based drivers (Redfish defaults to https); undefined for IPMI, iRMC. */
  transport?: 'http' | 'https';
  /** Host name or IP, without IPv6 brackets. */
  host: string;
  /** Explicit port, else the driver's default (IPMI 623, Redfish the transport's); undefined when Ironic picks it. */
  port?: number;
  path: string;
  /** Ironic `redfish_system_id`: the path unless empty or just `redfish/v1`. */
  systemId?: string;
  /** Ironic `redfish_address`, `<transport>://<host[:port]>`, for Redfish drivers. */
  redfishAddress?: string;
  /** Ironic hardware type. */
  driver: string;
  /** Ironic boot interface. */
  bootInterface: string;
}

interface Factory {
  driver: string;
  bootInterface: string;
  redfish: boolean;
  /** `+http`/`+https` variants registered (RegisterFactory's schemes). */
  transports: readonly ('http' | 'https')[];
  kind: 'ipmi' | 'redfish' | 'hostname-port' | 'url-host';
  /** Which OpenShift releases still ship it (OBMO branches; see the reference §2). */
  availableIn?: (v: OpenShiftVersion) => boolean;
}

const HTTP_S = ['http', 'https'] as const;

const FACTORIES: Record<string, Factory> = {
  ipmi: { driver: 'ipmi', bootInterface: 'ipxe', redfish: false, transports: [], kind: 'ipmi' },
  libvirt: { driver: 'ipmi', bootInterface: 'ipxe', redfish: false, transports: [], kind: 'ipmi' },
  redfish: { driver: 'redfish', bootInterface: 'ipxe', redfish: true, transports: HTTP_S, kind: 'redfish' },
  'ilo5-redfish': {
    driver: 'redfish',
    bootInterface: 'ipxe',
    redfish: true,
    transports: HTTP_S,
    kind: 'redfish',
  },
  'idrac-redfish': {
    driver: 'idrac',
    bootInterface: 'ipxe',
    redfish: true,
    transports: HTTP_S,
    kind: 'redfish',
  },
  'redfish-virtualmedia': {
    driver: 'redfish',
    bootInterface: 'redfish-virtual-media',
    redfish: true,
    transports: HTTP_S,
    kind: 'redfish',
  },
  'ilo5-virtualmedia': {
    driver: 'redfish',
    bootInterface: 'redfish-virtual-media',
    redfish: true,
    transports: HTTP_S,
    kind: 'redfish',
  },
  'idrac-virtualmedia': {
    driver: 'idrac',
    bootInterface: 'idrac-redfish-virtual-media',
    redfish: true,
    transports: HTTP_S,
    kind: 'redfish',
  },
  // Added upstream 2024-09 (cd1827d35): in OpenShift from 4.18 on.
  'redfish-uefihttp': {
    driver: 'redfish',
    bootInterface: 'redfish-https',
    redfish: true,
    transports: HTTP_S,
    kind: 'redfish',
    availableIn: (v) => versionAtLeast(v, '4.19'),
  },
  // proliantutils and iRMC drivers: OBMO keeps them through 4.20/4.21, so every version simulated here.
  ilo4: {
    driver: 'ilo',
    bootInterface: 'ilo-pxe',
    redfish: false,
    transports: ['https'],
    kind: 'hostname-port',
  },
  'ilo4-virtualmedia': {
    driver: 'ilo',
    bootInterface: 'ilo-virtual-media',
    redfish: false,
    transports: ['https'],
    kind: 'hostname-port',
  },
  ilo5: {
    driver: 'ilo5',
    bootInterface: 'ilo-ipxe',
    redfish: false,
    transports: ['https'],
    kind: 'hostname-port',
  },
  irmc: { driver: 'irmc', bootInterface: 'ipxe', redfish: false, transports: [], kind: 'hostname-port' },
  // Removed upstream 2024-03 (671aaeac6); OBMO release-4.14 still has them, so of ours only 4.12.
  idrac: {
    driver: 'idrac',
    bootInterface: 'ipxe',
    redfish: false,
    transports: HTTP_S,
    kind: 'hostname-port',
    availableIn: (v) => !versionAtLeast(v, '4.16'),
  },
  ibmc: {
    driver: 'ibmc',
    bootInterface: 'ipxe',
    redfish: false,
    transports: HTTP_S,
    kind: 'url-host',
    availableIn: (v) => !versionAtLeast(v, '4.16'),
  },
};

const IPMI_DEFAULT_PORT = 623;

/** The factory registered for a URL scheme (`redfish+http` -> redfish), if the version has it. */
function factoryFor(scheme: string, version?: OpenShiftVersion): Factory | undefined {
  const plus = scheme.indexOf('+');
  const base = plus < 0 ? scheme : scheme.slice(0, plus);
  const suffix = plus < 0 ? undefined : scheme.slice(plus + 1);
  if (!Object.hasOwn(FACTORIES, base)) return undefined;
  const f = FACTORIES[base];
  if (!f) return undefined;
  if (suffix !== undefined && !(f.transports as readonly string[]).includes(suffix)) return undefined;
  if (version && f.availableIn && !f.availableIn(version)) return undefined;
  return f;
}

/**
 * Parses a BMH `spec.bmc.address` as the baremetal-operator of `version` does (all versions
 * simulated here when omitted). Throws BmcAddressError with BMO's message.
 */
export function parseBmcAddress(address: string, opts: { version?: OpenShiftVersion } = {}): BmcAccess {
  if (address === '') throw new BmcAddressError('empty', 'missing BMC address');
  const url = getParsedUrl(address);
  const factory = factoryFor(url.scheme, opts.version);
  if (!factory) {
    throw new BmcAddressError('unknown-type', `Unknown BMC type '${url.scheme}' for address ${address}`);
  }
  const plus = url.scheme.indexOf('+');
  const type = plus < 0 ? url.scheme : url.scheme.slice(0, plus);
  const suffix = plus < 0 ? undefined : (url.scheme.slice(plus + 1) as 'http' | 'https');
  const { hostname, port } = splitUrlHost(url.host);
  const explicitPort = port === '' ? undefined : Number(port);
  const access: BmcAccess = {
    type,
    scheme: url.scheme,
    redfish: factory.redfish,
    host: hostname,
    path: url.path,
    driver: factory.driver,
    bootInterface: factory.bootInterface,
  };
  if (factory.kind === 'ipmi') {
    access.port = explicitPort ?? IPMI_DEFAULT_PORT;
  } else if (factory.kind === 'redfish') {
    const transport = suffix ?? 'https';
    access.transport = transport;
    access.port = explicitPort ?? (transport === 'https' ? 443 : 80);
    access.redfishAddress = `${transport}://${url.host}`;
    const trimmed = url.path.replace(/^\/+|\/+$/g, '');
    if (type === 'redfish-uefihttp' || (trimmed !== '' && trimmed !== 'redfish/v1')) {
      access.systemId = url.path;
    }
  } else {
    if (factory.transports.length > 0) access.transport = suffix ?? 'https';
    if (explicitPort !== undefined) access.port = explicitPort;
  }
  return access;
}

interface GoUrl {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
}

class GoUrlError extends Error {}

/** BMO's GetParsedURL. */
function getParsedUrl(address: string): GoUrl {
  let url: GoUrl;
  try {
    url = goUrlParse(address);
    if (url.opaque !== '') url = goUrlParse(address.replace(':', '://'));
    if (url.scheme === '' && splitUrlHost(url.host).hostname === '') url = goUrlParse(`ipmi://${address}`);
  } catch (err) {
    if (!(err instanceof GoUrlError)) throw err;
    // url.Parse rejects `host:port` (a colon in the first path segment): BMO then takes it as IPMI.
    if (address.includes(':') && !goSplitHostPortOk(address)) {
      throw new BmcAddressError('parse', `failed to parse BMC address information: ${err.message}`);
    }
    url = { scheme: 'ipmi', opaque: '', host: address, path: '' };
  }
  const hostname = splitUrlHost(url.host).hostname;
  if (hostname !== '' && isIP(hostname) === 0 && !DNS_NAME.test(hostname)) {
    throw new BmcAddressError(
      'parse',
      `failed to parse BMC address information: BMC address hostname/IP : [${hostname}] is invalid`,
    );
  }
  return url;
}

const DNS_NAME =
  /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]{0,61}[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9])$/;

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** The parts of Go's url.Parse that matter for BMC addresses (scheme, opaque, authority, path). */
function goUrlParse(raw: string): GoUrl {
  const fail = (msg: string): never => {
    throw new GoUrlError(`parse ${goQuote(raw)}: ${msg}`);
  };
  const hash = raw.indexOf('#');
  let rest = hash < 0 ? raw : raw.slice(0, hash);
  // eslint-disable-next-line no-control-regex -- Go rejects ASCII control bytes in URLs
  if (/[\x00-\x1f\x7f]/.test(rest)) fail('net/url: invalid control character in URL');
  let scheme = '';
  for (let i = 0; i < rest.length; i += 1) {
    const c = rest.charAt(i);
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) fail('missing protocol scheme');
      scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, opaque: rest, host: '', path: '' };
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) fail('first path segment in URL cannot contain colon');
  }
  let host = '';
  if (rest.startsWith('//') && (scheme !== '' || !rest.startsWith('///'))) {
    const authEnd = rest.indexOf('/', 2);
    const authority = authEnd < 0 ? rest.slice(2) : rest.slice(2, authEnd);
    rest = authEnd < 0 ? '' : rest.slice(authEnd);
    const at = authority.lastIndexOf('@');
    host = at < 0 ? authority : authority.slice(at + 1);
    if (host.startsWith('[')) {
      const close = host.lastIndexOf(']');
      if (close < 0) fail("missing ']' in host");
      const colonPort = host.slice(close + 1);
      if (!validOptionalPort(colonPort)) fail(`invalid port ${goQuote(colonPort)} after host`);
    } else {
      const colon = host.lastIndexOf(':');
      if (colon >= 0 && !validOptionalPort(host.slice(colon))) {
        fail(`invalid port ${goQuote(host.slice(colon))} after host`);
      }
    }
  }
  let path = rest;
  try {
    path = decodeURIComponent(rest);
  } catch {
    const bad = /%(?![0-9a-fA-F]{2})..?/.exec(rest)?.[0] ?? '%';
    fail(`invalid URL escape ${goQuote(bad)}`);
  }
  return { scheme, opaque: '', host, path };
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  return /^:[0-9]*$/.test(port);
}

/** url.URL Hostname()/Port(). */
function splitUrlHost(hostPort: string): { hostname: string; port: string } {
  let hostname = hostPort;
  let port = '';
  const colon = hostname.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(hostname.slice(colon))) {
    port = hostname.slice(colon + 1);
    hostname = hostname.slice(0, colon);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port };
}

/** Whether Go's net.SplitHostPort accepts it. */
function goSplitHostPortOk(hostPort: string): boolean {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) return false;
  let j = 0;
  let k = 0;
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0) return false;
    if (end + 1 === hostPort.length) return false;
    if (end + 1 !== i) return false;
    j = 1;
    k = end + 1;
  } else if (hostPort.slice(0, i).includes(':')) {
    return false;
  }
  if (hostPort.slice(j).includes('[')) return false;
  if (hostPort.slice(k).includes(']')) return false;
  return true;
}

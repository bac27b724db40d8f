/**
 * What Ignition logs when its config fetch fails, and which root cause each message points to.
 * Messages are Go error strings (net/http, crypto/x509, net) as every Ignition generation prints
 * them: 0.x and 2.x/3.x use the same `GET error:` / `GET result:` lines, Go before 1.14 leaves the
 * URL unquoted (`Get https://...: dial tcp ...`), Go 1.20+ wraps x509 errors in `tls: failed to
 * verify certificate: `, so matchers look for the `x509: ...` substring, never the whole line.
 * Real excerpts of each shape are in test/fixtures/real-logs (cited) and ignition-logs.
 */
import type { CauseId } from '../core/causes.js';

export interface Signature {
  /** Stable id of the message shape, e.g. "x509-expired". */
  id: string;
  /** What the message says, in words. */
  title: string;
  cause: CauseId;
  /** What else it can mean, or what decides it. */
  note?: string;
  /** Who wrote the message: the worker's Ignition (default), the machine-config-server, or the cluster (pasted `oc get` tables). */
  side?: 'worker' | 'mcs' | 'cluster';
  /** Other causes the message is as consistent with (the worker's own console decides). */
  alsoPossible?: CauseId[];
}

export type Classified =
  | {
      kind: 'failure';
      signature: Signature;
      url?: string;
      evidence: Record<string, string>;
      /** Hand-typed text read leniently: the canonical phrase it was read as. */
      readAs?: string;
    }
  | { kind: 'final'; reason: string; signature?: Signature }
  | { kind: 'success'; text: string }
  | { kind: 'attempt'; url: string }
  | { kind: 'unclassified'; url?: string; text: string }
  /** A known message that is no failure of a worker's fetch (e.g. a health check's handshake EOF on the MCS). */
  | { kind: 'noise'; id: string }
  /** The MCS logged a request for a pool (`Pool worker requested by address:...`): a client reached it. */
  | { kind: 'served'; pool: string; from: string; userAgent?: string };

interface Matcher {
  signature: Signature;
  re: RegExp;
  /** Names for the regex groups, in order: they become evidence fields. */
  fields?: string[];
}

const sig = (id: string, title: string, cause: CauseId, note?: string): Signature => ({
  id,
  title,
  cause,
  note,
});

const UNREACHABLE_NOTE =
  'The connection opened and then ended before the server answered: a load balancer or VIP with no healthy backend on 22623, a firewall or proxy cutting the TLS handshake, or an MCS pod going away.';

/** Ordered: the first match wins, so specific shapes come before general ones. */
const ERROR_MATCHERS: Matcher[] = [
  {
    signature: sig(
      'x509-expired',
      'certificate has expired (current time is after notAfter)',
      'mcs-cert-expired',
      "If the host's clock is ahead of real time, this is worker-clock-skew instead: compare hostClock with the real time and the BMC clock.",
    ),
    re: /x509: certificate has expired or is not yet valid: current time (\S+) is after (\S+)/,
    fields: ['hostClock', 'certNotAfter'],
  },
  {
    signature: sig(
      'x509-not-yet-valid',
      'certificate is not yet valid (current time is before notBefore)',
      'worker-clock-skew',
      "The host's clock is probably behind: set the BMC clock. If hostClock is right, the certificate was issued with a future notBefore (mcs-cert-invalid).",
    ),
    re: /x509: certificate has expired or is not yet valid: current time (\S+) is before (\S+)/,
    fields: ['hostClock', 'certNotBefore'],
  },
  {
    signature: sig(
      'x509-expired-or-not-yet-valid',
      'certificate has expired or is not yet valid',
      'mcs-cert-expired',
      "This Go version does not say which bound failed: compare the serving certificate's validity with the host's clock.",
    ),
    re: /x509: certificate has expired or is not yet valid/,
  },
  {
    // Go tried a trusted CA with the issuer's exact name and its signature check failed: the
    // classic state after the CA was regenerated (rotation, reinstall) and the pointer kept the old one.
    signature: sig(
      'x509-unknown-authority-same-name',
      'certificate signed by unknown authority: a trusted CA has the issuer name but not its key',
      'mcs-ca-mismatch',
      'The pointer trusts a CA named like the issuer (candidateAuthority) whose key did not sign the served certificate: the CA was regenerated and the pointer still holds the old one. CAs must be compared by key, never by name.',
    ),
    re: /x509: certificate signed by unknown authority \(possibly because of "((?:crypto\/rsa: verification error|x509: ECDSA verification failure|x509: Ed25519 verification failure)[^"]*)" while trying to verify candidate authority certificate "(.*)"\)/,
    fields: ['possibleReason', 'candidateAuthority'],
  },
  {
    signature: sig(
      'x509-unknown-authority',
      'certificate signed by unknown authority',
      'mcs-ca-mismatch',
      "The pointer config's CAs do not verify the served chain; a 'possibly because of' reason can mean a broken chain (mcs-cert-invalid) instead.",
    ),
    re: /x509: certificate signed by unknown authority(?: \(possibly because of "(.*)" while trying to verify candidate authority certificate "(.*)"\))?/,
    fields: ['possibleReason', 'candidateAuthority'],
  },
  {
    signature: sig('x509-name-mismatch', 'certificate is valid for other names', 'mcs-san-mismatch'),
    re: /x509: certificate is valid for (.*), not (\S+)/,
    fields: ['certNames', 'urlHost'],
  },
  {
    signature: sig(
      'x509-no-ip-sans',
      "IP URL, but the certificate doesn't contain any IP SANs",
      'mcs-san-mismatch',
    ),
    re: /x509: cannot validate certificate for (\S+) because it doesn't contain any IP SANs/,
    fields: ['urlHost'],
  },
  {
    signature: sig('x509-no-names', 'certificate is not valid for any names', 'mcs-san-mismatch'),
    re: /x509: certificate is not valid for any names, but wanted to match (\S+)/,
    fields: ['urlHost'],
  },
  {
    signature: sig(
      'x509-legacy-cn',
      'certificate relies on the legacy Common Name field (no SANs)',
      'mcs-san-mismatch',
      'Go ignores the Common Name: the serving certificate needs a subjectAltName for the URL host.',
    ),
    re: /x509: certificate relies on legacy Common Name field/,
  },
  {
    signature: sig(
      'x509-key-usage',
      'certificate specifies an incompatible key usage',
      'mcs-cert-invalid',
      'The serving certificate lacks the serverAuth extended key usage.',
    ),
    re: /x509: certificate specifies an incompatible key usage/,
  },
  {
    signature: {
      ...sig(
        'tls-verify-failed',
        'tls: failed to verify certificate (the x509 reason is not in the text)',
        'mcs-ca-mismatch',
        "Go 1.20+ says why after `tls: failed to verify certificate: x509: ...`; that part is missing here. The CA is the most common reason; `mcs-doctor probe` with the host's pointer and --at its clock names the real one.",
      ),
      alsoPossible: ['mcs-cert-expired', 'worker-clock-skew', 'mcs-san-mismatch', 'mcs-cert-invalid'],
    },
    re: /tls: failed to verify certificate:?\s*(?:x509:?)?\s*$/,
  },
  {
    signature: sig('x509-other', 'other certificate error', 'mcs-cert-invalid'),
    re: /(x509: .*)$/,
    fields: ['error'],
  },
  {
    signature: sig(
      'tls-not-a-handshake',
      'the server did not answer with TLS',
      'mcs-not-tls',
      'Something that speaks neither TLS nor HTTP answers on the port (another service, or a port forward to the wrong place): `mcs-doctor probe` quotes what it sends.',
    ),
    re: /tls: (?:first record does not look like a TLS handshake|unsupported SSLv2 handshake received)/,
  },
  {
    signature: sig(
      'http-to-https',
      'server gave HTTP response to HTTPS client',
      'mcs-not-tls',
      'A plain-HTTP server answers on the TLS port (a proxy, a load balancer, or the 22624 port forwarded to 22623).',
    ),
    re: /server gave HTTP response to HTTPS client/,
  },
  {
    signature: sig(
      'proxy-error',
      'the HTTP proxy could not be reached or refused the tunnel',
      'mcs-unreachable',
      "Ignition used the pointer's (or the cluster-wide) proxy for the MCS URL: the proxy is unreachable or cannot reach 22623. The api-int name and the machine network belong in noProxy.",
    ),
    re: /proxyconnect tcp: (.*)$/,
    fields: ['error'],
  },
  {
    signature: sig(
      'tcp-refused',
      'connection refused',
      'mcs-unreachable',
      'Nothing listens there: the MCS pod, VIP or load balancer is down, or the port is wrong.',
    ),
    re: /dial tcp (\S+): connect: connection refused/,
    fields: ['address'],
  },
  {
    signature: sig(
      'tcp-no-route',
      'no route to host',
      'mcs-unreachable',
      'Routing or a firewall rejects the connection.',
    ),
    re: /dial tcp (\S+): connect: no route to host/,
    fields: ['address'],
  },
  {
    signature: sig(
      'tcp-network-unreachable',
      'network is unreachable',
      'mcs-unreachable',
      'The host has no route to that network (no default route, or the NIC has no address yet).',
    ),
    re: /dial tcp (\S+): connect: network is unreachable/,
    fields: ['address'],
  },
  {
    signature: sig(
      'dns-no-such-host',
      'DNS: no such host',
      'mcs-unreachable',
      'The host name in the pointer URL does not resolve from the worker (api-int record or DNS server).',
    ),
    re: /dial tcp: lookup (\S+?)(?: on (\S+?))?: no such host/,
    fields: ['host', 'resolver'],
  },
  {
    signature: sig('dns-failure', 'DNS lookup failed', 'mcs-unreachable'),
    re: /dial tcp: lookup (\S+?)(?: on (\S+?))?: (.*)$/,
    fields: ['host', 'resolver', 'error'],
  },
  {
    signature: sig(
      'tcp-timeout',
      'connect i/o timeout',
      'mcs-unreachable',
      'Packets are dropped: a firewall, a wrong VIP, or the route.',
    ),
    re: /dial tcp (\S+): i\/o timeout/,
    fields: ['address'],
  },
  {
    signature: sig(
      'tcp-dial-cut',
      'the connection to the server failed (the message is cut after "dial tcp")',
      'mcs-unreachable',
      'The console cut the error short, but it failed while dialing (connect): refused, no route or timeout. The full line is in the journal (journalctl -b -t ignition).',
    ),
    re: /(?:^|: )dial tcp(?: (\S*))?\s*$/,
    fields: ['address'],
  },
  {
    signature: sig(
      'timeout',
      'timed out waiting for the server',
      'mcs-unreachable',
      'The TCP connection opens but the server does not answer (TLS handshake or HTTP headers).',
    ),
    re: /(context deadline exceeded|timeout awaiting response headers|TLS handshake timeout|Client\.Timeout exceeded|i\/o timeout)/,
    fields: ['error'],
  },
  {
    signature: sig('connection-reset', 'connection reset by peer', 'mcs-unreachable', UNREACHABLE_NOTE),
    re: /(?:read|write) tcp (\S+)->(\S+): (?:read|write): connection reset by peer|connection reset by peer/,
    fields: ['local', 'address'],
  },
  {
    signature: sig('broken-pipe', 'broken pipe', 'mcs-unreachable', UNREACHABLE_NOTE),
    re: /write: broken pipe/,
  },
  {
    signature: sig('eof', 'EOF: the connection closed before an answer', 'mcs-unreachable', UNREACHABLE_NOTE),
    re: /(?:^|: )(?:unexpected )?EOF\s*$/,
  },
  {
    signature: sig('tls-error', 'TLS handshake error', 'mcs-cert-invalid'),
    re: /((?:remote error: )?tls: .*)$/,
    fields: ['error'],
  },
];

const NOT_FOUND = sig(
  'http-404',
  'GET result: Not Found (HTTP 404)',
  'mcs-config-not-found',
  'The MCS has no such pool: check the pool name at the end of the pointer URL.',
);
const SERVER_ERROR = sig(
  'http-5xx',
  'GET result: HTTP 5xx',
  'mcs-server-error',
  'The MCS (or a proxy in front of it) failed; look at the machine-config-server pod logs.',
);
const OTHER_STATUS = sig(
  'http-unexpected-status',
  'GET result: an HTTP status other than 200',
  'mcs-server-error',
  'Something other than the MCS may be answering on the port.',
);
export const UNSUPPORTED_VERSION = sig(
  'unsupported-config-version',
  'Ignition failed: unsupported config version',
  'pointer-unsupported-version',
  "This Ignition does not accept the pointer's spec version (e.g. a spec 2.x pointer on a spec-3 RHCOS): regenerate the user-data with spec 3.",
);
/** Used when only Ignition's final `unable to fetch resource in time` is in the log, no per-attempt error. */
export const FETCH_TIMED_OUT = sig(
  'fetch-timed-out',
  'Ignition failed: unable to fetch resource in time (no per-attempt error in the log)',
  'mcs-unreachable',
  'The per-attempt GET error lines are missing from this log, so the cause is a guess: capture the full console or journal.',
);

/** Go's http.StatusText for the 5xx codes. */
const STATUS_5XX = new Set([
  'Internal Server Error',
  'Not Implemented',
  'Bad Gateway',
  'Service Unavailable',
  'Gateway Timeout',
  'HTTP Version Not Supported',
  'Variant Also Negotiates',
  'Insufficient Storage',
  'Loop Detected',
  'Not Extended',
  'Network Authentication Required',
]);

/** Go 1.14+ quotes the URL (`Get "https://..."`); before, it did not (`Get https://...: `). */
const GET_ERROR = /GET error: Get (?:"([^"]+)"|(\S+?)): (.*)$/;
const GET_RESULT = /GET result: (.*?)\s*$/;
const ATTEMPT = /GET (\S+): attempt #\d+/;
const FINAL = /Ignition failed: (.*?)\s*$/;
/** engine.go's acquireConfig / fetchReferencedConfig lines: the reason without the final `Ignition failed:`. */
const FETCH_FAILED = /failed to (?:fetch|acquire) config: (.*?)\s*$/;

const HOST_CLOCK_AHEAD = sig(
  'x509-expired-host-clock-ahead',
  'certificate "expired" at the host\'s clock, but it is still valid now: the host\'s clock is ahead',
  'worker-clock-skew',
  "The certificate's notAfter is later than the time this log is read, so only the host's clock is past it: set the BMC clock (Redfish Manager DateTime) and power-cycle.",
);

/** An "is after notAfter" whose notAfter has not come yet (at reading time) is a clock ahead, not an expiry. */
function refine(signature: Signature, evidence: Record<string, string>): Signature {
  if (signature.id !== 'x509-expired' || !evidence.certNotAfter) return signature;
  const notAfter = Date.parse(evidence.certNotAfter);
  return Number.isFinite(notAfter) && notAfter > Date.now() ? HOST_CLOCK_AHEAD : signature;
}

/** Every worker-side signature by id (lenient matching reads hand-typed text into these). */
export function workerSignature(id: string): Signature | undefined {
  if (id === UNSUPPORTED_VERSION.id) return UNSUPPORTED_VERSION;
  return ERROR_MATCHERS.find((m) => m.signature.id === id)?.signature;
}

function matchError(text: string, url?: string): Classified {
  for (const m of ERROR_MATCHERS) {
    const r = m.re.exec(text);
    if (!r) continue;
    const evidence: Record<string, string> = {};
    m.fields?.forEach((f, i) => {
      const v = r[i + 1];
      if (v !== undefined && v !== '') evidence[f] = v;
    });
    return { kind: 'failure', signature: refine(m.signature, evidence), url, evidence };
  }
  return { kind: 'unclassified', url, text };
}

/** Classifies one Ignition message (the line without its log prefix); undefined when irrelevant. */
export function classifyMessage(message: string): Classified | undefined {
  const getError = GET_ERROR.exec(message);
  if (getError) return matchError(getError[3] as string, getError[1] ?? getError[2]);
  const result = GET_RESULT.exec(message);
  if (result) {
    const status = result[1] as string;
    if (status === 'OK') return { kind: 'success', text: 'GET result: OK' };
    const signature =
      status === 'Not Found' ? NOT_FOUND : STATUS_5XX.has(status) ? SERVER_ERROR : OTHER_STATUS;
    return { kind: 'failure', signature, evidence: { status } };
  }
  const attempt = ATTEMPT.exec(message);
  if (attempt) return { kind: 'attempt', url: attempt[1] as string };
  const final = FINAL.exec(message) ?? FETCH_FAILED.exec(message);
  if (final) {
    const reason = final[1] as string;
    return reason.includes('unsupported config version')
      ? { kind: 'final', reason, signature: UNSUPPORTED_VERSION }
      : { kind: 'final', reason };
  }
  if (message.includes('Ignition finished successfully'))
    return { kind: 'success', text: 'Ignition finished successfully' };
  // A bare Go error pasted without Ignition's `GET error:` frame (e.g. from a screenshot).
  if (message.includes('x509: ') || message.includes('tls: failed to verify certificate')) {
    const c = matchError(message);
    return c.kind === 'failure' ? c : undefined;
  }
  // A `GET error:` line in a shape no matcher knows (e.g. cut by the console inside the URL).
  if (message.includes('GET error:')) return { kind: 'unclassified', text: message };
  return undefined;
}

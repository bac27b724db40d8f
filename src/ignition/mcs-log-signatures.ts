/**
 * What the machine-config-server logs about the requests it gets, and the cause each line points
 * to. A pasted MCS pod log (`oc logs -n openshift-machine-config-operator
 * machine-config-server-xxxxx`, klog or glog, optionally `--timestamps`) carries the server's
 * side of a worker's failed fetch:
 *  - Go's net/http server: `http: TLS handshake error from <addr>: <err>`. `remote error: tls:
 *    bad certificate` is the client's alert: Go's crypto/tls client (Ignition) sends it for every
 *    verification failure (go1.19 handshake_client.go verifyServerCertificate), so it proves the
 *    worker rejected the served chain but not why; `unknown certificate authority` and
 *    `certificate expired` are what OpenSSL-based clients send. A bare `EOF` is a TCP health
 *    check or a client that gave up: no failure of a worker.
 *  - MCO pkg/server/api.go: `Pool <pool> requested by address:"<addr>" User-Agent:"..."` for
 *    every /config request; `couldn't get config for req: ..., error: ...` when GetConfig fails
 *    (answered 500): an unknown pool (`could not fetch pool. err: ... not found`), a missing
 *    rendered config, or the bootstrap MCS refusing a worker pool (bootstrap_server.go
 *    `refusing to serve bootstrap configuration to pool "worker"`: the load balancer still
 *    sends 22623 to the bootstrap node); `couldn't convert`, `failed to translate|prepare|marshal`
 *    (500); an unsupported Accept header (`Unsupported ... version`, 400).
 */
import type { CauseId } from '../core/causes.js';
import type { Classified, Signature } from './log-signatures.js';

const mcs = (
  id: string,
  title: string,
  cause: CauseId,
  note: string,
  alsoPossible?: CauseId[],
): Signature => ({
  id,
  title,
  cause,
  note,
  side: 'mcs',
  ...(alsoPossible ? { alsoPossible } : {}),
});

const REJECTED_ANY = mcs(
  'mcs-client-rejected-certificate',
  'MCS log: a client aborted the handshake with "bad certificate"',
  'mcs-ca-mismatch',
  "The client at `from` rejected the served chain. Ignition's Go client sends this alert for every verification failure, so the worker's console (or `mcs-doctor probe` with its pointer and --at its clock) says which: the CA (most often), the dates, the clock or the names.",
  ['mcs-cert-expired', 'worker-clock-skew', 'mcs-san-mismatch', 'mcs-cert-invalid'],
);
const REJECTED_CA = mcs(
  'mcs-client-unknown-ca',
  'MCS log: a client does not know the CA that signed the served chain',
  'mcs-ca-mismatch',
  "The client at `from` does not trust the MCS root CA: its CA bundle (the pointer's certificateAuthorities) is not the CA in the serving secret.",
);
const REJECTED_EXPIRED = mcs(
  'mcs-client-certificate-expired',
  'MCS log: a client says the served certificate is expired',
  'mcs-cert-expired',
  "Expired at the client's clock: if the serving certificate is still valid now, that client's clock is ahead (worker-clock-skew).",
  ['worker-clock-skew'],
);
const POOL_NOT_FOUND = mcs(
  'mcs-pool-not-found',
  'MCS log: the requested pool does not exist (answered 500)',
  'mcs-config-not-found',
  'The URL names a MachineConfigPool the cluster does not have: correct the pool at the end of the pointer URL (/config/worker), or create the pool.',
);
const BOOTSTRAP_REFUSES = mcs(
  'mcs-bootstrap-refuses-pool',
  'MCS log: the bootstrap MCS refuses a non-master pool (answered 500)',
  'mcs-server-error',
  "The bootstrap node's MCS only serves the master pool. The load balancer or VIP still sends 22623 to the bootstrap node: remove it from the 22623 backends (it should be gone once bootstrap completes).",
);
const GET_CONFIG_FAILED = mcs(
  'mcs-get-config-error',
  'MCS log: GetConfig failed (answered 500)',
  'mcs-server-error',
  "The MCS could not build the pool's config (e.g. the pool's rendered MachineConfig is missing): the error is in `error`.",
);
const SERVE_FAILED = mcs(
  'mcs-serve-error',
  'MCS log: converting or writing the config failed (answered 500)',
  'mcs-server-error',
  'The MCS found the config but could not convert it to the spec the client asked for, or could not write it.',
);
const UNSUPPORTED_ACCEPT = mcs(
  'mcs-unsupported-accept',
  'MCS log: the client asked for a config spec the MCS cannot serve (answered 400)',
  'pointer-unsupported-version',
  "The worker's Ignition asks (in its Accept header) for a spec version this MCS does not serve: a boot image newer than the cluster, or an old Ignition.",
);

const CERT_CORRUPT = mcs(
  'mcs-serving-cert-unloadable',
  'MCS log: the server cannot load its serving certificate and key (it exits)',
  'mcs-cert-corrupt',
  "The machine-config-server-tls secret holds a tls.crt/tls.key pair Go cannot load (unparsable, or a key that is not the certificate's): the pods crash-loop and nothing listens on 22623.",
);
const DAEMONSET_NOT_READY = mcs(
  'mcs-daemonset-not-ready',
  'the machine-config-server daemonset is not ready',
  'mcs-not-running',
  'Some machine-config-server pods are not Ready (the operator or the installer says so): oc -n openshift-machine-config-operator get pods -l k8s-app=machine-config-server -o wide, and their logs.',
);

const HANDSHAKE = /http: TLS handshake error from (\S+): (.*)$/;
/** MCO api.go Serve: `klog.Exitf("failed to load serving cert: %v", err)` (startup). */
const LOAD_CERT = /failed to load serving cert: (.*)$|tls: private key does not match public key/;
const DAEMONSET = /Daemonset machine-config-server is not ready(?:\. status: \((.*?)\))?/;
/** Without the `couldn't get config` frame (quoted in prose, or from another log line). */
const BOOTSTRAP_BARE = /refusing to serve bootstrap configuration to pool "([^"]+)"/;
const GET_CONFIG = /couldn't get config for req: (.*?), error: (.*)$/;
const SERVE =
  /(?:couldn't convert config for req: (.*?), error: (.*)|failed to (?:translate|prepare|marshal|write) (.*?) (?:config|response): (.*))$/;
// `Pool worker` up to 4.15 (%s), `Pool "worker"` from 4.16 (%q); the rest are Go-quoted (%q).
const POOL_REQUESTED =
  /Pool "?([^"\s]+)"? requested by address:"((?:[^"\\]|\\.)*)"(?: User-Agent:"((?:[^"\\]|\\.)*)")?(?: Accept-Header: "((?:[^"\\]|\\.)*)")?/;

/** One MCS log message about a request, as data: what diagnose's facts and explain both read. */
export type McsLine =
  | { type: 'request'; pool: string; address: string; userAgent?: string; accept?: string }
  | { type: 'handshake-error'; from: string; error: string }
  | { type: 'get-config-error'; request: string; error: string };

/** Reads a request, handshake-error or GetConfig-error line of the MCS (without its log prefix). */
export function readMcsLine(message: string): McsLine | undefined {
  const requested = POOL_REQUESTED.exec(message);
  if (requested) {
    return {
      type: 'request',
      pool: requested[1] as string,
      address: requested[2] as string,
      ...(requested[3] !== undefined ? { userAgent: requested[3] } : {}),
      ...(requested[4] !== undefined ? { accept: requested[4] } : {}),
    };
  }
  const hs = HANDSHAKE.exec(message);
  if (hs) return { type: 'handshake-error', from: hs[1] as string, error: hs[2] as string };
  const gc = GET_CONFIG.exec(message);
  if (gc) return { type: 'get-config-error', request: gc[1] as string, error: gc[2] as string };
  return undefined;
}
/** api.go detectSpecVersionFromAcceptHeader: `unsupported Ignition version in Accept header: ...`. */
const ACCEPT = /unsupported Ignition version in Accept header/;

function poolOf(request: string): string | undefined {
  // `{worker <nil>}` (%v) or `{machineConfigPool:worker version:...}` (%+v).
  return /\{(?:machineConfigPool:)?([^\s{}]+)/.exec(request)?.[1];
}

/** Classifies one MCS log message (without its klog prefix); undefined when it is not about requests. */
export function classifyMcsMessage(message: string): Classified | undefined {
  const line = readMcsLine(message);
  if (line?.type === 'handshake-error') {
    const { from, error: err } = line;
    const evidence = { from, error: err };
    if (/remote error: tls: bad certificate/.test(err))
      return { kind: 'failure', signature: REJECTED_ANY, evidence };
    if (/remote error: tls: unknown certificate authority/.test(err))
      return { kind: 'failure', signature: REJECTED_CA, evidence };
    if (/remote error: tls: certificate expired/.test(err))
      return { kind: 'failure', signature: REJECTED_EXPIRED, evidence };
    // Health checks and port scans: they open TCP and close it, or speak plain HTTP to the TLS port.
    if (
      /^(?:EOF|read: connection reset by peer|.*: i\/o timeout|tls: first record does not look like a TLS handshake)$/.test(
        err,
      )
    )
      return { kind: 'noise', id: 'mcs-handshake-eof' };
    return { kind: 'unclassified', text: message };
  }
  if (line?.type === 'get-config-error') {
    const { request, error } = line;
    const pool = poolOf(request);
    const evidence: Record<string, string> = { error, ...(pool ? { pool } : {}) };
    if (/refusing to serve bootstrap configuration to pool/.test(error))
      return { kind: 'failure', signature: BOOTSTRAP_REFUSES, evidence };
    if (/could not fetch pool\b.*not found/.test(error))
      return { kind: 'failure', signature: POOL_NOT_FOUND, evidence };
    return { kind: 'failure', signature: GET_CONFIG_FAILED, evidence };
  }
  if (line?.type === 'request') {
    return {
      kind: 'served',
      pool: line.pool,
      from: line.address,
      ...(line.userAgent !== undefined ? { userAgent: line.userAgent } : {}),
    };
  }
  const load = LOAD_CERT.exec(message);
  if (load) return { kind: 'failure', signature: CERT_CORRUPT, evidence: { error: load[1] ?? load[0] } };
  const ds = DAEMONSET.exec(message);
  if (ds)
    return { kind: 'failure', signature: DAEMONSET_NOT_READY, evidence: ds[1] ? { status: ds[1] } : {} };
  const bare = BOOTSTRAP_BARE.exec(message);
  if (bare) return { kind: 'failure', signature: BOOTSTRAP_REFUSES, evidence: { pool: bare[1] as string } };
  const serve = SERVE.exec(message);
  if (serve) {
    const request = serve[1] ?? serve[3] ?? '';
    const pool = poolOf(request);
    return {
      kind: 'failure',
      signature: SERVE_FAILED,
      evidence: { error: (serve[2] ?? serve[4]) as string, ...(pool ? { pool } : {}) },
    };
  }
  if (ACCEPT.test(message))
    return { kind: 'failure', signature: UNSUPPORTED_ACCEPT, evidence: { error: message } };
  return undefined;
}

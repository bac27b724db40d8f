/**
 * workerFetch: the fetch of `/config/<pool>` as the worker's Ignition does it (Go net/http +
 * crypto/tls), step by step, with Ignition's own texts for each failure. The certificate verdict
 * is pki/verifyChain's (Go crypto/x509 semantics) at the worker's clock, never OpenSSL's.
 * Every step has a time limit and every socket is destroyed before this returns.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { InputError } from '../core/errors.js';
import { verifyChain } from '../pki/verify.js';
import type { VerifyReason } from '../pki/types.js';
import { FetchDeadline } from './deadline.js';
import { ProbeFailure } from './failure.js';
import { IGNITION_FINAL, getErrorLine, goStatusText } from './go-errors.js';
import { httpGet } from './http.js';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_STEP_TIMEOUT_MS,
  IGNITION_LEGACY_ACCEPT,
  IGNITION_SPEC3_ACCEPT,
  PROBE_LEGACY_USER_AGENT,
  PROBE_USER_AGENT,
  acceptForSpec,
} from './ignition-client.js';
import { resolveHost } from './resolve.js';
import { checkServedConfig } from './served-config.js';
import { connectTcp } from './tcp.js';
import { tlsHandshake } from './tls.js';
import { CLOSE_TIMEOUT_MS, closeTls } from './tls-close.js';
import type { FetchOptions, FetchResult, ProbeReason } from './types.js';
import { parseTarget } from './url.js';

/** pki reasons -> probe reasons; the rest of x509's refusals are "cert-invalid". */
export function probeReasonForVerify(reason: VerifyReason): ProbeReason {
  switch (reason) {
    case 'ok':
    case 'cert-expired':
    case 'cert-not-yet-valid':
    case 'unknown-authority':
    case 'hostname-mismatch':
      return reason;
    default:
      return 'cert-invalid';
  }
}

function requestHeaders(opts: FetchOptions): { userAgent: string; accept: string } {
  const accept =
    opts.accept ??
    (opts.acceptSpecVersion
      ? acceptForSpec(opts.acceptSpecVersion)
      : opts.legacyIgnition
        ? IGNITION_LEGACY_ACCEPT
        : IGNITION_SPEC3_ACCEPT);
  // mcs-doctor's own probes say so (PROBE_USER_AGENT); a User-Agent given by the caller (the
  // simulated worker, `probe --user-agent`) is sent exactly as given.
  const userAgent = opts.userAgent ?? (opts.legacyIgnition ? PROBE_LEGACY_USER_AGENT : PROBE_USER_AGENT);
  return { userAgent, accept };
}

export async function workerFetch(opts: FetchOptions): Promise<FetchResult> {
  const started = Date.now();
  let target;
  try {
    target = parseTarget(opts.url);
  } catch (err) {
    throw new InputError(`invalid URL: ${(err as Error).message}`, {
      where: opts.url,
      hint: 'give the MCS URL, e.g. https://api-int.<cluster>.<domain>:22623/config/worker',
    });
  }
  if (target.scheme !== 'https') {
    throw new InputError(`the URL must be https (got ${target.scheme})`, {
      where: opts.url,
      hint: 'workers fetch from https://...:22623; the plain-HTTP port 22624 is not what Ignition uses',
    });
  }
  const stepMs = opts.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const deadline = new FetchDeadline(opts.totalTimeoutMs);
  const headers = requestHeaders(opts);
  const result: FetchResult = {
    url: opts.url,
    host: target.host,
    port: target.port,
    at: opts.at ?? new Date(),
    verdict: 'fail',
    reason: 'ok',
    chain: [],
    timings: {},
    request: headers,
  };
  let raw: Socket | undefined;
  let tls: TLSSocket | undefined;
  try {
    let t = Date.now();
    const resolved = await resolveHost(
      target.host,
      { overrides: opts.resolve, hostsFile: opts.hostsFile, dnsServers: opts.dnsServers, timeoutMs: stepMs },
      deadline,
    );
    result.timings.dnsMs = Date.now() - t;
    result.addresses = resolved.addresses;
    result.resolvedFrom = resolved.source;

    t = Date.now();
    const connected = await connectTcp(resolved.addresses, target.port, stepMs, deadline, opts.localAddress);
    raw = connected.socket;
    result.address = connected.address;
    result.timings.connectMs = Date.now() - t;

    t = Date.now();
    const hs = await tlsHandshake(raw, {
      serverName: target.serverName,
      isIpHost: target.isIpHost,
      stepMs,
      deadline,
    });
    tls = hs.tls;
    result.timings.tlsMs = Date.now() - t;
    result.chain = hs.served;
    result.sni = hs.sni;
    result.tlsProtocol = hs.protocol;
    result.tlsCipher = hs.cipher;
    result.chainCapture = hs.chainCapture;

    // crypto/tls hands x509 the ServerName as net/http set it: the URL host, IPv6 in brackets.
    const verification = verifyChain({
      chain: hs.served,
      roots: opts.anchors,
      host: target.serverName,
      at: result.at,
    });
    result.verification = verification;
    if (!verification.ok) {
      result.reason = probeReasonForVerify(verification.reason);
      const x509Error = verification.error ?? 'x509: verification failed';
      result.ignitionError = getErrorLine(
        opts.url,
        opts.goVerifyErrorPrefix ? `tls: failed to verify certificate: ${x509Error}` : x509Error,
      );
      result.ignitionFinal = IGNITION_FINAL.timeout; // Ignition retries x509 errors until httpTotal ends
      // Only the certificate was read: end the connection cleanly (close_notify after the
      // handshake's last flight), so that the MCS logs no handshake error for this probe.
      await closeTls(tls, deadline.limit(CLOSE_TIMEOUT_MS).ms);
      return result;
    }

    t = Date.now();
    const response = await httpGet(
      tls,
      {
        hostHeader: target.hostHeader,
        path: target.path,
        userAgent: headers.userAgent,
        accept: headers.accept,
      },
      {
        headerMs: opts.responseHeaderTimeoutMs ?? stepMs,
        bodyMs: stepMs,
        maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        deadline,
      },
    );
    result.timings.httpMs = Date.now() - t;
    const statusText = goStatusText(response.status);
    result.http = {
      status: response.status,
      statusText,
      contentType: response.headers['content-type'],
      bytes: response.body.length,
    };
    const resultLine = `GET result: ${statusText}`;
    if (response.status === 404) {
      result.reason = 'not-found';
      result.ignitionError = resultLine;
      result.ignitionFinal = IGNITION_FINAL.notFound;
      result.detail = `the MCS has no config at ${target.path} (wrong pool name in the URL?)`;
      return result;
    }
    if (response.status >= 500) {
      result.reason = 'http-error';
      result.ignitionError = resultLine;
      result.ignitionFinal = IGNITION_FINAL.timeout; // 5xx is retried until httpTotal ends
      result.detail = `the MCS answered ${response.status}; an unknown pool also gets 500 from the MCS`;
      return result;
    }
    if (response.status !== 200 && response.status !== 204) {
      result.reason = 'http-error';
      result.ignitionError = resultLine;
      result.ignitionFinal = IGNITION_FINAL.failed;
      result.detail =
        response.status >= 300 && response.status < 400
          ? `a redirect to ${response.headers.location ?? '(no Location)'}: Go's client would follow it, this probe does not`
          : `HTTP ${response.status}`;
      return result;
    }
    const check = checkServedConfig(response.body, opts.legacyIgnition === true);
    result.http.ignitionVersion = check.version;
    if (!check.ok) {
      result.reason = 'not-ignition';
      result.ignitionFinal = check.final;
      result.detail = check.detail;
      return result;
    }
    result.verdict = 'ok';
    result.reason = 'ok';
    return result;
  } catch (err) {
    if (!(err instanceof ProbeFailure)) throw err;
    result.reason = err.reason;
    result.detail = err.detail;
    if (err.phase === 'body') {
      // The headers arrived: Ignition logged `GET result: OK`, then failed reading the body.
      result.ignitionFinal = `Ignition failed: ${err.goError}`;
    } else {
      result.ignitionError = getErrorLine(opts.url, err.goError);
      result.ignitionFinal = IGNITION_FINAL.timeout; // transport errors are retried until httpTotal ends
    }
    return result;
  } finally {
    tls?.destroy();
    raw?.destroy();
    result.timings.totalMs = Date.now() - started;
  }
}

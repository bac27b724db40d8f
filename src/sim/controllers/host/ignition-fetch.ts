/**
 * Ignition's fetch stage on a simulated worker, line for line as Ignition logs it to the
 * journal (and so to the console): the pointer from the config drive is parsed, its CAs added
 * (`Adding "<CN>" to list of CAs`, only the first PEM block of each source, as Ignition's
 * pem.Decode takes), then the merge source is fetched over real TLS from the host's own address,
 * verified at the host's own clock, and retried with Ignition's backoff (internal/resource/http.go:
 * initialBackoff 100 ms doubled before each wait, capped at 5 s) until the give-up time.
 */
import { ignitionAcceptsSpec, ignitionWrapsVerifyErrors } from '../../../ignition/compat.js';
import { parsePointer } from '../../../ignition/pointer.js';
import type { PointerConfig } from '../../../ignition/types.js';
import { goQuote } from '../../../pki/goquote.js';
import type { CertInfo } from '../../../pki/types.js';
import { workerFetch } from '../../../probes/fetch.js';
import { acceptedByIgnition } from '../../../probes/served-config.js';
import { IGNITION_FINAL, getErrorLine, lookupError } from '../../../probes/go-errors.js';
import { canonicalHostName } from '../../../probes/resolve.js';
import { urlHost } from '../../../probes/url.js';
import type { FetchResult } from '../../../probes/types.js';
import type { SimContext, SimHost } from '../../context.js';
import { SIM_TIMINGS } from '../../timings.js';
import { sleepUnlessAborted } from '../../../core/abortable-sleep.js';
import { ignitionRequestHeaders } from './boot-image.js';
import { sendRejectAlert } from './reject-alert.js';
import type { ConsoleWriter } from './console.js';

export const IGNITION_INITIAL_BACKOFF_MS = 100;
export const IGNITION_MAX_BACKOFF_MS = 5_000;
/** Ignition's transport: TLSHandshakeTimeout and the default ResponseHeaderTimeout are 10 s. */
const IGNITION_STEP_TIMEOUT_MS = 10_000;
/** Never below this in real time, so a loaded test machine does not turn a handshake into a timeout. */
const MIN_REAL_STEP_MS = 1_500;

export type FetchStageOutcome =
  | { ok: true; url?: string }
  | { ok: false; reason: string; lastError?: string }
  | { ok: false; aborted: true };

export interface FetchStageOptions {
  ctx: SimContext;
  host: SimHost;
  console: ConsoleWriter;
  pid: number;
  ignitionVersion: string;
  signal: AbortSignal;
}

/** The spec version written in a pointer, without validating the rest (Ignition reads it first). */
function pointerVersion(text: string): string | undefined {
  try {
    const root = JSON.parse(text) as { ignition?: { version?: unknown } };
    return typeof root?.ignition?.version === 'string' ? root.ignition.version : undefined;
  } catch {
    return undefined;
  }
}

/** Ignition's error for a config it cannot take (config/shared/errors). */
function pointerFailure(text: string, ignitionVersion: string): string | undefined {
  if (text.trim() === '') return 'not a config (empty)';
  const version = pointerVersion(text);
  if (version === undefined) {
    try {
      JSON.parse(text);
      return 'unsupported config version';
    } catch {
      return 'config is not valid';
    }
  }
  if (!ignitionAcceptsSpec(ignitionVersion, version)) return 'unsupported config version';
  return undefined;
}

/** The cause as Ignition words its final lines (without the `Ignition failed: ` prefix). */
function finalReason(final: string | undefined): string {
  return (final ?? IGNITION_FINAL.timeout).replace(/^Ignition failed: /, '');
}

export async function runFetchStage(opts: FetchStageOptions): Promise<FetchStageOutcome> {
  const { ctx, host, console: out, pid, ignitionVersion, signal } = opts;
  const say = (message: string): void => out.ignition(pid, 'INFO', message);
  const fail = (reason: string, lastError?: string): FetchStageOutcome => {
    out.ignition(pid, 'WARNING', `failed to fetch config: ${reason}`);
    out.ignition(pid, 'CRITICAL', `failed to acquire config: ${reason}`);
    out.ignition(pid, 'CRITICAL', `Ignition failed: ${reason}`);
    return { ok: false, reason, lastError };
  };

  say(`Ignition ${ignitionVersion}`);
  say('Stage: fetch');
  const text = host.configDrive ?? '';
  const refused = pointerFailure(text, ignitionVersion);
  if (refused) return fail(refused);
  let pointer: PointerConfig;
  try {
    pointer = parsePointer(text, `config drive of ${host.name}`);
  } catch {
    return fail('config is not valid');
  }

  const anchors = addCas(pointer, say);
  const source = pointer.sources.find((s) => s.kind === 'merge' || s.kind === 'replace');
  if (!source) {
    // A pointer without a remote config is a complete (empty) config: nothing to fetch.
    say('fetch: fetch complete');
    say('fetch: fetch passed');
    say('Ignition finished successfully');
    return { ok: true };
  }
  const url = source.url;
  if (!/^https?:\/\//i.test(url)) return fail('failed to fetch resource');

  const { accept, userAgent } = ignitionRequestHeaders(ignitionVersion);
  const giveUpSimMs =
    pointer.timeouts.httpTotal !== undefined
      ? pointer.timeouts.httpTotal * 1000
      : SIM_TIMINGS.ignitionGiveUpMs;
  const giveUpAt = Date.now() + ctx.clock.scaled(giveUpSimMs);
  const headerSimMs = (pointer.timeouts.httpResponseHeaders ?? IGNITION_STEP_TIMEOUT_MS / 1000) * 1000;
  const stepMs = Math.max(MIN_REAL_STEP_MS, ctx.clock.scaled(IGNITION_STEP_TIMEOUT_MS));
  let backoff = IGNITION_INITIAL_BACKOFF_MS;
  let lastError: string | undefined;

  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) return { ok: false, aborted: true };
    say(`GET ${url}: attempt #${attempt}`);
    const result = await fetchOnce(ctx, host, url, anchors, {
      accept,
      userAgent,
      stepMs,
      headerMs: Math.max(MIN_REAL_STEP_MS, ctx.clock.scaled(headerSimMs)),
      goVerifyErrorPrefix: ignitionWrapsVerifyErrors(opts.ignitionVersion),
    });
    if (signal.aborted) return { ok: false, aborted: true };

    if (result.http) {
      say(`GET result: ${result.http.statusText}`);
      const status = result.http.status;
      if (status < 500) {
        if (status !== 200 && status !== 204) return fail(finalReason(result.ignitionFinal));
        if (!acceptedByIgnition(result, ignitionVersion)) return fail(finalReason(result.ignitionFinal));
        for (let round = 0; round < 2; round++) addCas(pointer, say); // the merged config's CAs, as Ignition re-reads them
        say('fetch: fetch complete');
        say('fetch: fetch passed');
        say('Ignition finished successfully');
        return { ok: true, url };
      }
      lastError = `GET result: ${result.http.statusText}`;
    } else {
      lastError = result.ignitionError ?? getErrorLine(url, 'EOF');
      say(lastError);
    }

    backoff = Math.min(backoff * 2, IGNITION_MAX_BACKOFF_MS);
    const wait = ctx.clock.scaled(backoff);
    if (Date.now() + wait >= giveUpAt) {
      await sleepUnlessAborted(Math.max(0, giveUpAt - Date.now()), signal);
      if (signal.aborted) return { ok: false, aborted: true };
      return fail(finalReason(IGNITION_FINAL.timeout), lastError);
    }
    await sleepUnlessAborted(wait, signal);
  }
}

/** Logs `Adding "<CN>" to list of CAs` for each CA source and returns the anchors Ignition trusts. */
function addCas(pointer: PointerConfig, say: (m: string) => void): CertInfo[] {
  const anchors: CertInfo[] = [];
  for (const ca of pointer.certificateAuthorities) {
    const first = ca.certs[0];
    if (!first) continue; // remote CA sources are not fetched by the simulated host
    say(`Adding ${goQuote(first.subjectCommonName ?? '')} to list of CAs`);
    anchors.push(first);
  }
  return anchors;
}

/** The simulated network's resolver, as a host's resolv.conf names it (Go prints it in lookup errors). */
export function simResolver(ctx: SimContext): string {
  return `127.${ctx.network.octet}.0.1:53`;
}

async function fetchOnce(
  ctx: SimContext,
  host: SimHost,
  url: string,
  anchors: CertInfo[],
  opts: { accept: string; userAgent: string; stepMs: number; headerMs: number; goVerifyErrorPrefix: boolean },
): Promise<FetchResult> {
  const name = urlHost(url);
  if (name !== undefined && !isIpLiteral(name) && !ctx.network.dns.has(canonicalHostName(name))) {
    // Only the simulated DNS answers a simulated host: a name it does not know does not resolve.
    return {
      url,
      host: name,
      port: 0,
      at: host.clock.now(),
      verdict: 'fail',
      reason: 'dns-error',
      chain: [],
      timings: {},
      ignitionError: getErrorLine(
        url,
        lookupError(canonicalHostName(name), simResolver(ctx), 'no such host'),
      ),
      ignitionFinal: IGNITION_FINAL.timeout,
    };
  }
  const result = await workerFetch({
    url,
    anchors,
    at: host.clock.now(),
    resolve: ctx.network.dns,
    hostsFile: '/dev/null',
    localAddress: host.ip,
    accept: opts.accept,
    userAgent: opts.userAgent,
    timeoutMs: opts.stepMs,
    responseHeaderTimeoutMs: opts.headerMs,
    goVerifyErrorPrefix: opts.goVerifyErrorPrefix,
  });
  if (CERTIFICATE_REJECTIONS.has(result.reason) && result.address) {
    await sendRejectAlert({
      address: result.address,
      port: result.port,
      servername: name !== undefined && !isIpLiteral(name) ? name : undefined,
      localAddress: host.ip,
      timeoutMs: opts.stepMs,
    });
  }
  return result;
}

/** Verdicts for which Go's client aborts the handshake with a certificate alert the server logs. */
const CERTIFICATE_REJECTIONS = new Set([
  'cert-expired',
  'cert-not-yet-valid',
  'unknown-authority',
  'hostname-mismatch',
  'cert-invalid',
]);

function isIpLiteral(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}

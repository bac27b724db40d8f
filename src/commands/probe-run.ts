/**
 * `mcs-doctor probe [URL] (--pointer FILE | --ca FILE) ...`: fetch /config/<pool> from this
 * machine exactly as the worker's Ignition would, and say what it would log and why.
 * Exit 0: the worker would get its config. 1: it would not (an unreachable endpoint is a
 * finding, not an error of the tool). 2: bad input.
 */
import { markedUserAgent } from '../probes/ignition-client.js';
import { ExitCode, InputError } from '../core/errors.js';
import { readCertificateBundle, readPointer } from '../ignition/input.js';
import {
  DEFAULT_WORKER_IGNITION,
  ignitionAcceptsSpec,
  ignitionWrapsVerifyErrors,
  maxStableSpec,
  minimumIgnitionFor,
  parseIgnitionVersion,
} from '../ignition/compat.js';
import type { PointerConfig } from '../ignition/types.js';
import type { CertInfo } from '../pki/types.js';
import { workerFetch } from '../probes/fetch.js';
import { IGNITION_FINAL } from '../probes/go-errors.js';
import { DEFAULT_STEP_TIMEOUT_MS, acceptForSpec } from '../probes/ignition-client.js';
import type { FetchResult } from '../probes/types.js';
import { parseTarget } from '../probes/url.js';
import { colourEnabled, palette } from '../report/colour.js';
import { isDataFormat, renderData } from '../report/data.js';
import { parsePositiveDuration, parseResolve } from './flags.js';
import { buildProbeReport, type AnchorInput } from '../report/probe-model.js';
import { renderProbeText } from '../report/probe-text.js';

/** Debian/Ubuntu's bundle; Ignition (x509.SystemCertPool) reads the same file on RHCOS's equivalent. */
import { SYSTEM_ROOTS_FILE } from './probe.js';
const MAX_TIMEOUT_SECONDS = 600;

export interface ProbeFlags {
  pointer?: string;
  ca?: string;
  at?: string;
  resolve?: string[];
  timeout: string;
  systemRoots?: boolean;
  legacyIgnition?: boolean;
  ignitionVersion?: string;
  userAgent?: string;
  output: string;
}

/** ISO 8601 date or date-time; a date-time without zone is taken as UTC (hosts' BMC clocks are usually UTC). */
export function parseAtTime(text: string): Date {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
      text.trim(),
    );
  const fail = (): never => {
    throw new InputError(`--at: not an ISO 8601 time: ${JSON.stringify(text)}`, {
      where: '--at',
      hint: 'give the worker clock as e.g. 2026-11-23T20:45:00Z or 2026-11-23 (UTC); read the host clock from its BMC (Redfish Managers/<id> DateTime)',
    });
  };
  if (!m) return fail();
  const zone = m[8] ?? 'Z';
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] ?? ''}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.toUpperCase()}`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return fail();
  // Reject impossible dates that Date would roll over (2026-02-31).
  if (m[4] === undefined && d.toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) return fail();
  return d;
}

function parseTimeout(text: string): number {
  const ms = parsePositiveDuration(text, '--timeout');
  if (ms > MAX_TIMEOUT_SECONDS * 1000) {
    throw new InputError(`--timeout "${text}" is longer than ${MAX_TIMEOUT_SECONDS / 60} minutes`, {
      where: '--timeout',
      hint: `the limit for each step (DNS, connect, TLS handshake, response headers, body); default ${DEFAULT_STEP_TIMEOUT_MS / 1000}s`,
    });
  }
  return Math.round(ms);
}

function checkUrl(url: string, where: string): void {
  let target;
  try {
    target = parseTarget(url);
  } catch (err) {
    throw new InputError(`invalid URL ${JSON.stringify(url)}: ${(err as Error).message}`, {
      where,
      hint: 'e.g. https://api-int.mycluster.example.com:22623/config/worker',
    });
  }
  if (target.scheme !== 'https') {
    throw new InputError(`the URL must be https, got ${JSON.stringify(url)}`, {
      where,
      hint: 'Ignition fetches from https://<api-int or API VIP>:22623/config/<pool>; 22624 is plain HTTP and not what workers use',
    });
  }
}

async function loadAnchors(
  flags: ProbeFlags,
  pointer: PointerConfig | undefined,
): Promise<{ anchors: AnchorInput[]; systemRoots: CertInfo[]; remoteCas: string[] }> {
  const anchors: AnchorInput[] = [];
  const remoteCas: string[] = [];
  for (const ca of pointer?.certificateAuthorities ?? []) {
    if (ca.encoding === 'remote') remoteCas.push(ca.source);
    for (const cert of ca.certs) anchors.push({ cert, source: `${pointer?.origin}: ${ca.path}` });
  }
  if (flags.ca) {
    for (const cert of await readCertificateBundle(flags.ca))
      anchors.push({ cert, source: flags.ca === '-' ? 'stdin' : flags.ca });
  }
  let systemRoots: CertInfo[] = [];
  if (flags.systemRoots) {
    try {
      systemRoots = await readCertificateBundle(SYSTEM_ROOTS_FILE);
    } catch (err) {
      if (err instanceof InputError) {
        throw new InputError(`--system-roots: cannot read ${SYSTEM_ROOTS_FILE}: ${err.message}`, {
          where: SYSTEM_ROOTS_FILE,
          hint: 'install the ca-certificates package, or give the roots with --ca',
        });
      }
      throw err;
    }
  }
  return { anchors, systemRoots, remoteCas };
}

/** Ignition refuses a pointer whose spec it does not accept before any fetch (verified with Ignition 2.14). */
function unsupportedPointerResult(url: string, at: Date, detail: string): FetchResult {
  const target = parseTarget(url);
  return {
    url,
    host: target.host,
    port: target.port,
    at,
    verdict: 'fail',
    reason: 'unsupported-pointer-version',
    ignitionFinal: IGNITION_FINAL.unsupportedVersion,
    detail,
    chain: [],
    timings: {},
  };
}

function parseIgnitionFlag(text: string): string {
  const version = parseIgnitionVersion(text);
  if (!version) {
    throw new InputError(`--ignition-version ${JSON.stringify(text)}: not an Ignition 2.x release number`, {
      where: '--ignition-version',
      hint: "give the worker boot image's Ignition, e.g. --ignition-version 2.14.0 (rpm -q ignition on that RHCOS); for Ignition 0.x use --legacy-ignition",
    });
  }
  return version;
}

/**
 * Whether the worker's Ignition refuses the pointer before fetching. A refusal is certain for
 * spec 2 (every Ignition 2.x) and for a spec newer than a given --ignition-version; without one,
 * a spec newer than the default's is only a warning, since newer boot images accept it.
 */
function pointerRefusal(
  pointer: PointerConfig,
  ignition: string,
  ignitionGiven: boolean,
): { detail?: string; warning?: string } | undefined {
  if (pointer.major === 2) {
    return {
      detail: `the pointer config is spec ${pointer.specVersion}: Ignition 2.x (RHCOS 4.6+ boot images) accepts only spec 3 and fetches nothing; old boot images (Ignition 0.x, RHCOS < 4.6) accept spec 2, and the MCO boot-image controller upgrades stubs to spec 3. Use --legacy-ignition to probe as Ignition 0.x would`,
    };
  }
  if (ignitionAcceptsSpec(ignition, pointer.specVersion)) return undefined;
  const needs = minimumIgnitionFor(pointer.specVersion);
  const needText = needs ? `Ignition ${needs} or newer` : 'a newer Ignition';
  if (ignitionGiven) {
    return {
      detail: `the pointer config is spec ${pointer.specVersion}, which Ignition ${ignition} does not accept (its newest is ${maxStableSpec(ignition)}); it needs ${needText}. The boot image is older than the MCO that wrote the pointer: update the boot image, or write a pointer of spec ${maxStableSpec(ignition)} or older`,
    };
  }
  return {
    warning: `the pointer config is spec ${pointer.specVersion}: a worker whose boot image runs Ignition older than ${needs ?? 'the one that introduced it'} refuses it before fetching (Ignition failed: unsupported config version); give --ignition-version to check the worker's own`,
  };
}

export async function runProbe(urlArg: string | undefined, flags: ProbeFlags): Promise<number> {
  if (flags.output !== 'text' && !isDataFormat(flags.output)) {
    throw new InputError(`-o ${JSON.stringify(flags.output)}: unknown output format`, {
      where: '-o/--output',
      hint: 'use -o text, -o json or -o yaml',
    });
  }
  const at = flags.at !== undefined ? parseAtTime(flags.at) : undefined;
  const stepMs = parseTimeout(flags.timeout);
  if (urlArg !== undefined) checkUrl(urlArg, 'URL argument');
  if (!flags.pointer && !flags.ca && !flags.systemRoots) {
    throw new InputError('no trust anchors: give --pointer FILE or --ca FILE', {
      where: 'command line',
      hint: 'the worker trusts the CAs in its pointer config: mcs-doctor probe --pointer worker.ign (or an exported worker-user-data Secret), or --ca root-ca.pem',
    });
  }
  const pointer = flags.pointer ? await readPointer(flags.pointer) : undefined;
  let url = urlArg;
  if (url === undefined) {
    const source = pointer?.sources[0];
    if (!source) {
      throw new InputError(
        pointer
          ? 'the pointer config has no merge/replace/append source to fetch'
          : 'no URL: give the URL or --pointer',
        {
          where: pointer ? `${pointer.origin}: $.ignition.config` : 'command line',
          hint: 'e.g. mcs-doctor probe https://api-int.mycluster.example.com:22623/config/worker --ca root-ca.pem',
        },
      );
    }
    url = source.url;
    checkUrl(url, `${pointer?.origin}: ${source.path}`);
  }
  const target = parseTarget(url);
  const resolve = parseResolve(flags.resolve, target.port) ?? new Map<string, string>();
  const { anchors, systemRoots, remoteCas } = await loadAnchors(flags, pointer);
  if (anchors.length === 0 && systemRoots.length === 0) {
    throw new InputError('no trust anchors: the CA sources hold no certificate', {
      where:
        pointer && !flags.ca
          ? `${pointer.origin}: $.ignition.security.tls.certificateAuthorities`
          : (flags.ca ?? 'command line'),
      hint:
        remoteCas.length > 0
          ? `the pointer's CAs are remote (${remoteCas.join(', ')}), which probe does not fetch: download them and pass --ca FILE`
          : 'with no CAs in the pointer, Ignition trusts only the system roots: add --system-roots, or give --ca FILE',
    });
  }

  const now = new Date();
  const legacy = flags.legacyIgnition === true;
  const givenIgnition =
    flags.ignitionVersion === undefined ? undefined : parseIgnitionFlag(flags.ignitionVersion);
  if (legacy && givenIgnition) {
    throw new InputError('--legacy-ignition and --ignition-version contradict each other', {
      where: 'command line',
      hint: '--legacy-ignition is Ignition 0.x (spec-2 pointers); --ignition-version names an Ignition 2.x release',
    });
  }
  const workerIgnition = givenIgnition ?? DEFAULT_WORKER_IGNITION;
  const refusal =
    legacy || !pointer ? undefined : pointerRefusal(pointer, workerIgnition, givenIgnition !== undefined);
  const warnings = refusal?.warning ? [refusal.warning] : [];
  let result: FetchResult;
  if (refusal?.detail) {
    result = unsupportedPointerResult(url, at ?? now, refusal.detail);
  } else {
    const httpTotal = pointer?.timeouts.httpTotal;
    const headers = pointer?.timeouts.httpResponseHeaders;
    result = await workerFetch({
      url,
      // Ignition starts from the system pool and appends the pointer CAs; Go tries parents in that order.
      anchors: [...systemRoots, ...anchors.map((a) => a.cert)],
      at: at ?? now,
      resolve,
      timeoutMs: stepMs,
      totalTimeoutMs: httpTotal ? httpTotal * 1000 : undefined,
      responseHeaderTimeoutMs: headers ? Math.min(headers * 1000, stepMs) : undefined,
      legacyIgnition: legacy,
      accept: legacy ? undefined : acceptForSpec(maxStableSpec(workerIgnition)),
      userAgent: flags.userAgent ?? (legacy ? undefined : markedUserAgent(`Ignition/${workerIgnition}`)),
      goVerifyErrorPrefix: !legacy && ignitionWrapsVerifyErrors(workerIgnition),
    });
  }
  const report = buildProbeReport({
    result,
    now,
    anchors,
    systemRoots,
    pointer: pointer ? { origin: pointer.origin, specVersion: pointer.specVersion } : undefined,
    legacyIgnition: legacy,
    workerIgnition: legacy ? '0.x' : workerIgnition,
    warnings,
  });
  process.stdout.write(
    isDataFormat(flags.output)
      ? renderData(report, flags.output)
      : renderProbeText(report, palette(colourEnabled(process.stdout))),
  );
  return report.verdict === 'ok' ? ExitCode.healthy : ExitCode.problem;
}

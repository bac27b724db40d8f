/**
 * Does the body parse as a config this Ignition accepts? Ignition 2.14 (config.ParseCompatibleVersion)
 * reads `ignition.version` and takes 3.0.0 to 3.3.0 (and 3.4.0-experimental); Ignition 0.x takes
 * 2.x (and 1). The texts are Ignition's config/shared/errors.
 */
import { ignitionAcceptsSpec } from '../ignition/compat.js';
import { IGNITION_FINAL } from './go-errors.js';
import type { FetchResult } from './types.js';

export type ServedConfigCheck =
  { ok: true; version: string } | { ok: false; version?: string; final: string; detail: string };

/** Ignition 2.14 accepts spec 3.0.0 through 3.3.0 (what it asks for) and 3.4.0-experimental. */
const SPEC3_ACCEPTED = /^3\.[0-3]\.0$|^3\.4\.0-experimental$/;
/** Ignition 0.x (spec 2 pointers) accepts 2.0.0 through 2.3.0 (and 2.4.0-experimental). */
const SPEC2_ACCEPTED = /^2\.[0-3]\.0$|^2\.4\.0-experimental$/;

export function checkServedConfig(body: Buffer, legacy: boolean): ServedConfigCheck {
  if (body.length === 0) {
    return { ok: false, final: IGNITION_FINAL.empty, detail: 'the body is empty' };
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return {
      ok: false,
      final: IGNITION_FINAL.invalid,
      detail: `the body is not JSON (${err instanceof Error ? err.message : String(err)}): ${JSON.stringify(body.subarray(0, 80).toString('utf8'))}`,
    };
  }
  const ignition =
    typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>).ignition
      : undefined;
  const version =
    typeof ignition === 'object' && ignition !== null
      ? (ignition as Record<string, unknown>).version
      : undefined;
  if (typeof version !== 'string') {
    return {
      ok: false,
      final: IGNITION_FINAL.invalid,
      detail: 'the body is JSON but has no ignition.version: not an Ignition config',
    };
  }
  const accepted = legacy ? SPEC2_ACCEPTED : SPEC3_ACCEPTED;
  if (!accepted.test(version)) {
    return {
      ok: false,
      version,
      final: IGNITION_FINAL.unsupportedVersion,
      detail: `the server sent an Ignition config of spec ${version}, which ${legacy ? 'Ignition 0.x' : 'Ignition 2.14'} does not accept`,
    };
  }
  return { ok: true, version };
}

/**
 * Whether the worker's Ignition of this release takes the config a fetch got: a probe's verdict
 * is Ignition 2.14's (spec 3.0 to 3.3), and a newer Ignition also takes the newer spec the MCS
 * served for its Accept header (3.4.0 for 2.15+, 3.5.0 for 2.20+).
 */
export function acceptedByIgnition(result: FetchResult, ignitionVersion: string): boolean {
  const served = result.http?.ignitionVersion;
  return (
    result.verdict === 'ok' ||
    (result.reason === 'not-ignition' && served !== undefined && ignitionAcceptsSpec(ignitionVersion, served))
  );
}

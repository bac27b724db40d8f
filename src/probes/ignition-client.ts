/** What the worker's Ignition sends and how long it waits, in one place. */
import { VERSION } from '../version.js';

/**
 * Accept header of Ignition 2.14 (what RHCOS 4.6+ boot images run; the oracle run logged it):
 * it asks for the newest spec it supports, 3.3.0. The MCS serves the closest spec it has.
 */
export const IGNITION_SPEC3_ACCEPT = 'application/vnd.coreos.ignition+json;version=3.3.0, */*;q=0.1';
/** Accept header of Ignition 0.x (RHCOS < 4.6, spec-2 pointers). */
export const IGNITION_LEGACY_ACCEPT =
  'application/vnd.coreos.ignition+json; version=2.2.0, application/vnd.coreos.ignition+json; version=1; q=0.5, */*; q=0.1';

/** `Ignition/` + version, as RHCOS's Ignition 2.14 sends it (Debian's build says `Ignition/Debian 2.14.0+ds1-1+b6`). */
export const IGNITION_USER_AGENT = 'Ignition/2.14.0';
export const IGNITION_LEGACY_USER_AGENT = 'Ignition/0.35.0';

/**
 * What mcs-doctor appends to the User-Agent of its own fetches, so that the MCS log tells them
 * from workers' (`Pool worker requested by address:... User-Agent:"Ignition/2.14.0 mcs-doctor/0.1.0"`).
 * The value still starts with `Ignition/<version>`. Safe with every released MCS: it only logs
 * the User-Agent (machine-config-operator pkg/server/api.go, release-4.6 to main) and picks the
 * spec version from the Accept header; 4.1 to 4.5 do not read it at all. Only unreleased 4.6
 * development commits (f7229e116, July 2020, replaced by the Accept header in d4da74447) parsed
 * the text after `Ignition/` as a version.
 */
export const MCS_DOCTOR_MARK = `mcs-doctor/${VERSION}`;

/** `Ignition/2.14.0` -> `Ignition/2.14.0 mcs-doctor/0.1.0` (unchanged when already marked). */
export function markedUserAgent(userAgent: string): string {
  return isMcsDoctorUserAgent(userAgent) ? userAgent : `${userAgent} ${MCS_DOCTOR_MARK}`;
}

/** Whether a User-Agent (as the MCS logs it) is one of mcs-doctor's own fetches. */
export function isMcsDoctorUserAgent(userAgent: string): boolean {
  return /(?:^|\s)mcs-doctor\/\S+/.test(userAgent);
}

/** The User-Agent of mcs-doctor's probes: Ignition's, marked. */
export const PROBE_USER_AGENT = markedUserAgent(IGNITION_USER_AGENT);
export const PROBE_LEGACY_USER_AGENT = markedUserAgent(IGNITION_LEGACY_USER_AGENT);

/** Ignition's TLS handshake and response-header timeouts are 10 s; a CLI uses the same per step. */
export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
/** The biggest rendered worker config is a few MiB; anything past this is not an MCS. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The Accept header for a spec version, in Ignition 2.x's format. */
export function acceptForSpec(version: string): string {
  return `application/vnd.coreos.ignition+json;version=${version}, */*;q=0.1`;
}

/** What the worker's Ignition sends and how long it waits, in one place. */

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

/** Ignition's TLS handshake and response-header timeouts are 10 s; a CLI uses the same per step. */
export const DEFAULT_STEP_TIMEOUT_MS = 10_000;
/** The biggest rendered worker config is a few MiB; anything past this is not an MCS. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** The Accept header for a spec version, in Ignition 2.x's format. */
export function acceptForSpec(version: string): string {
  return `application/vnd.coreos.ignition+json;version=${version}, */*;q=0.1`;
}

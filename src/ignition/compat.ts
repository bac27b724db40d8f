/**
 * Which pointer-config spec versions a worker's Ignition accepts, by Ignition release
 * (coreos/ignition docs/release-notes.md: each "Mark the X config spec as stable" release stops
 * accepting X-experimental and creates the next experimental spec). A worker boots the Ignition
 * of its boot image, which can be older than the cluster: a pointer written by a newer MCO is
 * then refused before anything is fetched, with `Ignition failed: unsupported config version`.
 */

interface IgnitionGeneration {
  /** First Ignition release of this generation. */
  since: string;
  /** Newest stable spec; Ignition asks the MCS for it in its Accept header. */
  maxStable: string;
  experimental: string;
}

const GENERATIONS: IgnitionGeneration[] = [
  { since: '2.0.0', maxStable: '3.0.0', experimental: '3.1.0-experimental' },
  { since: '2.3.0', maxStable: '3.1.0', experimental: '3.2.0-experimental' },
  { since: '2.7.0', maxStable: '3.2.0', experimental: '3.3.0-experimental' },
  { since: '2.11.0', maxStable: '3.3.0', experimental: '3.4.0-experimental' },
  { since: '2.15.0', maxStable: '3.4.0', experimental: '3.5.0-experimental' },
  { since: '2.20.0', maxStable: '3.5.0', experimental: '3.6.0-experimental' },
];

/** The Ignition mcs-doctor's oracle tests run (Debian 2.14.0) and whose behaviour probe reproduces by default. */
export const DEFAULT_WORKER_IGNITION = '2.14.0';

function parts(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Normalises "2.14" / "2.14.0" and rejects what is not an Ignition 2.x release number. */
export function parseIgnitionVersion(version: string): string | undefined {
  const p = parts(version.trim().replace(/^v/, ''));
  return p && p[0] === 2 ? `${p[0]}.${p[1]}.${p[2]}` : undefined;
}

function generationOf(ignitionVersion: string): IgnitionGeneration {
  const v = parts(ignitionVersion) ?? [2, 0, 0];
  let found = GENERATIONS[0] as IgnitionGeneration;
  for (const g of GENERATIONS) if (compare(v, parts(g.since) as [number, number, number]) >= 0) found = g;
  return found;
}

export function maxStableSpec(ignitionVersion: string): string {
  return generationOf(ignitionVersion).maxStable;
}

/** Does this Ignition 2.x accept a pointer config of this spec version? (Never spec 2.x.) */
export function ignitionAcceptsSpec(ignitionVersion: string, specVersion: string): boolean {
  const g = generationOf(ignitionVersion);
  if (specVersion === g.experimental) return true;
  if (specVersion.endsWith('-experimental')) return false;
  const spec = parts(specVersion);
  const max = parts(g.maxStable) as [number, number, number];
  return spec !== undefined && spec[0] === 3 && compare(spec, max) <= 0;
}

/** The first Ignition release that accepts this stable spec (e.g. 3.4.0 -> 2.15.0). */
export function minimumIgnitionFor(specVersion: string): string | undefined {
  return (
    GENERATIONS.find((g) => g.maxStable === specVersion)?.since ??
    (specVersion === '3.0.0' ? '2.0.0' : undefined)
  );
}

/**
 * Go 1.20 wrapped certificate errors from the handshake as `tls: failed to verify certificate:
 * x509: ...`. Ignition 2.16.0 (June 2023) and later are built with Go >= 1.20 (RHCOS 4.14+, whose
 * RHEL go-toolset is 1.20+); 2.14/2.15 builds (RHCOS 4.12/4.13, Debian's 2.14) print bare `x509: ...`.
 */
export function ignitionWrapsVerifyErrors(ignitionVersion: string): boolean {
  const v = parts(ignitionVersion);
  return v !== undefined && compare(v, [2, 16, 0]) >= 0;
}

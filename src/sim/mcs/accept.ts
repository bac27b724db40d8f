/**
 * The MCS's choice of Ignition spec version from the request's `Accept` header, as
 * `detectSpecVersionFromAcceptHeader` / `parseAcceptHeader` in the MCO's pkg/server/api.go do it.
 */

/** A `major.minor.patch` version as go-semver parses it (no leading "v", no missing parts). */
export interface SpecVersion {
  major: number;
  minor: number;
  patch: number;
}

interface AcceptEntry {
  mimeType: string;
  mimeSubtype: string;
  version?: SpecVersion;
  q: number;
}

export type SpecChoice = { ok: true; version: string } | { ok: false; error: string };

// go-semver's NewVersion: MAJOR.MINOR.PATCH with optional -prerelease and +metadata.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function parseSemver(text: string): SpecVersion | undefined {
  const m = SEMVER.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

// strconv.ParseFloat accepts more than Number() rejects; the common forms are the same.
function parseQ(text: string): number | undefined {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Splits an Accept header into entries, ignoring anything that is not `type/subtype`, sorted by q (stable). */
export function parseAcceptHeader(input: string): AcceptEntry[] {
  const entries: AcceptEntry[] = [];
  for (const raw of input.split(',')) {
    const parts = raw
      .trim()
      .split(';')
      .map((p) => p.trim());
    const media = parts[0] ?? '';
    if (!media.includes('/')) continue;
    const slash = media.indexOf('/');
    let version: SpecVersion | undefined;
    let q: number | undefined;
    for (const ext of parts.slice(1)) {
      const eq = ext.indexOf('=');
      if (eq < 0) continue;
      const key = ext.slice(0, eq);
      const value = ext.slice(eq + 1);
      if (key === 'version' && version === undefined) version = parseSemver(value);
      else if (key === 'q' && q === undefined) q = parseQ(value);
    }
    entries.push({
      mimeType: media.slice(0, slash),
      mimeSubtype: media.slice(slash + 1),
      version,
      q: q ?? 1,
    });
  }
  // Array.prototype.sort is stable, like sort.SliceStable.
  return entries.sort((a, b) => b.q - a.q);
}

function below(v: SpecVersion, major: number, minor: number): boolean {
  return v.major < major || (v.major === major && v.minor < minor);
}

/**
 * Picks the spec version to serve. No Ignition entry with a version: 2.2.0 (what curl gets).
 * 2.x >= 2.2: 2.2.0. 3.x >= 3.1: the same minor, capped at `maxSpec3Minor` (3.5 at MCO HEAD).
 * An Ignition entry with any other version is an error (HTTP 400) unless a later entry is supported.
 */
export function chooseSpecVersion(acceptHeader: string | undefined, maxSpec3Minor = 5): SpecChoice {
  let unsupported = false;
  for (const entry of parseAcceptHeader(acceptHeader ?? '')) {
    if (entry.mimeSubtype !== 'vnd.coreos.ignition+json' || !entry.version) continue;
    const v = entry.version;
    if (v.major === 3 && !below(v, 3, 1))
      return { ok: true, version: `3.${Math.min(v.minor, maxSpec3Minor)}.0` };
    if (v.major === 2 && !below(v, 2, 2)) return { ok: true, version: '2.2.0' };
    unsupported = true;
  }
  if (unsupported) {
    return { ok: false, error: `unsupported Ignition version in Accept header: ${acceptHeader ?? ''}` };
  }
  return { ok: true, version: '2.2.0' };
}

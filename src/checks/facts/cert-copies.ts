/**
 * Copies of rotated certificates. OpenShift's operators copy the signers and CAs they rotate into
 * other namespaces and bundles (library-go's resource sync, the service CA); a copy carries no
 * annotation of its own, yet it is renewed whenever its source is. A certificate nobody manages
 * that is byte for byte the first certificate of a Secret such a manager renews is managed as
 * that copy. A copy of a cert-manager certificate made by someone else is not: nothing keeps it
 * current.
 *
 * Only what resolving needs is kept while the rows are read: for each source its fingerprint and
 * where its row is, for each unmanaged row the same; the rows themselves are read back only for
 * the copies found.
 */
import { createHash } from 'node:crypto';
import type { CertRow, CertsSummary } from '../../core/certs.js';
import type { CertRowSpool, RowHandle } from './cert-rows.js';

const BEGIN_CERT = '-----BEGIN CERTIFICATE-----';
const END_CERT = '-----END CERTIFICATE-----';

/** The managers whose certificates are copied by the operators that rotate them. */
const SYNCED_MANAGERS = /^(certrotation\b|service-ca\b|service-ca-operator\b)/;

/**
 * A fingerprint as a map key: its first 16 bytes as a 16-character string (a tenth of the
 * 95-character text a row carries, for every managed secret of the cluster).
 */
function fingerprintKey(fingerprint: string): string {
  return Buffer.from(fingerprint.replace(/:/g, ''), 'hex').toString('latin1', 0, 16);
}

/** A source: a row in the spool, or one read elsewhere only to be a source. */
type Source = { handle: RowHandle } | { row: CertRow };

/** An unmanaged row that may turn out to be a copy. */
export interface CopyCandidate {
  handle: RowHandle;
  fingerprint: string;
  problem: boolean;
}

/** The certificates copies are managed as, by fingerprint. */
export class CopySources {
  readonly #rows: CertRowSpool;
  readonly #byFingerprint = new Map<string, Source>();

  constructor(rows: CertRowSpool) {
    this.#rows = rows;
  }

  /** Keeps a spooled row as a source if it is one; of two with the same certificate, the first in report order. */
  offer(r: CertRow, handle: RowHandle): void {
    if (!isSource(r)) return;
    const key = fingerprintKey(r.fingerprintSha256!);
    const known = this.#byFingerprint.get(key);
    if (known && 'handle' in known && this.#rows.compare(known.handle, handle) <= 0) return;
    this.#byFingerprint.set(key, { handle });
  }

  /** A source found outside the listing (another namespace): kept whole, there are few. */
  offerElsewhere(r: CertRow): void {
    if (!isSource(r)) return;
    const key = fingerprintKey(r.fingerprintSha256!);
    if (!this.#byFingerprint.has(key)) this.#byFingerprint.set(key, { row: r });
  }

  source(fingerprint: string): Source | undefined {
    return this.#byFingerprint.get(fingerprint);
  }
}

function isSource(r: CertRow): boolean {
  return (
    r.kind === 'Secret' &&
    r.index === 0 &&
    r.management === 'managed' &&
    r.fingerprintSha256 !== null &&
    SYNCED_MANAGERS.test(r.managedBy ?? '')
  );
}

/** The row as a candidate copy, when nobody manages it and it has a certificate to compare. */
export function copyCandidate(row: CertRow, handle: RowHandle): CopyCandidate | undefined {
  if (row.management !== 'unmanaged' || !row.fingerprintSha256) return undefined;
  return { handle, fingerprint: fingerprintKey(row.fingerprintSha256), problem: row.problem };
}

/** The fingerprints of the problem candidates, to look for their sources elsewhere. */
export function problemFingerprints(candidates: readonly CopyCandidate[]): (fingerprint: string) => boolean {
  const wanted = new Set(candidates.filter((c) => c.problem).map((c) => c.fingerprint));
  return (fingerprint) => wanted.has(fingerprintKey(fingerprint));
}

/** Patches every candidate that copies a source, and moves it from unmanaged to managed in the summary. */
export function resolveCopies(
  candidates: readonly CopyCandidate[],
  sources: CopySources,
  rows: CertRowSpool,
  summary: CertsSummary,
): void {
  for (const c of candidates) {
    const found = sources.source(c.fingerprint);
    if (!found) continue;
    if ('handle' in found && rows.sameObject(found.handle, c.handle)) continue;
    const src = 'handle' in found ? rows.get(found.handle) : found.row;
    rows.patch(c.handle, {
      management: 'managed',
      managedBy: src.managedBy,
      copyOf: `${src.namespace}/${src.name}`,
      managementReason: `a copy of secret ${src.namespace}/${src.name}, which ${src.managedBy} renews (${src.managementReason})`,
      problem: false,
    });
    summary.unmanaged--;
    summary.managed++;
    if (c.problem) summary.problems--;
  }
}

/** The SHA-256 fingerprint of a PEM value's first certificate, as rows carry it; no parse. */
export function fingerprintOfFirstBlock(text: string): string | undefined {
  const start = text.indexOf(BEGIN_CERT);
  if (start === -1) return undefined;
  const end = text.indexOf(END_CERT, start);
  if (end === -1) return undefined;
  const der = Buffer.from(text.slice(start + BEGIN_CERT.length, end).replace(/\s+/g, ''), 'base64');
  return (createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g) ?? []).join(':');
}

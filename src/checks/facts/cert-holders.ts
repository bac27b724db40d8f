/**
 * What each holder of certificates gives as rows: a `kubernetes.io/tls` secret (or the MCS
 * serving secret whatever its type), a ConfigMap's CA bundles, a user-data pointer config's CAs.
 * Each function turns one object into its rows at once, as the object is read: a page of 500
 * secrets is held as 500 small rows, never as the secrets (their keys are not even kept).
 */
import type { CertHolderKind, CertRow, CertStatus } from '../../core/certs.js';
import { MCO_NAMESPACE, MCS_TLS_SECRET } from '../../core/names.js';
import { isRedactedByMustGather } from '../../ignition/input.js';
import { parsePointer } from '../../ignition/pointer.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import type { KubeObject } from '../../sources/types.js';
import { configMapManager, secretManager, userDataManager, type ManagerVerdict } from './cert-managers.js';
import { describeError, factsOf, readPemValue, type CertFacts, type PemValue } from './cert-pem.js';
import type { RotationContext } from './cert-rotation.js';
import { secretValue, type SecretValue } from './secret-data.js';

/** The ConfigMap keys that hold CA bundles. */
export const CA_BUNDLE_KEYS = ['ca-bundle.crt', 'ca.crt', 'service-ca.crt'] as const;
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** How certificates are judged and listed. */
export interface JudgeOptions {
  /** Every certificate of a value, not only the first. */
  allCerts: boolean;
  /** A certificate expiring sooner than this (ms) is `expiring`. */
  expiringWithinMs: number;
  /** The time certificates are judged at. */
  now: Date;
}

/** What rows are made with: the options, who rotates what, and one copy of each repeated string. */
export interface RowContext {
  judge: JudgeOptions;
  rotation: RotationContext;
  intern(s: string): string;
}

/** An object's rows, and what could not be listed of it, in words. */
export interface HolderRows {
  rows: CertRow[];
  notes: string[];
}

const NONE: HolderRows = Object.freeze({ rows: [], notes: [] }) as HolderRows;

export function certStatus(cert: CertFacts, now: Date, expiringWithinMs: number): CertStatus {
  const t = now.getTime();
  if (cert.notBefore.getTime() > t) return 'not-yet-valid';
  if (t > cert.notAfter.getTime()) return 'expired';
  if (cert.notAfter.getTime() - t < expiringWithinMs) return 'expiring';
  return 'ok';
}

interface Holder {
  kind: CertHolderKind;
  namespace: string;
  name: string;
  key: string;
  path?: string;
}

export function rowsOf(
  holder: Holder,
  value: PemValue,
  manager: ManagerVerdict,
  judge: JudgeOptions,
  indexOffset = 0,
  intern: (s: string) => string = (s) => s,
): CertRow[] {
  const managedBy = manager.managedBy === null ? null : intern(manager.managedBy);
  return value.parsed.map((p): CertRow => {
    const index = p.index + indexOffset;
    // Where the certificate is: the first fields of every row, in this order.
    const place = {
      kind: holder.kind,
      namespace: holder.namespace,
      name: holder.name,
      key: holder.key,
      index,
      certificatesInValue: value.count,
    };
    if ('error' in p) {
      return {
        ...place,
        ...(holder.path ? { path: holder.path } : {}),
        subject: null,
        issuer: null,
        notBefore: null,
        notAfter: null,
        expiresInSeconds: null,
        serialNumber: null,
        fingerprintSha256: null,
        isCA: null,
        dnsNames: [],
        status: 'unparsable',
        error: p.error,
        managedBy: manager.managedBy,
        management: manager.management,
        managementReason: manager.reason,
        problem: false,
      };
    }
    const c = p.cert;
    // The manager renews the value's first certificate; the rest of a chain (its CAs) are theirs
    // to renew, so only the first can be overdue by its own dates.
    const management =
      manager.management === 'overdue' && index > 0 && holder.kind === 'Secret'
        ? 'managed'
        : manager.management;
    const status = certStatus(c, judge.now, judge.expiringWithinMs);
    const row: CertRow = {
      ...place,
      subject: c.subject,
      issuer: intern(c.issuer),
      notBefore: formatRFC3339(c.notBefore),
      notAfter: formatRFC3339(c.notAfter),
      expiresInSeconds: Math.floor((c.notAfter.getTime() - judge.now.getTime()) / 1000),
      serialNumber: c.serialHex,
      fingerprintSha256: c.fingerprintSha256,
      isCA: c.isCA,
      dnsNames: c.dnsNames,
      status,
      managedBy,
      management,
      managementReason: manager.reason,
      problem: management !== 'managed' && (status === 'expired' || status === 'expiring'),
    };
    if (holder.path) row.path = holder.path;
    return row;
  });
}

/**
 * A secret's PEM value as text: base64 decoded straight to a string (atob), with no Buffer per
 * secret, as secretValue does otherwise (the must-gather's redaction included).
 */
function pemValueOf(secret: KubeObject, key: string): SecretValue {
  const raw = (secret as { data?: Record<string, unknown> }).data?.[key];
  if (typeof raw !== 'string') return secretValue(secret, key);
  let text: string;
  try {
    text = atob(raw);
  } catch {
    return secretValue(secret, key);
  }
  if (isRedactedByMustGather(text)) return { kind: 'redacted', note: text.trim() };
  return { kind: 'value', bytes: Buffer.alloc(0), text };
}

/** What a manager is judged from: an object's metadata, never its data. */
function metadataOf(o: KubeObject): KubeObject {
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, type: o['type'] };
}

/** A secret's `tls.crt`: its first certificate (every one with allCerts), judged with who renews it. */
export function tlsSecretRows(secret: KubeObject, rc: RowContext): HolderRows {
  const ns = secret.metadata.namespace ?? '';
  const where = `secret ${ns}/${secret.metadata.name}`;
  const crt = pemValueOf(secret, 'tls.crt');
  const holder: Holder = {
    kind: 'Secret',
    namespace: rc.intern(ns),
    name: secret.metadata.name,
    key: 'tls.crt',
  };
  if (crt.kind === 'redacted') return { rows: [], notes: [`${where}: tls.crt is redacted (${crt.note})`] };
  let value: PemValue;
  if (crt.kind === 'missing') value = { parsed: [{ index: 0, error: `${where} has no tls.crt` }], count: 0 };
  else {
    // The MCS serving certificate is always parsed in full, as Go (and the MCS) would.
    const always = ns === MCO_NAMESPACE && secret.metadata.name === MCS_TLS_SECRET;
    value = readPemValue(crt.text, `${where} tls.crt`, rc.judge.allCerts, {
      now: rc.judge.now,
      expiringWithinMs: rc.judge.expiringWithinMs,
      always,
    });
  }
  const first = value.parsed[0];
  const leaf = first && 'cert' in first && first.index === 0 ? first.cert : undefined;
  const manager = secretManager(metadataOf(secret), leaf, rc.rotation);
  return { rows: rowsOf(holder, value, manager, rc.judge, 0, rc.intern), notes: [] };
}

/** A ConfigMap's CA bundles (`ca-bundle.crt`, `ca.crt`, `service-ca.crt`). */
export function configMapRows(cm: KubeObject, rc: Pick<RowContext, 'judge' | 'intern'>): HolderRows {
  const data = (cm as { data?: Record<string, unknown> }).data;
  if (!data) return NONE;
  const rows: CertRow[] = [];
  let manager: ManagerVerdict | undefined;
  const ns = cm.metadata.namespace ?? '';
  for (const key of CA_BUNDLE_KEYS) {
    const text = data[key];
    // An empty bundle (a revision copy written before its source) holds nothing to list.
    if (typeof text !== 'string' || text.trim() === '') continue;
    manager ??= configMapManager(cm);
    const holder: Holder = { kind: 'ConfigMap', namespace: rc.intern(ns), name: cm.metadata.name, key };
    const value = readPemValue(text, `configmap ${ns}/${cm.metadata.name} ${key}`, rc.judge.allCerts, {
      now: rc.judge.now,
      expiringWithinMs: rc.judge.expiringWithinMs,
    });
    rows.push(...rowsOf(holder, value, manager, rc.judge, 0, rc.intern));
  }
  return { rows, notes: [] };
}

/** The CAs a user-data secret's pointer config gives Ignition, with one index across its CA sources. */
export function userDataRows(secret: KubeObject, rc: RowContext): HolderRows {
  const ns = secret.metadata.namespace ?? '';
  const name = secret.metadata.name;
  const where = `secret ${ns}/${name}`;
  const value = secretValue(secret, 'userData');
  if (value.kind === 'missing') return NONE;
  if (value.kind === 'redacted') {
    return {
      rows: [],
      notes: [
        `${where}: userData is redacted (${value.note}): the pointer config's CAs cannot be listed from a must-gather`,
      ],
    };
  }
  const holder: Holder = { kind: 'UserData', namespace: ns, name, key: 'userData' };
  let pointer;
  try {
    pointer = parsePointer(value.text, `${where} userData`);
  } catch (err) {
    const unparsable: PemValue = { parsed: [{ index: 0, error: describeError(err) }], count: 0 };
    return {
      rows: rowsOf(holder, unparsable, userDataManager(secret, 0, rc.rotation), rc.judge),
      notes: [],
    };
  }
  const manager = userDataManager(secret, pointer.certificateAuthorities.length, rc.rotation);
  const out: HolderRows = { rows: [], notes: [] };
  // One index across every CA source of the pointer, so `name[userData]#i` names one certificate.
  let offset = 0;
  for (const ca of pointer.certificateAuthorities) {
    if (ca.encoding === 'remote') {
      out.notes.push(`${where}: ${ca.path} is fetched from ${ca.source}, not listed`);
      continue;
    }
    const certs = rc.judge.allCerts ? ca.certs : ca.certs.slice(0, 1);
    out.rows.push(
      ...rowsOf(
        { ...holder, path: ca.path },
        { parsed: certs.map((cert, index) => ({ cert: factsOf(cert), index })), count: ca.certs.length },
        manager,
        rc.judge,
        offset,
      ),
    );
    offset += ca.certs.length;
  }
  return out;
}

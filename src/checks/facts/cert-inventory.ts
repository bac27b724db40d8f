/**
 * Every certificate a cluster holds, as `certs` lists them: the leaf of each `kubernetes.io/tls`
 * secret, `machine-config-server-tls` by name whatever its type (Opaque before the 4.19
 * rotation), the CA bundles in ConfigMaps (`ca-bundle.crt`, `ca.crt`, `service-ca.crt`) and the
 * CAs of the user-data pointer configs in openshift-machine-api; by default the first
 * certificate of each value (the leaf of a chain, a bundle's first CA), every one with `allCerts`.
 *
 * Lists are read page by page (sources/paged.ts) and each page is turned into rows and let go:
 * only the rows (public facts, about a kilobyte each) are kept, never the secrets, so memory
 * does not grow with the size of what the secrets hold. Each row says who renews the certificate
 * (cert-managers.ts); a certificate that copies one a manager renews (an operator syncing a
 * rotated secret or CA into another namespace) is managed as that copy.
 */
import { createHash } from 'node:crypto';
import type {
  CertHolderKind,
  CertRow,
  CertStatus,
  CertsReport,
  CertsSummary,
  CertsUnreadable,
} from '../../core/certs.js';
import { ExitCode } from '../../core/errors.js';
import { MAPI_NAMESPACE, MCO_NAMESPACE, MCS_TLS_SECRET } from '../../core/names.js';
import { isRedactedByMustGather } from '../../ignition/input.js';
import { parsePointer } from '../../ignition/pointer.js';
import { versionAtLeast } from '../../openshift/version.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import type { KeepFilter } from '../../sources/must-gather/archive.js';
import { listChunks } from '../../sources/paged.js';
import { RESOURCES } from '../../sources/resources.js';
import type { ClusterSource, KubeObject, Read, Unavailable } from '../../sources/types.js';
import {
  describeError,
  factsOf,
  readPemValue,
  type CertFacts,
  type PemJob,
  type PemValue,
} from './cert-pem.js';
import type { RotationContext } from './cert-rotation.js';
import { configMapManager, secretManager, userDataManager, type ManagerVerdict } from './cert-managers.js';
import { clusterFacts } from './cluster.js';
import { secretValue, type SecretValue } from './secret-data.js';

const BEGIN_CERT = '-----BEGIN CERTIFICATE-----';
const END_CERT = '-----END CERTIFICATE-----';

/** The ConfigMap keys that hold CA bundles. */
export const CA_BUNDLE_KEYS = ['ca-bundle.crt', 'ca.crt', 'service-ca.crt'] as const;
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

export interface CertInventoryOptions {
  /** One namespace; undefined: every namespace. */
  namespace?: string;
  /** Every certificate of a value, not only the first. */
  allCerts: boolean;
  /** A certificate expiring sooner than this (ms) is `expiring`. */
  expiringWithinMs: number;
  /** The time certificates are judged at. */
  now: Date;
  /** Items per list page (kubectl's --chunk-size); 0: whole lists. */
  chunkSize: number;
}

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

interface Collector {
  /** One copy of each repeated string (namespaces, issuers, managers) across 10,000 rows. */
  intern(s: string): string;
  rows: CertRow[];
  unreadable: CertsUnreadable[];
  notes: string[];
  pages: { pages: number };
}

function rowsOf(
  holder: Holder,
  value: PemValue,
  manager: ManagerVerdict,
  opts: CertInventoryOptions,
  indexOffset = 0,
  intern: (s: string) => string = (s) => s,
): CertRow[] {
  const managedBy = manager.managedBy === null ? null : intern(manager.managedBy);
  return value.parsed.map((p): CertRow => {
    const index = p.index + indexOffset;
    if ('error' in p) {
      return {
        kind: holder.kind,
        namespace: holder.namespace,
        name: holder.name,
        key: holder.key,
        index,
        certificatesInValue: value.count,
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
    const status = certStatus(c, opts.now, opts.expiringWithinMs);
    const row: CertRow = {
      kind: holder.kind,
      namespace: holder.namespace,
      name: holder.name,
      key: holder.key,
      index,
      certificatesInValue: value.count,
      subject: c.subject,
      issuer: intern(c.issuer),
      notBefore: formatRFC3339(c.notBefore),
      notAfter: formatRFC3339(c.notAfter),
      expiresInSeconds: Math.floor((c.notAfter.getTime() - opts.now.getTime()) / 1000),
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

function unreadable(c: Collector, what: string, read: Unavailable): void {
  if (read.reason === 'not-found' || read.reason === 'not-collected') {
    c.notes.push(`${what}: ${read.message}`);
    return;
  }
  c.unreadable.push({
    what,
    reason: read.reason,
    message: read.message,
    ...(read.permission ? { permission: read.permission } : {}),
  });
}

function inScope(namespace: string | undefined, ns: string): boolean {
  return namespace === undefined || namespace === ns;
}

async function rotationContext(
  source: ClusterSource,
  opts: CertInventoryOptions,
  c: Collector,
): Promise<RotationContext> {
  const ctx: RotationContext = { now: opts.now, version: null, hasMachineSets: false };
  // Only the MCS secret and the user-data pointers depend on the version and the MachineSets.
  if (!inScope(opts.namespace, MCO_NAMESPACE) && !inScope(opts.namespace, MAPI_NAMESPACE)) return ctx;
  const [versions, machineSets] = await Promise.all([
    source.list(RESOURCES.clusterVersions),
    source.list(RESOURCES.machineSets, MAPI_NAMESPACE),
  ]);
  ctx.version = clusterFacts(versions, { ok: true, value: [] }).version;
  if (!versions.ok) {
    c.notes.push(
      `the OpenShift version is unknown (${versions.message}): the MCS certificate and the pointer CAs are counted as unmanaged`,
    );
  }
  if (machineSets.ok) ctx.hasMachineSets = machineSets.value.length > 0;
  else if (ctx.version && versionAtLeast(ctx.version, '4.19')) {
    c.notes.push(
      `MachineSets could not be read (${machineSets.message}): the MCO's 4.19 rotation is counted as not running`,
    );
  }
  return ctx;
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

/** A PEM value to parse and what to do with its certificates. */
interface Work {
  job: PemJob;
  finish(value: PemValue): void;
}

/** What a row needs of its holder once the value is parsed: its metadata, never its data. */
function slim(o: KubeObject): KubeObject {
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, type: o['type'] };
}

function secretWork(
  secret: KubeObject,
  ctx: RotationContext,
  opts: CertInventoryOptions,
  c: Collector,
): Work[] {
  const ns = secret.metadata.namespace ?? '';
  const where = `secret ${ns}/${secret.metadata.name}`;
  const crt = pemValueOf(secret, 'tls.crt');
  const holder: Holder = {
    kind: 'Secret',
    namespace: c.intern(ns),
    name: secret.metadata.name,
    key: 'tls.crt',
  };
  const meta = slim(secret);
  const finish = (value: PemValue): void => {
    const first = value.parsed[0];
    const leaf = first && 'cert' in first && first.index === 0 ? first.cert : undefined;
    c.rows.push(...rowsOf(holder, value, secretManager(meta, leaf, ctx), opts, 0, c.intern));
  };
  if (crt.kind === 'redacted') {
    c.notes.push(`${where}: tls.crt is redacted (${crt.note})`);
    return [];
  }
  if (crt.kind === 'missing') {
    finish({ parsed: [{ index: 0, error: `${where} has no tls.crt` }], count: 0 });
    return [];
  }
  // The MCS serving certificate is always parsed in full, as Go (and the MCS) would.
  const always = ns === MCO_NAMESPACE && secret.metadata.name === MCS_TLS_SECRET;
  const check = { now: opts.now, expiringWithinMs: opts.expiringWithinMs, always };
  return [{ job: { text: crt.text, where: `${where} tls.crt`, check }, finish }];
}

function configMapWork(cm: KubeObject, opts: CertInventoryOptions, c: Collector): Work[] {
  const data = (cm as { data?: Record<string, unknown> }).data;
  if (!data) return [];
  const work: Work[] = [];
  let manager: ManagerVerdict | undefined;
  const ns = cm.metadata.namespace ?? '';
  for (const key of CA_BUNDLE_KEYS) {
    const text = data[key];
    // An empty bundle (a revision copy written before its source) holds nothing to list.
    if (typeof text !== 'string' || text.trim() === '') continue;
    manager ??= configMapManager(cm);
    const m = manager;
    const holder: Holder = { kind: 'ConfigMap', namespace: c.intern(ns), name: cm.metadata.name, key };
    work.push({
      job: {
        text,
        where: `configmap ${ns}/${cm.metadata.name} ${key}`,
        check: { now: opts.now, expiringWithinMs: opts.expiringWithinMs },
      },
      finish: (value) => c.rows.push(...rowsOf(holder, value, m, opts, 0, c.intern)),
    });
  }
  return work;
}

/** Parses each value and turns it into rows at once: a page is done with before the next is read. */
function run(work: Work[], all: boolean): void {
  for (const w of work) w.finish(readPemValue(w.job.text, w.job.where, all, w.job.check));
}

function userDataRows(
  secret: KubeObject,
  ctx: RotationContext,
  opts: CertInventoryOptions,
  c: Collector,
): void {
  const ns = secret.metadata.namespace ?? '';
  const name = secret.metadata.name;
  const where = `secret ${ns}/${name}`;
  const value = secretValue(secret, 'userData');
  if (value.kind === 'missing') return;
  if (value.kind === 'redacted') {
    c.notes.push(
      `${where}: userData is redacted (${value.note}): the pointer config's CAs cannot be listed from a must-gather`,
    );
    return;
  }
  const holder: Holder = { kind: 'UserData', namespace: ns, name, key: 'userData' };
  let pointer;
  try {
    pointer = parsePointer(value.text, `${where} userData`);
  } catch (err) {
    c.rows.push(
      ...rowsOf(
        holder,
        { parsed: [{ index: 0, error: describeError(err) }], count: 0 },
        userDataManager(secret, 0, ctx),
        opts,
      ),
    );
    return;
  }
  const manager = userDataManager(secret, pointer.certificateAuthorities.length, ctx);
  // One index across every CA source of the pointer, so `name[userData]#i` names one certificate.
  let offset = 0;
  for (const ca of pointer.certificateAuthorities) {
    if (ca.encoding === 'remote') {
      c.notes.push(`${where}: ${ca.path} is fetched from ${ca.source}, not listed`);
      continue;
    }
    const certs = opts.allCerts ? ca.certs : ca.certs.slice(0, 1);
    c.rows.push(
      ...rowsOf(
        { ...holder, path: ca.path },
        { parsed: certs.map((cert, index) => ({ cert: factsOf(cert), index })), count: ca.certs.length },
        manager,
        opts,
        offset,
      ),
    );
    offset += ca.certs.length;
  }
}

/** Reads every page of a list; a failed page is recorded and ends that list. */
async function eachPage(
  c: Collector,
  what: string,
  pages: AsyncGenerator<Read<KubeObject[]>>,
  onPage: (items: KubeObject[]) => Promise<void>,
): Promise<void> {
  for await (const page of pages) {
    if (!page.ok) {
      unreadable(c, what, page);
      return;
    }
    await onPage(page.value);
  }
}

const KIND_ORDER: Record<CertHolderKind, number> = { Secret: 0, ConfigMap: 1, UserData: 2 };

function compareRows(a: CertRow, b: CertRow): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
    a.index - b.index
  );
}

/**
 * The managers whose certificates OpenShift's operators copy into other namespaces and bundles
 * (library-go's resource sync of signers and CAs, the service CA): a copy is renewed when its
 * source is. A copy of a cert-manager certificate made by someone else is not.
 */
const SYNCED_MANAGERS = /^(certrotation\b|service-ca\b|service-ca-operator\b)/;

/**
 * A certificate nobody manages that is byte for byte a certificate such a manager renews in a
 * Secret is managed as that copy.
 */
function resolveCopies(rows: CertRow[], elsewhere: readonly CertRow[] = []): void {
  const sources = new Map<string, CertRow>();
  for (const r of [...rows, ...elsewhere]) {
    if (
      r.kind === 'Secret' &&
      r.index === 0 &&
      r.management === 'managed' &&
      !r.copyOf &&
      r.fingerprintSha256 &&
      SYNCED_MANAGERS.test(r.managedBy ?? '') &&
      !sources.has(r.fingerprintSha256)
    )
      sources.set(r.fingerprintSha256, r);
  }
  for (const r of rows) {
    if (r.management !== 'unmanaged' || !r.fingerprintSha256) continue;
    const src = sources.get(r.fingerprintSha256);
    if (!src || (src.namespace === r.namespace && src.name === r.name && src.kind === r.kind)) continue;
    r.management = 'managed';
    r.managedBy = src.managedBy;
    r.copyOf = `${src.namespace}/${src.name}`;
    r.managementReason = `a copy of secret ${src.namespace}/${src.name}, which ${src.managedBy} renews (${src.managementReason})`;
    r.problem = false;
  }
}

function fingerprintOfFirstBlock(text: string): string | undefined {
  const start = text.indexOf(BEGIN_CERT);
  if (start === -1) return undefined;
  const end = text.indexOf(END_CERT, start);
  if (end === -1) return undefined;
  const der = Buffer.from(text.slice(start + BEGIN_CERT.length, end).replace(/\s+/g, ''), 'base64');
  return (createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g) ?? []).join(':');
}

/**
 * Listing one namespace, a problem certificate may be the copy of one an operator rotates in
 * another namespace (kube-controller-manager's csr-signer is the operator's, synced): the TLS
 * secrets of every namespace are read for its source, only then and only for such candidates.
 * Only the first certificate's fingerprint of each is computed; a match is parsed and judged.
 */
async function copySourcesElsewhere(
  source: ClusterSource,
  c: Collector,
  ctx: RotationContext,
  opts: CertInventoryOptions,
): Promise<CertRow[]> {
  const wanted = new Set(
    c.rows
      .filter((r) => r.problem && r.management === 'unmanaged' && r.fingerprintSha256)
      .map((r) => r.fingerprintSha256!),
  );
  if (wanted.size === 0) return [];
  const found: CertRow[] = [];
  const before = c.unreadable.length;
  await eachPage(
    c,
    `list secrets of type ${TLS_SECRET_TYPE} in all namespaces (for the sources of copies)`,
    listChunks(
      source,
      RESOURCES.secrets,
      { chunkSize: opts.chunkSize, fieldSelector: `type=${TLS_SECRET_TYPE}` },
      c.pages,
    ),
    async (items) => {
      for (const s of items) {
        if (s.metadata.namespace === opts.namespace) continue;
        const crt = secretValue(s, 'tls.crt');
        if (crt.kind !== 'value') continue;
        const fp = fingerprintOfFirstBlock(crt.text);
        if (!fp || !wanted.has(fp)) continue;
        const value = readPemValue(
          crt.text,
          `secret ${s.metadata.namespace}/${s.metadata.name} tls.crt`,
          false,
        );
        const first = value.parsed[0];
        const leaf = first && 'cert' in first ? first.cert : undefined;
        found.push(
          ...rowsOf(
            { kind: 'Secret', namespace: s.metadata.namespace ?? '', name: s.metadata.name, key: 'tls.crt' },
            value,
            secretManager(s, leaf, ctx),
            opts,
          ),
        );
      }
    },
  );
  // Not being allowed to look elsewhere is no reason to call the listing inconclusive: say it.
  for (const u of c.unreadable.splice(before)) {
    c.notes.push(
      `${u.what}: ${u.message}: a problem certificate that copies one rotated elsewhere is not recognised`,
    );
  }
  return found;
}

export function summarize(rows: readonly CertRow[]): CertsSummary {
  const s: CertsSummary = {
    certificates: rows.length,
    managed: 0,
    overdue: 0,
    unmanaged: 0,
    ok: 0,
    expiring: 0,
    expired: 0,
    notYetValid: 0,
    unparsable: 0,
    problems: 0,
  };
  for (const r of rows) {
    s[r.management]++;
    if (r.status === 'not-yet-valid') s.notYetValid++;
    else s[r.status]++;
    if (r.problem) s.problems++;
  }
  return s;
}

export async function certInventory(source: ClusterSource, opts: CertInventoryOptions): Promise<CertsReport> {
  const strings = new Map<string, string>();
  const intern = (str: string): string => {
    const known = strings.get(str);
    if (known !== undefined) return known;
    strings.set(str, str);
    return str;
  };
  const c: Collector = { intern, rows: [], unreadable: [], notes: [], pages: { pages: 0 } };
  const ns = opts.namespace;
  const scope = ns === undefined ? 'in all namespaces' : `in namespace ${ns}`;
  const chunk = { namespace: ns, chunkSize: opts.chunkSize };
  // The lists do not depend on one another: they are read at the same time, each page by page,
  // so no list waits for another's round trips. Each keeps its own failures and notes, merged in
  // a fixed order after.
  const part = (): Collector => ({ ...c, unreadable: [], notes: [] });
  const parts = { context: part(), tls: part(), mcs: part(), userData: part(), configMaps: part() };
  const contextRead = rotationContext(source, opts, parts.context);
  await Promise.all([
    eachPage(
      parts.tls,
      `list secrets of type ${TLS_SECRET_TYPE} ${scope}`,
      listChunks(source, RESOURCES.secrets, { ...chunk, fieldSelector: `type=${TLS_SECRET_TYPE}` }, c.pages),
      async (items) => {
        const ctx = await contextRead;
        for (const s of items) {
          if (s['type'] === TLS_SECRET_TYPE) run(secretWork(s, ctx, opts, parts.tls), opts.allCerts);
        }
      },
    ),
    // The MCS serving secret by name: Opaque until the 4.19 rotator (or oc adm ocp-certificates)
    // recreates it as kubernetes.io/tls, when the list above has it.
    inScope(ns, MCO_NAMESPACE) &&
      eachPage(
        parts.mcs,
        `get secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET}`,
        listChunks(
          source,
          RESOURCES.secrets,
          {
            namespace: MCO_NAMESPACE,
            chunkSize: opts.chunkSize,
            fieldSelector: `metadata.name=${MCS_TLS_SECRET}`,
          },
          c.pages,
        ),
        async (items) => {
          const ctx = await contextRead;
          for (const s of items) {
            if (s.metadata.name === MCS_TLS_SECRET && s['type'] !== TLS_SECRET_TYPE) {
              run(secretWork(s, ctx, opts, parts.mcs), opts.allCerts);
            }
          }
        },
      ),
    inScope(ns, MAPI_NAMESPACE) &&
      eachPage(
        parts.userData,
        `list secrets in namespace ${MAPI_NAMESPACE} (user-data pointer configs)`,
        listChunks(
          source,
          RESOURCES.secrets,
          { namespace: MAPI_NAMESPACE, chunkSize: opts.chunkSize },
          c.pages,
        ),
        async (items) => {
          const ctx = await contextRead;
          for (const s of items)
            if (s['type'] !== TLS_SECRET_TYPE) userDataRows(s, ctx, opts, parts.userData);
        },
      ),
    eachPage(
      parts.configMaps,
      `list configmaps ${scope}`,
      listChunks(source, RESOURCES.configMaps, chunk, c.pages),
      async (items) => {
        for (const cm of items) run(configMapWork(cm, opts, parts.configMaps), opts.allCerts);
      },
    ),
    contextRead,
  ]);
  const ctx = await contextRead;
  for (const p of Object.values(parts)) {
    c.unreadable.push(...p.unreadable);
    c.notes.push(...p.notes);
  }

  resolveCopies(c.rows, ns === undefined ? [] : await copySourcesElsewhere(source, c, ctx, opts));
  c.rows.sort(compareRows);
  const summary = summarize(c.rows);
  const verdict = summary.problems > 0 ? 'problem' : c.unreadable.length > 0 ? 'inconclusive' : 'ok';
  const stats = source.stats();
  return {
    schemaVersion: 1,
    source: {
      kind: source.kind,
      location: source.location,
      requests: stats.requests,
      pages: c.pages.pages,
      collectedAt: source.collectedAt.toISOString(),
    },
    namespace: ns ?? null,
    at: opts.now.toISOString(),
    expiringWithinSeconds: Math.round(opts.expiringWithinMs / 1000),
    allCerts: opts.allCerts,
    openshiftVersion: ctx.version,
    certificates: c.rows,
    unreadable: c.unreadable,
    notes: c.notes,
    summary,
    verdict,
    exitCode:
      verdict === 'problem'
        ? ExitCode.problem
        : verdict === 'inconclusive'
          ? ExitCode.inconclusive
          : ExitCode.healthy,
  };
}

/**
 * What `certs` reads of a must-gather: secrets and ConfigMaps in every namespace, the
 * ClusterVersion and the MachineSets (for the MCO's rotation), and the collection time.
 */
export const CERTS_MUST_GATHER_KEEP: KeepFilter = (path) => {
  if (path.endsWith('/timestamp') || path === 'timestamp') return true;
  const ns = /(?:^|\/)namespaces\/([^/]+)\/(.*)$/.exec(path);
  if (ns) {
    const rest = ns[2]!;
    if (/^core\/(secrets|configmaps)(\.yaml|\/[^/]+\.yaml)$/.test(rest)) return true;
    return (
      ns[1] === MAPI_NAMESPACE && /^machine\.openshift\.io\/machinesets(\.yaml|\/[^/]+\.yaml)$/.test(rest)
    );
  }
  return /(?:^|\/)cluster-scoped-resources\/config\.openshift\.io\/clusterversions(\.yaml|\/[^/]+\.yaml)$/.test(
    path,
  );
};

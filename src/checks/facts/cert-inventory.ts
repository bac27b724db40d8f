/**
 * Every certificate a cluster holds, as `certs` lists them: the leaf of each `kubernetes.io/tls`
 * secret, `machine-config-server-tls` by name whatever its type (Opaque before the 4.19
 * rotation), the CA bundles in ConfigMaps (`ca-bundle.crt`, `ca.crt`, `service-ca.crt`) and the
 * CAs of the user-data pointer configs in openshift-machine-api; by default the first
 * certificate of each value (the leaf of a chain, a bundle's first CA), every one with `allCerts`.
 *
 * Memory does not grow with the cluster: lists are read page by page (sources/paged.ts), each
 * object is made into its rows as it arrives (cert-holders.ts), and the rows go to a spool
 * (cert-rows.ts) that moves to a file past a few thousand. What is held for the whole listing is
 * the summary, the sources of copies and the unmanaged rows' fingerprints (cert-copies.ts).
 */
import type { CertRow, CertsReport, CertsSummary, CertsUnreadable } from '../../core/certs.js';
import { ExitCode } from '../../core/errors.js';
import { MAPI_NAMESPACE, MCO_NAMESPACE, MCS_TLS_SECRET } from '../../core/names.js';
import { versionAtLeast } from '../../openshift/version.js';
import type { KeepFilter } from '../../sources/must-gather/archive.js';
import { listChunks } from '../../sources/paged.js';
import { RESOURCES } from '../../sources/resources.js';
import type { ClusterSource, KubeObject, Read, Unavailable } from '../../sources/types.js';
import {
  copyCandidate,
  CopySources,
  fingerprintOfFirstBlock,
  problemFingerprints,
  resolveCopies,
  type CopyCandidate,
} from './cert-copies.js';
import {
  configMapRows,
  rowsOf,
  TLS_SECRET_TYPE,
  tlsSecretRows,
  userDataRows,
  type HolderRows,
  type JudgeOptions,
  type RowContext,
} from './cert-holders.js';
import { secretManager } from './cert-managers.js';
import { readPemValue } from './cert-pem.js';
import type { RotationContext } from './cert-rotation.js';
import { CertRowSpool, type CertRowSpoolOptions } from './cert-rows.js';
import { clusterFacts } from './cluster.js';
import { secretValue } from './secret-data.js';

export interface CertInventoryOptions extends JudgeOptions {
  /** One namespace; undefined: every namespace. */
  namespace?: string;
  /** Items per list page (kubectl's --chunk-size); 0: whole lists. */
  chunkSize: number;
}

/** What a listing gathers besides its rows: reads that failed, what could not be checked, pages read. */
interface Gathered {
  unreadable: CertsUnreadable[];
  notes: string[];
}

function unreadable(g: Gathered, what: string, read: Unavailable): void {
  if (read.reason === 'not-found' || read.reason === 'not-collected') {
    g.notes.push(`${what}: ${read.message}`);
    return;
  }
  g.unreadable.push({
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
  g: Gathered,
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
    g.notes.push(
      `the OpenShift version is unknown (${versions.message}): the MCS certificate and the pointer CAs are counted as unmanaged`,
    );
  }
  if (machineSets.ok) ctx.hasMachineSets = machineSets.value.length > 0;
  else if (ctx.version && versionAtLeast(ctx.version, '4.19')) {
    g.notes.push(
      `MachineSets could not be read (${machineSets.message}): the MCO's 4.19 rotation is counted as not running`,
    );
  }
  return ctx;
}

/** Reads every page of a list; a failed page is recorded and ends that list. */
async function eachPage<T>(
  g: Gathered,
  what: string,
  pages: AsyncGenerator<Read<T[]>>,
  onItem: (item: T) => void,
): Promise<void> {
  for await (const page of pages) {
    if (!page.ok) {
      unreadable(g, what, page);
      return;
    }
    for (const item of page.value) onItem(item);
  }
}

/**
 * Listing one namespace, a problem certificate may be the copy of one an operator rotates in
 * another namespace (kube-controller-manager's csr-signer is the operator's, synced): the TLS
 * secrets of every namespace are read for its source, only then and only for such candidates.
 * Only the first certificate's fingerprint of each is computed; a match is parsed and judged.
 */
async function copySourcesElsewhere(
  source: ClusterSource,
  g: Gathered,
  rc: RowContext,
  opts: CertInventoryOptions,
  candidates: readonly CopyCandidate[],
  sources: CopySources,
  pages: { pages: number },
): Promise<void> {
  if (!candidates.some((r) => r.problem)) return;
  const wanted = problemFingerprints(candidates);
  const elsewhere: Gathered = { unreadable: [], notes: [] };
  // Each secret is made into a source (or nothing) as it is read.
  const sourceRows = (s: KubeObject): CertRow[] => {
    if (s.metadata.namespace === opts.namespace) return [];
    const crt = secretValue(s, 'tls.crt');
    if (crt.kind !== 'value') return [];
    const fp = fingerprintOfFirstBlock(crt.text);
    if (!fp || !wanted(fp)) return [];
    const value = readPemValue(crt.text, `secret ${s.metadata.namespace}/${s.metadata.name} tls.crt`, false);
    const first = value.parsed[0];
    const leaf = first && 'cert' in first ? first.cert : undefined;
    return rowsOf(
      { kind: 'Secret', namespace: s.metadata.namespace ?? '', name: s.metadata.name, key: 'tls.crt' },
      value,
      secretManager(s, leaf, rc.rotation),
      rc.judge,
    );
  };
  await eachPage(
    elsewhere,
    `list secrets of type ${TLS_SECRET_TYPE} in all namespaces (for the sources of copies)`,
    listChunks(
      source,
      RESOURCES.secrets,
      { chunkSize: opts.chunkSize, fieldSelector: `type=${TLS_SECRET_TYPE}`, keep: sourceRows },
      pages,
    ),
    (rows) => rows.forEach((r) => sources.offerElsewhere(r)),
  );
  // Not being allowed to look elsewhere is no reason to call the listing inconclusive: say it.
  for (const u of elsewhere.unreadable) {
    g.notes.push(
      `${u.what}: ${u.message}: a problem certificate that copies one rotated elsewhere is not recognised`,
    );
  }
  g.notes.push(...elsewhere.notes);
}

function emptySummary(): CertsSummary {
  return {
    certificates: 0,
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
}

function count(s: CertsSummary, r: CertRow): void {
  s.certificates++;
  s[r.management]++;
  if (r.status === 'not-yet-valid') s.notYetValid++;
  else s[r.status]++;
  if (r.problem) s.problems++;
}

/** One copy of each repeated string (namespaces, issuers, managers) across the rows. */
function interner(): (s: string) => string {
  const strings = new Map<string, string>();
  return (str) => {
    const known = strings.get(str);
    if (known !== undefined) return known;
    strings.set(str, str);
    return str;
  };
}

/**
 * The inventory. Its rows are spooled (cert-rows.ts): close the report's `certificates` when done
 * with it to let the file go at once rather than at exit.
 */
export async function certInventory(
  source: ClusterSource,
  opts: CertInventoryOptions,
  spool: CertRowSpoolOptions = {},
): Promise<CertsReport & { certificates: CertRowSpool }> {
  const rows = new CertRowSpool(spool);
  const summary = emptySummary();
  const sources = new CopySources(rows);
  const candidates: CopyCandidate[] = [];
  const pages = { pages: 0 };
  const add = (made: HolderRows, g: Gathered): void => {
    g.notes.push(...made.notes);
    for (const row of made.rows) {
      count(summary, row);
      const handle = rows.add(row);
      sources.offer(row, handle);
      const candidate = copyCandidate(row, handle);
      if (candidate) candidates.push(candidate);
    }
  };
  const ns = opts.namespace;
  const scope = ns === undefined ? 'in all namespaces' : `in namespace ${ns}`;
  const chunk = { namespace: ns, chunkSize: opts.chunkSize };
  const judge: JudgeOptions = {
    allCerts: opts.allCerts,
    expiringWithinMs: opts.expiringWithinMs,
    now: opts.now,
  };
  const intern = interner();
  // Each list keeps its own failures and notes, merged in a fixed order after.
  const gathered = (): Gathered => ({ unreadable: [], notes: [] });
  const parts = {
    context: gathered(),
    tls: gathered(),
    mcs: gathered(),
    userData: gathered(),
    configMaps: gathered(),
  };
  // ConfigMaps do not depend on who rotates what: they are read while the context is.
  const configMaps = eachPage(
    parts.configMaps,
    `list configmaps ${scope}`,
    listChunks(
      source,
      RESOURCES.configMaps,
      {
        ...chunk,
        keep: (cm) => configMapRows(cm, { judge, intern }),
      },
      pages,
    ),
    (made) => add(made, parts.configMaps),
  );
  // Its failure (the API server not reached) is the context's too, and is thrown from there or
  // from Promise.all below: marked handled now, so it cannot end the process while nothing awaits it.
  configMaps.catch(() => undefined);
  const rotation = await rotationContext(source, opts, parts.context);
  const rc: RowContext = { judge, rotation, intern };
  const none: HolderRows = { rows: [], notes: [] };
  await Promise.all([
    configMaps,
    eachPage(
      parts.tls,
      `list secrets of type ${TLS_SECRET_TYPE} ${scope}`,
      listChunks(
        source,
        RESOURCES.secrets,
        {
          ...chunk,
          fieldSelector: `type=${TLS_SECRET_TYPE}`,
          keep: (s) => (s['type'] === TLS_SECRET_TYPE ? tlsSecretRows(s, rc) : none),
        },
        pages,
      ),
      (made) => add(made, parts.tls),
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
            keep: (s) =>
              s.metadata.name === MCS_TLS_SECRET && s['type'] !== TLS_SECRET_TYPE
                ? tlsSecretRows(s, rc)
                : none,
          },
          pages,
        ),
        (made) => add(made, parts.mcs),
      ),
    inScope(ns, MAPI_NAMESPACE) &&
      eachPage(
        parts.userData,
        `list secrets in namespace ${MAPI_NAMESPACE} (user-data pointer configs)`,
        listChunks(
          source,
          RESOURCES.secrets,
          {
            namespace: MAPI_NAMESPACE,
            chunkSize: opts.chunkSize,
            keep: (s) => (s['type'] !== TLS_SECRET_TYPE ? userDataRows(s, rc) : none),
          },
          pages,
        ),
        (made) => add(made, parts.userData),
      ),
  ]);
  const g = gathered();
  for (const p of Object.values(parts)) {
    g.unreadable.push(...p.unreadable);
    g.notes.push(...p.notes);
  }

  if (ns !== undefined) await copySourcesElsewhere(source, g, rc, opts, candidates, sources, pages);
  resolveCopies(candidates, sources, rows, summary);
  const verdict = summary.problems > 0 ? 'problem' : g.unreadable.length > 0 ? 'inconclusive' : 'ok';
  const stats = source.stats();
  return {
    schemaVersion: 1,
    source: {
      kind: source.kind,
      location: source.location,
      requests: stats.requests,
      pages: pages.pages,
      collectedAt: source.collectedAt.toISOString(),
    },
    namespace: ns ?? null,
    at: opts.now.toISOString(),
    expiringWithinSeconds: Math.round(opts.expiringWithinMs / 1000),
    allCerts: opts.allCerts,
    openshiftVersion: rotation.version,
    certificates: rows,
    unreadable: g.unreadable,
    notes: g.notes,
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

/**
 * The seeded chain generator: a world of a root, 0-3 intermediates and a leaf that verifies,
 * then a few random mutations (validity, names, constraints, algorithms, chain shape, bytes Go
 * refuses to parse). The run seed and the case index fully determine the case.
 */
import { createHash } from 'node:crypto';
import { bitString, ctx, int, nullDer, octet, oid, seq, tlv } from './asn1.js';
import {
  certDer,
  generalName,
  keyId,
  nameDer,
  pemOf,
  type Attr,
  type CertSpec,
  type ExtSpec,
  type GeneralName,
  type NameSpec,
  type SigAlgSpec,
  type TimeForm,
  type TimeSpec,
} from './cert.js';
import { keyPool, type KeyKind, type PoolKey } from './keys.js';
import { caseSeed, Rng } from './prng.js';
import { defaultSigAlg, oddSigAlg } from './sigalgs.js';

export interface GeneratedCase {
  index: number;
  /** The per-case seed (from the run seed and the index). */
  seed: number;
  description: string;
  chain: string[];
  roots: string[];
  host: string;
  at: Date;
}

const CN = '2.5.4.3';
const O = '2.5.4.10';
const OU = '2.5.4.11';
const EKU = {
  any: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  msSGC: '1.3.6.1.4.1.311.10.3.3',
  nsSGC: '2.16.840.1.113730.4.1',
  unknown: '1.2.3.4.5.6',
};
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };

interface NameConstraintsSpec {
  permitted: GeneralName[];
  excluded: GeneralName[];
  critical: boolean;
  /** Replaces the whole extension value (malformed constraints). */
  raw?: Buffer;
}

interface Node {
  label: string;
  key: PoolKey;
  subject: NameSpec;
  /** undefined: self-issued (a root). */
  issuer?: Node;
  issuerName?: NameSpec;
  signerKey?: PoolKey;
  version: number;
  omitVersion?: boolean;
  serial: bigint;
  notBefore: TimeSpec;
  notAfter: TimeSpec;
  sig?: SigAlgSpec;
  /** null: no basicConstraints. */
  bc: { ca?: boolean; pathLen?: number; critical: boolean; explicitFalse?: boolean } | null;
  ku: number[] | null;
  kuRaw?: Buffer;
  eku?: string[];
  ekuRaw?: Buffer;
  san?: GeneralName[];
  sanCritical?: boolean;
  nc?: NameConstraintsSpec;
  skid: Buffer | null;
  skidRaw?: Buffer;
  /** undefined: the issuer's SKID; null: no AKID. */
  akid?: Buffer | null;
  extra: ExtSpec[];
  noExtensions?: boolean;
  duplicateExt?: boolean;
  corruptSig?: boolean;
  trailing?: Buffer;
  mismatchOuter?: boolean;
  spkiOverride?: Buffer;
  critByte?: number;
  der?: Buffer;
}

interface World {
  rng: Rng;
  root: Node;
  /** inters[0] is issued by the root, the leaf by the last one. */
  inters: Node[];
  leaf: Node;
  nodes: Node[];
  served?: Node[];
  roots?: Node[];
  host: string;
  at: Date;
  desc: string[];
}

const DAY = 86400000;

function floorSec(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

function timeSpec(date: Date, form: TimeForm = 'utc'): TimeSpec {
  const y = date.getUTCFullYear();
  if (
    (form === 'utc' || form === 'utc-min' || form === 'utc-offset' || form === 'utc-noz') &&
    (y < 1950 || y > 2049)
  ) {
    form = 'gen';
  }
  return { date, form };
}

const attr = (o: string, value: string, kind: Attr['kind'] = 'utf8'): Attr => ({ oid: o, value, kind });

function caKeyKind(rng: Rng): KeyKind {
  return rng.weighted<KeyKind>([
    [6, 'rsa'],
    [5, 'p256'],
    [2, 'p384'],
    [1, 'p521'],
    [3, 'ed25519'],
    [0.3, 'dsa'],
    [0.3, 'ed448'],
  ]);
}

function pickKey(rng: Rng, kind: KeyKind, avoid: PoolKey[] = []): PoolKey {
  const pool = keyPool();
  const candidates = pool.byKind[kind].filter((k) => !avoid.includes(k));
  return rng.pick(candidates.length > 0 ? candidates : pool.all.filter((k) => !avoid.includes(k)));
}

function caName(rng: Rng, base: string): NameSpec {
  const form = rng.weighted<string>([
    [10, 'cn'],
    [3, 'o+cn'],
    [1, 'o'],
    [1, 'ou'],
    [1, 'printable'],
  ]);
  switch (form) {
    case 'o+cn':
      return [[attr(O, 'openshift')], [attr(CN, base)]];
    case 'o':
      return [[attr(O, `org-${base}`)]];
    case 'ou':
      return [[attr(OU, `unit-${base}`)]];
    case 'printable':
      return [[attr(CN, base, 'printable')]];
    default:
      return [[attr(CN, base)]];
  }
}

function randomSerial(rng: Rng): bigint {
  const r = rng.weighted<string>([
    [20, 'big'],
    [1, 'zero'],
    [1, 'negative'],
  ]);
  if (r === 'zero') return 0n;
  if (r === 'negative') return -BigInt(rng.int(1, 1e9));
  return (BigInt(rng.int(1, 2 ** 30)) << 32n) + BigInt(rng.int(0, 2 ** 31));
}

function newNode(
  w: { rng: Rng; at: Date },
  label: string,
  key: PoolKey,
  subject: NameSpec,
  issuer?: Node,
): Node {
  const { rng, at } = w;
  return {
    label,
    key,
    subject,
    issuer,
    version: 2,
    serial: randomSerial(rng),
    notBefore: timeSpec(floorSec(at.getTime() - rng.int(1, 1000) * DAY - rng.int(0, 86399) * 1000)),
    notAfter: timeSpec(floorSec(at.getTime() + rng.int(1, 3000) * DAY + rng.int(0, 86399) * 1000)),
    bc: null,
    ku: null,
    skid: keyId(key),
    extra: [],
  };
}

function caNode(
  w: { rng: Rng; at: Date },
  label: string,
  key: PoolKey,
  subject: NameSpec,
  issuer?: Node,
): Node {
  const n = newNode(w, label, key, subject, issuer);
  n.bc = { ca: true, critical: w.rng.chance(0.8) };
  n.ku = w.rng.chance(0.85) ? [KU.keyCertSign, KU.cRLSign] : null;
  return n;
}

const HOSTS = [
  'api-int.cluster.example.com',
  'api.cluster.example.com',
  'mcs.apps.example.org',
  'node-1.internal.example.net',
];

function ipBytes(rng: Rng, v6: boolean): Buffer {
  if (!v6) return Buffer.from([10, rng.int(0, 3), rng.int(0, 3), rng.int(1, 9)]);
  const b = Buffer.alloc(16);
  b.writeUInt16BE(0xfd00, 0);
  b[15] = rng.int(1, 9);
  if (rng.chance(0.3)) b[7] = rng.int(0, 2);
  return b;
}

function ipText(b: Buffer, bracket = false): string {
  if (b.length === 4) return Array.from(b).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  const s = groups.join(':');
  return bracket ? `[${s}]` : s;
}

// ---------------------------------------------------------------------------------------------
// Building

function extensionsOf(n: Node): ExtSpec[] | undefined {
  if (n.noExtensions) return undefined;
  const exts: ExtSpec[] = [];
  if (n.skidRaw) exts.push({ oid: '2.5.29.14', value: n.skidRaw });
  else if (n.skid) exts.push({ oid: '2.5.29.14', value: octet(n.skid) });
  const akid = n.akid === undefined ? (n.issuer ?? n).skid : n.akid;
  if (akid) exts.push({ oid: '2.5.29.35', value: seq(ctx(0, false, akid)) });
  if (n.kuRaw) exts.push({ oid: '2.5.29.15', critical: true, value: n.kuRaw });
  else if (n.ku) {
    const bytes = Buffer.alloc(2);
    for (const bit of n.ku) bytes[bit >> 3] = (bytes[bit >> 3] as number) | (0x80 >> (bit & 7));
    const len = bytes[1] === 0 ? (bytes[0] === 0 ? 0 : 1) : 2;
    const content = bytes.subarray(0, len);
    let unused = 0;
    if (len > 0) {
      const last = content[len - 1] as number;
      while (unused < 7 && ((last >> unused) & 1) === 0) unused++;
    }
    exts.push({ oid: '2.5.29.15', critical: true, value: bitString(content, unused) });
  }
  if (n.bc) {
    const parts: Buffer[] = [];
    if (n.bc.ca) parts.push(Buffer.from([0x01, 0x01, 0xff]));
    else if (n.bc.explicitFalse) parts.push(Buffer.from([0x01, 0x01, 0x00]));
    if (n.bc.pathLen !== undefined) parts.push(int(n.bc.pathLen));
    exts.push({ oid: '2.5.29.19', critical: n.bc.critical ? true : undefined, value: seq(...parts) });
  }
  if (n.ekuRaw) exts.push({ oid: '2.5.29.37', value: n.ekuRaw });
  else if (n.eku) exts.push({ oid: '2.5.29.37', value: seq(...n.eku.map((o) => oid(o))) });
  if (n.san) {
    exts.push({
      oid: '2.5.29.17',
      critical: n.sanCritical ? true : undefined,
      value: seq(...n.san.map(generalName)),
    });
  }
  if (n.nc) {
    const v =
      n.nc.raw ??
      seq(
        ...(n.nc.permitted.length > 0
          ? [ctx(0, true, ...n.nc.permitted.map((g) => seq(generalName(g))))]
          : []),
        ...(n.nc.excluded.length > 0 ? [ctx(1, true, ...n.nc.excluded.map((g) => seq(generalName(g))))] : []),
      );
    exts.push({ oid: '2.5.29.30', critical: n.nc.critical ? true : undefined, value: v });
  }
  exts.push(...n.extra);
  if (n.duplicateExt && exts.length > 0) exts.push(exts[0] as ExtSpec);
  if (n.critByte !== undefined) {
    const e = exts.find((x) => x.critical) ?? exts[0];
    if (e) {
      e.critical = true;
      e.critByte = n.critByte;
    }
  }
  return exts;
}

function build(n: Node, w: World): Buffer {
  if (n.der) return n.der;
  const parent = n.issuer ?? n;
  const signerKey = n.signerKey ?? parent.key;
  const sig = n.sig ?? defaultSigAlg(signerKey.kind, w.rng);
  n.sig = sig;
  const spec: CertSpec = {
    version: n.version,
    omitVersion: n.omitVersion,
    serial: n.serial,
    sigAlg: n.mismatchOuter ? { ...sig, outerAi: seq(oid('1.2.840.113549.1.1.12'), nullDer()) } : sig,
    issuer: n.issuerName ?? parent.subject,
    notBefore: n.notBefore,
    notAfter: n.notAfter,
    subject: n.subject,
    subjectKey: n.key,
    spkiOverride: n.spkiOverride,
    extensions: extensionsOf(n),
    signerKey,
    corruptSignature: n.corruptSig,
    trailing: n.trailing,
  };
  n.der = certDer(spec);
  return n.der;
}

// ---------------------------------------------------------------------------------------------
// Mutations: each changes the world and says what it did.

type Mutation = (w: World) => string;

const chainNodes = (w: World): Node[] => [w.root, ...w.inters, w.leaf];
const caNodes = (w: World): Node[] => [w.root, ...w.inters];

function anyNode(w: World): Node {
  return w.rng.pick(chainNodes(w));
}

function shiftedTime(t: TimeSpec, date: Date): TimeSpec {
  return { ...timeSpec(date, t.form), offset: t.offset };
}

const validity: Mutation = (w) => {
  const { rng } = w;
  const t = anyNode(w);
  const kind = rng.pick(['expired', 'not-yet', 'after-boundary', 'before-boundary', 'encoding'] as const);
  const atMs = w.at.getTime();
  switch (kind) {
    case 'expired':
      t.notAfter = shiftedTime(t.notAfter, floorSec(atMs - rng.int(1, 400 * 86400) * 1000));
      return `${t.label} expired`;
    case 'not-yet':
      t.notBefore = shiftedTime(t.notBefore, floorSec(atMs + rng.int(1, 400 * 86400) * 1000));
      return `${t.label} not yet valid`;
    case 'after-boundary': {
      const d = rng.pick([0, 1, 999, 1000, 1001, -1]);
      t.notAfter = shiftedTime(t.notAfter, floorSec(atMs));
      w.at = new Date(t.notAfter.date.getTime() + d);
      return `at = ${t.label}.notAfter ${d >= 0 ? '+' : ''}${d}ms`;
    }
    case 'before-boundary': {
      const d = rng.pick([0, -1, -999, -1000, -1001, 1]);
      t.notBefore = shiftedTime(t.notBefore, floorSec(atMs));
      w.at = new Date(t.notBefore.date.getTime() + d);
      return `at = ${t.label}.notBefore ${d >= 0 ? '+' : ''}${d}ms`;
    }
    case 'encoding': {
      const form = rng.weighted<string>([
        [3, 'gen'],
        [2, 'before-1950'],
        [2, 'after-2049'],
        [1, 'utc-2049'],
        [2, 'utc-min'],
        [3, 'offset'],
        [1, 'gen-frac'],
        [1, 'utc-noz'],
      ]);
      const expire = rng.chance(0.5);
      switch (form) {
        case 'before-1950':
          t.notBefore = timeSpec(new Date(Date.UTC(1949, 11, 31, 23, 59, rng.int(0, 59))), 'gen');
          break;
        case 'after-2049':
          t.notAfter = timeSpec(new Date(Date.UTC(2050, 0, 1, 0, 0, rng.int(0, 59))), 'gen');
          break;
        case 'utc-2049':
          t.notAfter = timeSpec(new Date(Date.UTC(2049, 11, 31, 23, 59, 59)), 'utc');
          break;
        case 'utc-min':
          t.notBefore = timeSpec(new Date(Math.floor(t.notBefore.date.getTime() / 60000) * 60000), 'utc-min');
          t.notAfter = timeSpec(
            expire
              ? new Date(Math.floor(atMs / 60000) * 60000 - 60000)
              : new Date(Math.floor(t.notAfter.date.getTime() / 60000) * 60000),
            'utc-min',
          );
          break;
        case 'offset': {
          const off = rng.pick([60, -300, 330, 840, -720, 1]);
          const f = rng.pick(['utc-offset', 'gen-offset'] as const);
          t.notBefore = { ...timeSpec(t.notBefore.date, f), offset: off };
          t.notAfter = {
            ...timeSpec(expire ? floorSec(atMs - rng.int(1, 100) * 1000) : t.notAfter.date, f),
            offset: off,
          };
          if (rng.chance(0.3))
            t.notBefore = { ...t.notBefore, date: floorSec(atMs + rng.int(1, 1000) * 1000) };
          return `${t.label} validity written ${f} ${off}min${expire ? ', expired' : ''}`;
        }
        case 'gen':
          t.notBefore = timeSpec(t.notBefore.date, 'gen');
          t.notAfter = timeSpec(expire ? floorSec(atMs - 1000) : t.notAfter.date, 'gen');
          break;
        default:
          t.notAfter = timeSpec(t.notAfter.date, form as TimeForm);
      }
      return `${t.label} validity encoding ${form}`;
    }
  }
};

function leafSanAndHost(w: World): string {
  const { rng, leaf } = w;
  const kind = rng.weighted<string>([
    [3, 'cn-only'],
    [2, 'empty-san'],
    [3, 'wildcard'],
    [2, 'uppercase'],
    [2, 'trailing-dot'],
    [4, 'ip'],
    [2, 'email-uri'],
    [2, 'odd-dns'],
    [3, 'host'],
    [1, 'dirname'],
  ]);
  switch (kind) {
    case 'cn-only': {
      const h = rng.pick(HOSTS);
      leaf.san = undefined;
      leaf.subject = [[attr(CN, rng.chance(0.7) ? h : `*.${h.split('.').slice(1).join('.')}`)]];
      w.host = rng.chance(0.8) ? h : 'other.example.com';
      return `leaf without SAN, CN ${leaf.subject[0]?.[0]?.value}`;
    }
    case 'empty-san':
      leaf.san = [];
      leaf.sanCritical = rng.chance(0.5);
      if (rng.chance(0.5)) leaf.subject = [[attr(CN, w.host)]];
      return `leaf with an empty SAN extension${leaf.sanCritical ? ' (critical)' : ''}`;
    case 'wildcard': {
      const pattern = rng.pick([
        '*.apps.example.com',
        '*.example.com',
        'a*.apps.example.com',
        '*',
        '*.*.example.com',
      ]);
      leaf.san = [{ type: 'dns', value: pattern }];
      w.host = rng.pick([
        'x.apps.example.com',
        'a.b.apps.example.com',
        'apps.example.com',
        'x.example.com',
        'ab.apps.example.com',
        '*.apps.example.com',
        'X.APPS.example.com.',
      ]);
      return `leaf SAN ${pattern}, host ${w.host}`;
    }
    case 'uppercase': {
      const h = rng.pick(HOSTS);
      leaf.san = [{ type: 'dns', value: rng.chance(0.5) ? h.toUpperCase() : h }];
      w.host = rng.chance(0.5) ? h.replace(/^./, (c) => c.toUpperCase()) : h;
      return `case: SAN ${leaf.san[0]?.type === 'dns' ? leaf.san[0].value : ''}, host ${w.host}`;
    }
    case 'trailing-dot': {
      const h = rng.pick(HOSTS);
      const sanDot = rng.chance(0.5);
      leaf.san = [{ type: 'dns', value: sanDot ? `${h}.` : h }];
      w.host = rng.chance(0.6) ? `${h}.` : h;
      if (rng.chance(0.2)) w.host = '.';
      return `trailing dot: SAN ${sanDot ? 'with' : 'without'}, host ${w.host}`;
    }
    case 'ip': {
      const v4 = ipBytes(rng, false);
      const v6 = ipBytes(rng, true);
      const sans: GeneralName[] = [];
      if (rng.chance(0.7)) sans.push({ type: 'ip', bytes: v4 });
      if (rng.chance(0.5)) sans.push({ type: 'ip', bytes: v6 });
      if (rng.chance(0.4)) sans.push({ type: 'dns', value: rng.pick(HOSTS) });
      if (rng.chance(0.2))
        sans.push({
          type: 'ip',
          bytes: Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]), v4]),
        });
      leaf.san = sans;
      w.host = rng.weighted<string>([
        [3, ipText(v4)],
        [2, ipText(v6)],
        [1, ipText(v6, true)],
        [1, `::ffff:${ipText(v4)}`],
        [1, '10.9.9.9'],
        [1, rng.pick(HOSTS)],
        [1, '010.0.0.1'],
      ]);
      return `leaf IP SANs (${sans.length}), host ${w.host}`;
    }
    case 'email-uri': {
      leaf.san = [...(leaf.san ?? []), ...randomEmailUri(rng)];
      return 'leaf with email/URI SANs';
    }
    case 'odd-dns': {
      const odd = rng.pick([
        'api_int.example.com',
        '-api.example.com',
        'api int.example.com',
        'api..example.com',
        '.example.com',
        '',
        'exa\u00e9mple.com',
      ]);
      leaf.san = [
        { type: 'dns', value: odd },
        ...(rng.chance(0.5) ? [{ type: 'dns' as const, value: w.host }] : []),
      ];
      w.host = rng.chance(0.6) ? odd : w.host;
      return `leaf DNS SAN ${JSON.stringify(odd)}`;
    }
    case 'dirname':
      leaf.san = [
        { type: 'dir', name: [[attr(CN, 'dir')]] },
        ...(rng.chance(0.5) ? [{ type: 'dns' as const, value: w.host }] : []),
      ];
      return 'leaf SAN with a directoryName';
    default: {
      w.host = rng.weighted<string>([
        [2, 'other.example.com'],
        [2, ''],
        [1, '10.0.0.1'],
        [1, 'API-INT.CLUSTER.EXAMPLE.COM'],
        [1, 'fd00::1'],
        [1, '[fd00::1]'],
      ]);
      return `host ${JSON.stringify(w.host)}`;
    }
  }
}

function randomEmailUri(rng: Rng): GeneralName[] {
  const out: GeneralName[] = [];
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.5)) {
      out.push({
        type: 'email',
        value: rng.pick([
          'admin@example.com',
          'ops@mail.example.com',
          'Admin@EXAMPLE.com',
          '"quoted user"@example.com',
          'no-at-sign',
          'a@b@example.com',
          'user@',
          'x.@example.com',
          'root@example.org',
        ]),
      });
    } else {
      out.push({
        type: 'uri',
        value: rng.pick([
          'https://api.example.com/config',
          'https://API.Example.com:22623/config/worker',
          'spiffe://cluster.local/ns/x',
          'urn:uuid:1234',
          'https://10.0.0.1/x',
          'https://[fd00::1]:443/',
          'file:///etc/hosts',
          'https://user@host.example.org/p?q=1#f',
          'https://example.com.:443/',
          'mailto:x@example.com',
          'https://host.example.com:notaport/',
        ]),
      });
    }
  }
  return out;
}

const hostAndSans: Mutation = leafSanAndHost;

const basicConstraints: Mutation = (w) => {
  const { rng } = w;
  const t = rng.pick(caNodes(w));
  const kind = rng.weighted<string>([
    [2, 'absent'],
    [2, 'not-ca'],
    [4, 'pathlen'],
    [1, 'pathlen-no-ca'],
    [2, 'v1'],
    [1, 'explicit-false'],
    [1, 'leaf-ca'],
  ]);
  switch (kind) {
    case 'absent':
      t.bc = null;
      return `${t.label} without basicConstraints`;
    case 'not-ca':
      t.bc = { ca: false, critical: true };
      return `${t.label} basicConstraints cA false`;
    case 'pathlen': {
      const p = rng.pick([0, 0, 1, 1, 2]);
      t.bc = { ca: true, pathLen: p, critical: true };
      return `${t.label} pathLen ${p}`;
    }
    case 'pathlen-no-ca':
      t.bc = { pathLen: rng.pick([0, 1]), critical: true };
      return `${t.label} pathLen without cA`;
    case 'v1':
      t.version = 0;
      t.omitVersion = rng.chance(0.7);
      t.noExtensions = true;
      return `${t.label} is a v1 certificate`;
    case 'explicit-false':
      t.bc = { ca: false, explicitFalse: true, critical: false };
      return `${t.label} basicConstraints with explicit cA FALSE`;
    default:
      w.leaf.bc = { ca: true, critical: true, pathLen: rng.chance(0.5) ? 0 : undefined };
      return 'leaf is a CA';
  }
};

const keyUsage: Mutation = (w) => {
  const { rng } = w;
  const kind = rng.weighted<string>([
    [2, 'ca-no-certsign'],
    [1, 'ca-empty-ku'],
    [6, 'leaf-eku'],
    [4, 'ca-eku'],
  ]);
  const ekuSets: [number, string[]][] = [
    [2, [EKU.clientAuth]],
    [2, [EKU.any]],
    [2, [EKU.msSGC]],
    [2, [EKU.nsSGC]],
    [2, [EKU.unknown]],
    [2, [EKU.serverAuth, EKU.clientAuth]],
    [1, [EKU.codeSigning]],
    [1, [EKU.unknown, EKU.serverAuth]],
    [1, [EKU.msSGC, EKU.nsSGC, EKU.clientAuth]],
    [1, []],
  ];
  switch (kind) {
    case 'ca-no-certsign': {
      const t = rng.pick(caNodes(w));
      t.ku = [KU.digitalSignature, KU.cRLSign];
      return `${t.label} keyUsage without keyCertSign`;
    }
    case 'ca-empty-ku': {
      const t = rng.pick(caNodes(w));
      t.ku = [];
      return `${t.label} keyUsage with no bits`;
    }
    case 'leaf-eku': {
      w.leaf.eku = rng.weighted(ekuSets);
      return `leaf EKU ${w.leaf.eku.join(',') || '(empty)'}`;
    }
    default: {
      const t = rng.pick(caNodes(w));
      t.eku = rng.weighted(ekuSets);
      if (rng.chance(0.3)) w.leaf.eku = rng.weighted(ekuSets);
      return `${t.label} EKU ${t.eku.join(',') || '(empty)'}; leaf EKU ${(w.leaf.eku ?? []).join(',')}`;
    }
  }
};

function ipConstraint(ip: Buffer, prefix: number): GeneralName {
  const mask = Buffer.alloc(ip.length);
  for (let i = 0; i < prefix; i++) mask[i >> 3] = (mask[i >> 3] as number) | (0x80 >> (i & 7));
  return { type: 'ip', bytes: Buffer.concat([Buffer.from(ip.map((b, i) => b & (mask[i] as number))), mask]) };
}

/** A constraint near one of the leaf's names: sometimes matching it, sometimes not. */
function constraintFor(rng: Rng, leaf: Node): GeneralName {
  const sans = leaf.san ?? [];
  const base = sans.length > 0 && rng.chance(0.75) ? rng.pick(sans) : undefined;
  const kind =
    base && base.type !== 'dir' && base.type !== 'raw'
      ? base.type
      : rng.pick(['dns', 'ip', 'email', 'uri', 'dir'] as const);
  switch (kind) {
    case 'dns': {
      const name = base?.type === 'dns' ? base.value : rng.pick(HOSTS);
      const labels = name.split('.');
      return {
        type: 'dns',
        value: rng.pick([
          name,
          labels.slice(1).join('.'),
          `.${labels.slice(1).join('.')}`,
          labels.slice(-2).join('.'),
          'example.net',
          '',
          `.${name}`,
          name.toUpperCase(),
        ]),
      };
    }
    case 'ip': {
      const ip = base?.type === 'ip' ? base.bytes : ipBytes(rng, rng.chance(0.3));
      const bits = ip.length * 8;
      return ipConstraint(
        rng.chance(0.8) ? ip : ipBytes(rng, ip.length === 16),
        rng.pick([bits, bits - 8, 8, 0, bits - 1]),
      );
    }
    case 'email': {
      const v = base?.type === 'email' ? base.value : 'admin@example.com';
      const domain = v.includes('@') ? v.slice(v.lastIndexOf('@') + 1) : 'example.com';
      return {
        type: 'email',
        value: rng.pick([
          v,
          domain,
          `.${domain}`,
          'example.org',
          'other@example.com',
          'mail.example.com',
          'ADMIN@example.COM',
        ]),
      };
    }
    case 'uri': {
      return {
        type: 'uri',
        value: rng.pick([
          'api.example.com',
          '.example.com',
          'example.com',
          'cluster.local',
          'host.example.org',
          'example.org',
        ]),
      };
    }
    default:
      return { type: 'dir', name: [[attr(O, 'openshift')]] };
  }
}

const nameConstraints: Mutation = (w) => {
  const { rng } = w;
  const t = rng.pick(caNodes(w));
  if (rng.chance(0.4)) w.leaf.san = [...(w.leaf.san ?? []), ...randomEmailUri(rng)];
  if (rng.chance(0.2))
    w.leaf.san = [...(w.leaf.san ?? []), { type: 'ip', bytes: ipBytes(rng, rng.chance(0.3)) }];
  const nc: NameConstraintsSpec = { permitted: [], excluded: [], critical: rng.chance(0.6) };
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) (rng.chance(0.6) ? nc.permitted : nc.excluded).push(constraintFor(rng, w.leaf));
  t.nc = nc;
  let own = '';
  if (rng.chance(0.3)) {
    t.san = rng.chance(0.5)
      ? [{ type: 'dns', value: rng.pick(['ca.example.com', 'ca.example.net', 'bad..name']) }]
      : randomEmailUri(rng);
    own = ', with its own SANs';
  }
  const show = (g: GeneralName): string =>
    g.type === 'ip'
      ? `ip:${g.bytes.toString('hex')}`
      : g.type === 'dir'
        ? 'dirName'
        : g.type === 'raw'
          ? 'raw'
          : `${g.type}:${g.value}`;
  return `${t.label} name constraints${nc.critical ? ' (critical)' : ''} permitted [${nc.permitted.map(show).join(' ')}] excluded [${nc.excluded.map(show).join(' ')}]${own}`;
};

const badNameConstraints: Mutation = (w) => {
  const { rng } = w;
  const t = rng.pick(caNodes(w));
  const g = rng.pick<[string, GeneralName | Buffer]>([
    ['dns trailing dot', { type: 'dns', value: 'example.com.' }],
    ['dns empty label', { type: 'dns', value: 'a..example.com' }],
    ['email bad mailbox', { type: 'email', value: 'a@@example.com' }],
    ['email domain dot', { type: 'email', value: 'example.com.' }],
    ['uri is IP', { type: 'uri', value: '10.0.0.1' }],
    ['uri bad', { type: 'uri', value: 'example..com' }],
    ['ip length', { type: 'ip', bytes: Buffer.from([10, 0, 0, 0, 255, 0, 0]) }],
    ['ip mask', { type: 'ip', bytes: Buffer.from([10, 0, 0, 0, 255, 0, 255, 0]) }],
    ['dns non-IA5', { type: 'dns', value: 'ex\u00e4mple.com' }],
    ['empty', seq()],
    ['empty subtrees', seq(ctx(0, true))],
  ]);
  const [label, value] = g;
  t.nc = Buffer.isBuffer(value)
    ? { permitted: [], excluded: [], critical: true, raw: value }
    : { permitted: rng.chance(0.5) ? [value] : [], excluded: [], critical: rng.chance(0.5) };
  if (!Buffer.isBuffer(value) && t.nc.permitted.length === 0) t.nc.excluded.push(value);
  return `${t.label} malformed name constraints: ${label}`;
};

const signatures: Mutation = (w) => {
  const { rng } = w;
  const t = rng.pick([...w.inters, w.leaf, w.leaf]);
  const kind = rng.weighted<string>([
    [6, 'odd-alg'],
    [2, 'corrupt'],
    [2, 'wrong-key'],
    [1, 'mismatch-key-kind'],
  ]);
  const parent = t.issuer ?? t;
  switch (kind) {
    case 'corrupt':
      t.corruptSig = true;
      return `${t.label} signature corrupted`;
    case 'wrong-key':
      t.signerKey = pickKey(rng, parent.key.kind, [parent.key]);
      return `${t.label} signed by another ${t.signerKey.kind} key`;
    case 'mismatch-key-kind':
      t.signerKey = parent.key;
      parent.key = pickKey(rng, caKeyKind(rng), [parent.key]);
      parent.skid = keyId(parent.key);
      return `${parent.label} has a ${parent.key.kind} key, ${t.label} signed by the old key`;
    default: {
      const signer = t.signerKey ?? parent.key;
      t.sig = oddSigAlg(signer.kind, rng);
      return `${t.label} signature algorithm ${t.sig.label} (signer ${signer.kind})`;
    }
  }
};

const keyIds: Mutation = (w) => {
  const { rng } = w;
  const t = rng.pick([...w.inters, w.leaf]);
  const kind = rng.pick(['akid-mismatch', 'akid-absent', 'skid-absent', 'skid-empty'] as const);
  switch (kind) {
    case 'akid-mismatch':
      t.akid = createHash('sha1').update(`x${rng.next()}`).digest();
      return `${t.label} AKID does not match`;
    case 'akid-absent':
      t.akid = null;
      return `${t.label} without AKID`;
    case 'skid-absent':
      (t.issuer ?? t).skid = null;
      return `${(t.issuer ?? t).label} without SKID`;
    default:
      (t.issuer ?? t).skid = Buffer.alloc(0);
      return `${(t.issuer ?? t).label} with an empty SKID`;
  }
};

function cloneNode(n: Node, label: string): Node {
  return { ...n, label, extra: [...n.extra], der: undefined, serial: n.serial + 1n };
}

const structure: Mutation = (w) => {
  const { rng } = w;
  const kind = rng.weighted<string>([
    [3, 'same-subject-root'],
    [3, 'renewed-inter'],
    [2, 'renewed-inter-new-key'],
    [3, 'cross-signed'],
    [3, 'reached-twice'],
    [1, 'loop'],
    [2, 'wrong-issuer-encoding'],
    [1, 'wrong-issuer'],
    [1, 'root-not-self-signed'],
  ]);
  switch (kind) {
    case 'same-subject-root': {
      const other = caNode(w, 'root2', pickKey(rng, caKeyKind(rng), [w.root.key]), w.root.subject);
      if (rng.chance(0.3)) other.skid = w.root.skid;
      if (rng.chance(0.3)) other.notAfter = timeSpec(floorSec(w.at.getTime() - DAY));
      w.nodes.push(other);
      w.roots = rng.chance(0.6) ? [other, w.root] : [w.root, other];
      if (rng.chance(0.3)) w.roots = [other];
      return `another root with the same subject (${w.roots.length} roots)`;
    }
    case 'renewed-inter':
    case 'renewed-inter-new-key': {
      const parentOfLeaf = w.inters.length > 0 ? (w.inters[w.inters.length - 1] as Node) : undefined;
      if (!parentOfLeaf) return 'no intermediate to renew';
      const renewed = cloneNode(parentOfLeaf, `${parentOfLeaf.label}'`);
      if (kind === 'renewed-inter-new-key') {
        renewed.key = pickKey(rng, caKeyKind(rng), [parentOfLeaf.key]);
        renewed.skid = rng.chance(0.5) ? keyId(renewed.key) : parentOfLeaf.skid;
      }
      if (rng.chance(0.5)) renewed.notAfter = timeSpec(floorSec(w.at.getTime() - rng.int(1, 100) * DAY));
      if (rng.chance(0.3)) renewed.notBefore = timeSpec(floorSec(w.at.getTime() + rng.int(1, 100) * DAY));
      w.nodes.push(renewed);
      const rest = w.inters.slice(0, -1).reverse();
      w.served = rng.chance(0.5)
        ? [w.leaf, renewed, parentOfLeaf, ...rest]
        : [w.leaf, parentOfLeaf, renewed, ...rest];
      return `renewed ${parentOfLeaf.label}${kind === 'renewed-inter-new-key' ? ' with a new key' : ''} served too`;
    }
    case 'cross-signed': {
      const target = w.inters.length > 0 ? rng.pick(w.inters) : undefined;
      if (!target) return 'no intermediate to cross-sign';
      const otherRoot = caNode(
        w,
        'other-root',
        pickKey(rng, caKeyKind(rng), [w.root.key]),
        caName(rng, 'other-root'),
      );
      const cross = cloneNode(target, `${target.label}(x)`);
      cross.issuer = otherRoot;
      cross.akid = undefined;
      if (rng.chance(0.3)) cross.notAfter = timeSpec(floorSec(w.at.getTime() - DAY));
      w.nodes.push(otherRoot, cross);
      const served = [w.leaf, ...w.inters.slice().reverse()];
      served.splice(rng.int(1, served.length), 0, cross);
      w.served = served;
      const trusted = rng.chance(0.5);
      w.roots = trusted ? rng.shuffle([w.root, otherRoot]) : [w.root];
      if (rng.chance(0.25)) w.roots = [otherRoot];
      return `${target.label} cross-signed by another root (${trusted ? 'trusted' : 'untrusted'})`;
    }
    case 'reached-twice': {
      // Two leaf issuers (a renewal with the same key) both lead to the same intermediate,
      // whose own parent fails: Go 1.19 walks it again each time (no cache).
      if (w.inters.length === 0) {
        const mid = caNode(w, 'inter0', pickKey(rng, caKeyKind(rng)), caName(rng, 'inter0'), w.root);
        w.inters.push(mid);
        w.nodes.push(mid);
        w.leaf.issuer = mid;
      }
      if (w.inters.length === 1) {
        const top = w.inters[0] as Node;
        const mid = caNode(w, 'inter1', pickKey(rng, caKeyKind(rng)), caName(rng, 'inter1'), top);
        w.inters.push(mid);
        w.nodes.push(mid);
        w.leaf.issuer = mid;
      }
      const last = w.inters[w.inters.length - 1] as Node;
      const renewed = cloneNode(last, `${last.label}'`);
      w.nodes.push(renewed);
      const upper = w.inters[w.inters.length - 2] as Node;
      const fail = rng.pick(['root-expired', 'upper-sig', 'root-missing', 'upper-pathlen', 'none'] as const);
      if (fail === 'root-expired') w.root.notAfter = timeSpec(floorSec(w.at.getTime() - DAY));
      if (fail === 'upper-sig') upper.corruptSig = true;
      if (fail === 'root-missing')
        w.roots = [caNode(w, 'unrelated-root', pickKey(rng, 'p256'), caName(rng, 'unrelated'))];
      if (fail === 'upper-pathlen') w.root.bc = { ca: true, pathLen: 0, critical: true };
      if (rng.chance(0.4)) renewed.notAfter = timeSpec(floorSec(w.at.getTime() - DAY));
      w.served = [w.leaf, last, renewed, ...w.inters.slice(0, -1).reverse()];
      if (rng.chance(0.5)) w.served = [w.leaf, renewed, last, ...w.inters.slice(0, -1).reverse()];
      return `renewed ${last.label} served twice, both reach ${upper.label} (${fail})`;
    }
    case 'loop': {
      const a = caNode(w, 'loopA', pickKey(rng, 'p256'), caName(rng, 'loopA'));
      const b = caNode(w, 'loopB', pickKey(rng, 'p256', [a.key]), caName(rng, 'loopB'), a);
      a.issuer = b;
      const aFromRoot = cloneNode(a, "loopA'");
      aFromRoot.issuer = w.root;
      w.leaf.issuer = a;
      w.nodes.push(a, b, aFromRoot);
      w.inters = [];
      w.served = rng.shuffle([a, b, ...(rng.chance(0.6) ? [aFromRoot] : [])]);
      w.served.unshift(w.leaf);
      return 'two intermediates signing each other';
    }
    case 'wrong-issuer-encoding': {
      const t = rng.pick([...w.inters, w.leaf]);
      const parent = t.issuer ?? t;
      t.issuerName = parent.subject.map((rdn) =>
        rdn.map((a) => ({ ...a, kind: a.kind === 'printable' ? ('utf8' as const) : ('printable' as const) })),
      );
      return `${t.label} issuer name in another string type`;
    }
    case 'wrong-issuer': {
      const t = rng.pick([...w.inters, w.leaf]);
      t.issuerName = [[attr(CN, 'somebody-else')]];
      return `${t.label} names another issuer`;
    }
    default: {
      const above = caNode(w, 'above-root', pickKey(rng, 'p256'), caName(rng, 'above'));
      w.root.issuer = above;
      w.root.akid = undefined;
      w.nodes.push(above);
      return 'the trusted root is not self-signed';
    }
  }
};

const servedShape: Mutation = (w) => {
  const { rng } = w;
  const served = w.served ?? [w.leaf, ...w.inters.slice().reverse()];
  const kind = rng.pick([
    'shuffle',
    'duplicate',
    'drop',
    'with-root',
    'extra',
    'leaf-in-roots',
    'inter-in-roots',
    'no-roots',
  ] as const);
  switch (kind) {
    case 'shuffle':
      w.served = [served[0] as Node, ...rng.shuffle(served.slice(1))];
      return 'served intermediates shuffled';
    case 'duplicate': {
      const d = rng.pick(served);
      w.served = [...served];
      w.served.splice(rng.int(1, served.length), 0, d);
      return `${d.label} served twice`;
    }
    case 'drop':
      if (served.length < 2) return 'nothing to drop';
      w.served = served.filter((_, i) => i !== rng.int(1, served.length - 1));
      return 'an intermediate missing';
    case 'with-root':
      w.served = [...served, w.root];
      return 'the root served too';
    case 'extra': {
      const stray = caNode(w, 'stray', pickKey(rng, 'p256'), caName(rng, 'stray'));
      w.nodes.push(stray);
      w.served = [...served, stray];
      return 'an unrelated CA served too';
    }
    case 'leaf-in-roots':
      w.roots = [...(w.roots ?? [w.root]), w.leaf];
      return 'the leaf is also a root';
    case 'inter-in-roots': {
      if (w.inters.length === 0) return 'no intermediate to trust';
      const i = rng.pick(w.inters);
      w.roots = rng.chance(0.5) ? [i] : [...(w.roots ?? [w.root]), i];
      return `${i.label} is trusted directly`;
    }
    default:
      w.roots = [];
      return 'no roots';
  }
};

const criticalExtensions: Mutation = (w) => {
  const { rng } = w;
  const t = anyNode(w);
  const kind = rng.pick([
    'unknown-critical',
    'unknown',
    'policies-critical',
    'aia-critical',
    'crldp-critical',
    'nc-dirname',
  ] as const);
  switch (kind) {
    case 'unknown-critical':
      t.extra.push({
        oid: rng.pick(['1.3.6.1.4.1.99999.1', '2.5.29.99', '2.5.29.16']),
        critical: true,
        value: nullDer(),
      });
      return `${t.label} unknown critical extension`;
    case 'unknown':
      t.extra.push({
        oid: '1.3.6.1.4.1.99999.2',
        critical: rng.chance(0.5) ? false : undefined,
        value: nullDer(),
      });
      return `${t.label} unknown non-critical extension`;
    case 'policies-critical':
      t.extra.push({ oid: '2.5.29.32', critical: true, value: seq(seq(oid('2.23.140.1.2.1'))) });
      return `${t.label} critical certificate policies`;
    case 'aia-critical':
      t.extra.push({
        oid: '1.3.6.1.5.5.7.1.1',
        critical: true,
        value: seq(seq(oid('1.3.6.1.5.5.7.48.1'), ctx(6, false, Buffer.from('http://ocsp.example.com')))),
      });
      return `${t.label} critical AIA`;
    case 'crldp-critical':
      t.extra.push({
        oid: '2.5.29.31',
        critical: true,
        value: seq(
          seq(ctx(0, true, ctx(0, true, ctx(6, false, Buffer.from('http://crl.example.com/x.crl'))))),
        ),
      });
      return `${t.label} critical CRL distribution points`;
    default: {
      const ca = rng.pick(caNodes(w));
      ca.nc = {
        permitted: [
          { type: 'dir', name: [[attr(O, 'x')]] },
          ...(rng.chance(0.5) ? [{ type: 'dns' as const, value: 'example.com' }] : []),
        ],
        excluded: [],
        critical: rng.chance(0.5),
      };
      return `${ca.label} directoryName constraint${ca.nc.critical ? ' (critical)' : ''}`;
    }
  }
};

const parseFailures: Mutation = (w) => {
  const { rng } = w;
  const t = rng.chance(0.25) ? w.root : anyNode(w);
  const kind = rng.pick([
    'duplicate-ext',
    'ip-san-length',
    'dns-non-ia5',
    'email-non-ia5',
    'uri-bad',
    'uri-invalid-domain',
    'outer-alg',
    'version-4',
    'version-negative',
    'trailing',
    'crit-byte',
    'rsa-no-null',
    'printable',
    'utf8',
    'time-frac',
    'time-noz',
    'ku-padding',
    'eku-bad',
    'skid-bad',
  ] as const);
  switch (kind) {
    case 'duplicate-ext':
      t.duplicateExt = true;
      break;
    case 'ip-san-length':
      t.san = [...(t.san ?? []), { type: 'ip', bytes: Buffer.from([10, 0, 0, 1, 0]) }];
      break;
    case 'dns-non-ia5':
      t.san = [{ type: 'dns', value: 'caf\u00e9.example.com' }];
      break;
    case 'email-non-ia5':
      t.san = [{ type: 'email', value: 'j\u00f6rg@example.com' }];
      break;
    case 'uri-bad':
      t.san = [
        {
          type: 'uri',
          value: rng.pick([
            'http://[::1',
            'http://a b.example.com/',
            'ht tp://x',
            'http://example.com/%zz',
            ':nope',
            'http://host:port/',
            'https://h.example.com/#%zz',
            'http://\u007fx/',
          ]),
        },
      ];
      break;
    case 'uri-invalid-domain':
      t.san = [
        { type: 'uri', value: rng.pick(['https://a..example.com/', 'https://example.com./', 'https://./']) },
      ];
      break;
    case 'outer-alg':
      t.mismatchOuter = true;
      break;
    case 'version-4':
      t.version = 3;
      break;
    case 'version-negative':
      t.version = -1;
      break;
    case 'trailing':
      t.trailing = Buffer.from([0]);
      break;
    case 'crit-byte':
      t.critByte = 0x01;
      break;
    case 'rsa-no-null': {
      const k = pickKey(rng, 'rsa');
      const spkiParts = k.spki;
      // SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING }: drop the NULL.
      const bits = spkiParts.subarray(spkiParts.indexOf(Buffer.from([0x05, 0x00])) + 2);
      t.key = k;
      t.skid = keyId(k);
      t.spkiOverride = seq(seq(oid('1.2.840.113549.1.1.1')), bits);
      break;
    }
    case 'printable':
      t.subject = [[attr(CN, 'bad@name', 'printable')]];
      break;
    case 'utf8':
      // An invalid UTF8String in a Name (a lone 0xff byte).
      t.subject = [[{ oid: CN, value: 'bad\u00ff', kind: 'utf8bytes' }]];
      break;
    case 'time-frac':
      t.notAfter = timeSpec(t.notAfter.date, 'gen-frac');
      break;
    case 'time-noz':
      t.notBefore = timeSpec(t.notBefore.date, 'utc-noz');
      break;
    case 'ku-padding':
      t.kuRaw = tlv(0x03, Buffer.from([0x07, 0x87]));
      break;
    case 'eku-bad':
      t.ekuRaw = seq(int(1));
      break;
    case 'skid-bad':
      t.skidRaw = int(5);
      break;
  }
  // A subject change must show in the children's issuer names, as a CA would write them.
  return `${t.label} unparsable: ${kind}`;
};

/** More than 100 signature checks: many same-name intermediates that each sign the next. */
function sigCheckLimitWorld(w: World): string {
  const { rng } = w;
  const n = rng.int(11, 16);
  const name = caName(rng, 'same-name-ca');
  const cas: Node[] = [];
  let prev: Node | undefined;
  for (let i = 0; i < n; i++) {
    const key = keyPool().byKind.p256[i % 4] as PoolKey;
    const ed = keyPool().byKind.ed25519[i % 3] as PoolKey;
    const node = caNode(w, `same${i}`, i % 2 === 0 ? key : ed, name, prev);
    node.issuerName = name;
    node.skid = null;
    node.akid = null;
    // Distinct SANs keep alreadyInChain from collapsing certificates that share a key.
    node.san = [{ type: 'dns', value: `ca${i}.example.com` }];
    cas.push(node);
    prev = node;
  }
  const top = cas[0] as Node;
  top.issuer = undefined;
  top.issuerName = name;
  w.leaf.issuer = cas[n - 1];
  w.leaf.akid = null;
  w.nodes.push(...cas);
  w.inters = [];
  w.served = [w.leaf, ...rng.shuffle(cas)];
  w.roots = [w.root];
  return `${n} intermediates with one subject`;
}

/** More than 250,000 name constraint comparisons. */
function tooManyConstraintsWorld(w: World): string {
  const { rng } = w;
  const t = rng.pick(caNodes(w));
  const count = rng.int(560, 700);
  const excluded: GeneralName[] = [];
  for (let i = 0; i < count; i++) excluded.push({ type: 'dns', value: `x${i}.example.net` });
  t.nc = { permitted: [], excluded, critical: false };
  const sans: GeneralName[] = [];
  for (let i = 0; i < 450; i++) sans.push({ type: 'dns', value: `h${i}.example.com` });
  w.leaf.san = [{ type: 'dns', value: w.host }, ...sans];
  return `${t.label} with ${count} constraints, leaf with 451 names`;
}

const MUTATIONS: [number, Mutation][] = [
  [12, validity],
  [12, hostAndSans],
  [7, basicConstraints],
  [9, keyUsage],
  [14, nameConstraints],
  [3, badNameConstraints],
  [12, signatures],
  [5, keyIds],
  [12, structure],
  [7, servedShape],
  [5, criticalExtensions],
  [6, parseFailures],
];

// ---------------------------------------------------------------------------------------------

export function generateCase(runSeed: number, index: number): GeneratedCase {
  const seed = caseSeed(runSeed, index);
  const rng = new Rng(seed);
  const at = new Date(Date.UTC(2026, 5, 15, 12, 0, 0) + rng.int(0, 365 * 86400) * 1000 + rng.int(0, 999));
  const base = { rng, at };
  const root = caNode(base, 'root', pickKey(rng, caKeyKind(rng)), caName(rng, `root-${rng.int(1, 99)}`));
  const depth = rng.weighted<number>([
    [3, 0],
    [5, 1],
    [3, 2],
    [1, 3],
  ]);
  const inters: Node[] = [];
  let parent = root;
  for (let i = 0; i < depth; i++) {
    const n = caNode(
      base,
      `inter${i}`,
      pickKey(rng, caKeyKind(rng)),
      caName(rng, `intermediate-${i}`),
      parent,
    );
    inters.push(n);
    parent = n;
  }
  const leafKind = rng.weighted<KeyKind>([
    [5, 'rsa'],
    [5, 'p256'],
    [2, 'p384'],
    [2, 'ed25519'],
    [0.3, 'ed448'],
  ]);
  const host = rng.pick(HOSTS);
  const leaf = newNode(
    base,
    'leaf',
    pickKey(rng, leafKind),
    [[attr(CN, 'system:machine-config-server')]],
    parent,
  );
  leaf.san = [{ type: 'dns', value: host }];
  if (rng.chance(0.3)) leaf.san.push({ type: 'dns', value: rng.pick(HOSTS) });
  if (rng.chance(0.5)) leaf.eku = [EKU.serverAuth];
  if (rng.chance(0.5)) leaf.ku = [KU.digitalSignature, KU.keyEncipherment];
  if (rng.chance(0.2)) leaf.bc = { ca: false, critical: true };
  const w: World = { rng, root, inters, leaf, nodes: [root, ...inters, leaf], host, at, desc: [] };
  w.desc.push(`depth ${depth}, keys ${[root, ...inters, leaf].map((n) => n.key.kind).join('/')}`);

  const special = rng.next();
  if (special < 0.006) w.desc.push(sigCheckLimitWorld(w));
  else if (special < 0.009) w.desc.push(tooManyConstraintsWorld(w));
  const count = rng.weighted<number>([
    [2, 0],
    [6, 1],
    [4, 2],
    [1, 3],
  ]);
  for (let i = 0; i < count; i++) w.desc.push(rng.weighted(MUTATIONS)(w));

  const served = w.served ?? [w.leaf, ...w.inters.slice().reverse()];
  const roots = w.roots ?? [w.root];
  // Parents first, so a node's issuer is built before the node (names and keys are already fixed).
  for (const n of w.nodes) build(n, w);
  for (const n of [...served, ...roots]) build(n, w);
  return {
    index,
    seed,
    description: w.desc.join('; '),
    chain: served.map((n) => pemOf(n.der as Buffer)),
    roots: roots.map((n) => pemOf(n.der as Buffer)),
    host: w.host,
    at: w.at,
  };
}

export { nameDer };

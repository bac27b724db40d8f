/**
 * `mcs-doctor context` against the real kubectl 1.32 on generated KUBECONFIG / flag
 * combinations (a seeded, deterministic generator), and `--check` on two simulated clusters.
 *
 * Oracle A (only where it applies: `kubectl config view` honours KUBECONFIG, --kubeconfig and
 * --context, nothing else): `kubectl config view --minify --flatten -o json` against
 * `mcs-doctor context -o json`: context, cluster, user, server, namespace, token fingerprint,
 * the bytes of the CA and of the client certificate and key (--flatten reads the files against
 * the folder of the file that names them, which is what is being tested).
 *
 * Oracle B (every combination): three recording HTTPS API servers per worker slot, each on its
 * own 127.253.x.y with a certificate from its own CA; `kubectl get configmaps -o name` and
 * `mcs-doctor context --check -o json` run with the same environment and flags in the same
 * working directory. Both must reach the same server with the same Authorization, Impersonate-*
 * headers and client certificate; kubectl's namespace (in its request path) must be mcs-doctor's;
 * a kubectl that fails before reaching any server means mcs-doctor exits 2, a certificate
 * refused means exit 3, and the other way round.
 *
 * Relative paths are checked by decoys: the working directory holds files of the same relative
 * names (a CA that signed no server, another client certificate, a token "decoy", a plugin that
 * prints "decoy"), so a path resolved against anything but its kubeconfig's folder shows.
 *
 * The generator is deterministic (SEED); the kubeconfig source, the current-context file, one
 * user's credential kind and one flag rotate with the combination's number, so the coverage test
 * at the end (flags, outcomes and headers seen) does not hang on luck. SHOW_COVERAGE=1 prints the
 * counts and kubectl's outcome per combination.
 *
 * Disagreements already reported to the lead are recognised by their signature and mark the
 * combination `todo` (it still runs and reports): see KNOWN_DISAGREEMENTS. Empty that list once
 * src/sources/kubeconfig.ts is fixed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { parse as parseYaml, stringify } from 'yaml';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { CLI_PATH } from '../helpers/cli.js';
import {
  KUBECTL,
  cleanEnv,
  kubectlAvailable,
  makeCa,
  makeLeaf,
  runProcess,
  startRecordingServer,
  type PemPair,
  type ProcessResult,
  type RecordingServer,
} from '../helpers/kube-recorder.js';

const SEED = 0x6b756265;
const COMBINATIONS = 48;
const PARALLEL = 4;
const ROLES = ['a', 'b', 'c'] as const;
type Role = (typeof ROLES)[number];
const CLUSTER_NAMES = ['prod', 'dev', 'lab'];
const USER_NAMES = ['admin', 'dev', 'ro'];
const CONTEXT_NAMES = ['admin', 'dev', 'ops'];
const KILL_AFTER_MS = 20_000;

const HAVE_KUBECTL = kubectlAvailable();

// ---------------------------------------------------------------------------------------------
// The generator

/** mulberry32: small, seedable, the same sequence on every machine. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T extends string>(weights: Record<T, number>): T {
    const entries = Object.entries(weights) as [T, number][];
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) {
      r -= w;
      if (r < 0) return k;
    }
    return entries[entries.length - 1]![0];
  }
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    const count = min + this.int(max - min + 1);
    while (out.length < count && pool.length) out.push(pool.splice(this.int(pool.length), 1)[0]!);
    return out;
  }
}

type CaSpec =
  | { kind: 'relative'; role: Role; subdir: boolean }
  | { kind: 'data'; role: Role }
  | { kind: 'absolute'; role: Role }
  | { kind: 'insecure' };
interface ClusterSpec {
  name: string;
  role: Role;
  ca: CaSpec;
  tlsServerName?: 'right' | 'wrong';
}
type AuthKind =
  | 'token'
  | 'token-file'
  | 'token-and-file'
  | 'cert-files'
  | 'cert-data'
  | 'exec-v1'
  | 'exec-v1beta1'
  | 'basic';
const FOCUS = [
  'view',
  'server',
  'token',
  'view',
  'as',
  'namespace',
  'view',
  'cluster',
  'user',
  'view',
  'insecure',
  'ca',
] as const;
const AUTH_KINDS: AuthKind[] = [
  'token',
  'token-file',
  'cert-files',
  'cert-data',
  'exec-v1',
  'exec-v1beta1',
  'basic',
  'token',
];
interface UserSpec {
  name: string;
  auth: AuthKind;
  /** Impersonation written in the file. */
  as?: boolean;
}
interface ContextSpec {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}
interface FileSpec {
  clusters: ClusterSpec[];
  users: UserSpec[];
  contexts: ContextSpec[];
  currentContext?: string;
}
type Entry = { file: number; relative: boolean } | { missing: true } | { empty: true };
type SourceSpec =
  | { kind: 'env'; entries: Entry[] }
  | { kind: 'flag'; file: number | 'missing'; relative: boolean; alsoEnv?: Entry[] }
  | { kind: 'home' };
interface FlagSpec {
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: Role;
  token?: boolean;
  as?: boolean;
  asGroups?: number;
  insecure?: boolean;
  ca?: { role: Role; relative: boolean };
}
interface ComboSpec {
  id: string;
  files: FileSpec[];
  source: SourceSpec;
  flags: FlagSpec;
  currentContextIn: 'first' | 'second' | 'none';
}

function generate(index: number, rng: Rng): ComboSpec {
  const nFiles = rng.chance(0.35) ? 3 : 2;
  const files: FileSpec[] = [];
  for (let i = 0; i < nFiles; i++) {
    const clusters = rng.some(CLUSTER_NAMES, 1, 2).map((name): ClusterSpec => {
      // The same name in an earlier file: mostly on another server, so the file that wins shows.
      const taken = files.flatMap((f) => f.clusters.filter((c) => c.name === name).map((c) => c.role));
      const others = ROLES.filter((r) => !taken.includes(r));
      const role = others.length && rng.chance(0.8) ? rng.pick(others) : rng.pick(ROLES);
      const caRole = rng.chance(0.9) ? role : rng.pick(ROLES.filter((r) => r !== role));
      const kind = rng.weighted({ relative: 40, data: 30, absolute: 22, insecure: 8 });
      const ca: CaSpec =
        kind === 'relative'
          ? { kind, role: caRole, subdir: rng.chance(0.35) }
          : kind === 'insecure'
            ? { kind }
            : { kind, role: caRole };
      const tls = rng.weighted({ none: 85, right: 10, wrong: 5 });
      return { name, role, ca, ...(tls === 'none' ? {} : { tlsServerName: tls }) };
    });
    const users = rng.some(USER_NAMES, 1, 2).map((name, ui): UserSpec => ({
      name,
      // The first file's first user takes every kind in turn; the others are drawn.
      auth:
        i === 0 && ui === 0
          ? AUTH_KINDS[index % AUTH_KINDS.length]!
          : rng.weighted<AuthKind>({
              token: 30,
              'token-file': 16,
              'token-and-file': 4,
              'cert-files': 14,
              'cert-data': 10,
              'exec-v1': 7,
              'exec-v1beta1': 5,
              basic: 5,
            }),
      ...(rng.chance(0.1) ? { as: true } : {}),
    }));
    const contexts = rng.some(CONTEXT_NAMES, 1, 2).map((name, ci): ContextSpec => ({
      name,
      cluster: rng.pick(CLUSTER_NAMES),
      // The first file's first context uses its first user (the one whose kind rotates).
      user: i === 0 && ci === 0 ? users[0]!.name : rng.pick(USER_NAMES),
      ...(rng.chance(0.5) ? { namespace: `ns-${i}-${name}` } : {}),
    }));
    files.push({ clusters, users, contexts });
  }
  const definedContexts = [...new Set(files.flatMap((f) => f.contexts.map((c) => c.name)))];
  const currentContextIn = (['first', 'second', 'first', 'none', 'second'] as const)[index % 5]!;
  if (currentContextIn === 'first') {
    files[0]!.currentContext = rng.chance(0.6) ? files[0]!.contexts[0]!.name : rng.pick(definedContexts);
    // Mostly a later file sets another one: the one of the first file must win.
    const others = definedContexts.filter((c) => c !== files[0]!.currentContext);
    if (rng.chance(0.75) && others.length) files[1 + rng.int(nFiles - 1)]!.currentContext = rng.pick(others);
  } else if (currentContextIn === 'second') {
    files[1]!.currentContext = rng.pick(definedContexts);
    const others = definedContexts.filter((c) => c !== files[1]!.currentContext);
    if (nFiles === 3 && rng.chance(0.6) && others.length) files[2]!.currentContext = rng.pick(others);
  }

  const entries = (): Entry[] => {
    const list: Entry[] = files.map((_, file) => ({ file, relative: rng.chance(0.2) }));
    if (rng.chance(0.4)) list.splice(rng.int(list.length + 1), 0, { missing: true });
    if (rng.chance(0.15)) list.splice(rng.int(list.length + 1), 0, { ...list[rng.int(list.length)]! });
    if (rng.chance(0.1)) list.splice(1 + rng.int(list.length - 1), 0, { empty: true });
    return list;
  };
  const sourceKind = index % 8 === 0 ? 'home' : index % 8 === 3 || index % 8 === 6 ? 'flag' : 'env';
  const source: SourceSpec =
    sourceKind === 'env'
      ? { kind: 'env', entries: entries() }
      : sourceKind === 'flag'
        ? {
            kind: 'flag',
            // Mostly the file that sets a current-context.
            file: rng.chance(0.1)
              ? 'missing'
              : rng.chance(0.7) && files.some((f) => f.currentContext)
                ? files.findIndex((f) => f.currentContext)
                : rng.int(nFiles),
            relative: rng.chance(0.3),
            ...(rng.chance(0.5) ? { alsoEnv: entries() } : {}),
          }
        : { kind: 'home' };

  // Every cluster and user a context names is defined in a file that is read (kubectl would
  // fall back to http://localhost:8080 or prompt for a password otherwise; those cases are
  // hand-written below).
  const read =
    source.kind === 'env'
      ? files
      : source.kind === 'home'
        ? [files[0]!]
        : source.file === 'missing'
          ? []
          : [files[source.file]!];
  for (const f of read) {
    for (const c of f.contexts) {
      if (!read.some((g) => g.clusters.some((x) => x.name === c.cluster))) {
        const role = rng.pick(ROLES);
        rng.pick(read).clusters.push({ name: c.cluster, role, ca: { kind: 'data', role } });
      }
      if (!read.some((g) => g.users.some((x) => x.name === c.user))) {
        rng.pick(read).users.push({ name: c.user, auth: 'token' });
      }
    }
  }
  const flags: FlagSpec = {};
  const definedClusters = [...new Set(files.flatMap((f) => f.clusters.map((c) => c.name)))];
  const definedUsers = [...new Set(files.flatMap((f) => f.users.map((c) => c.name)))];
  const contextChance = read.some((f) => f.currentContext) ? 0.35 : 0.85;
  if (rng.chance(contextChance))
    flags.context = rng.chance(0.06) ? 'no-such-context' : rng.pick(definedContexts);
  // Each combination has a focus, in turn: none (only what `kubectl config view` honours, for
  // Oracle A) or one flag that is always given; other flags are drawn beside it.
  const focus = FOCUS[index % FOCUS.length]!;
  if (focus !== 'view') {
    const p = (f: (typeof FOCUS)[number], chance: number): boolean => focus === f || rng.chance(chance);
    if (p('cluster', 0.12)) flags.cluster = rng.chance(0.15) ? 'no-such-cluster' : rng.pick(definedClusters);
    // Without a context, --cluster alone has no user: kubectl would prompt (a hand-written case).
    const noContext = !flags.context && currentContextIn === 'none';
    if (p('user', flags.cluster && noContext ? 0.8 : 0.1)) {
      flags.user = rng.chance(0.15) ? 'no-such-user' : rng.pick(definedUsers);
    }
    if (p('namespace', 0.25)) flags.namespace = 'ns-flag';
    if (p('server', 0.15)) {
      flags.server = rng.pick(ROLES);
      const tls = rng.weighted({ insecure: 45, ca: 35, file: 20 });
      if (tls === 'insecure') flags.insecure = true;
      if (tls === 'ca') flags.ca = { role: flags.server, relative: rng.chance(0.5) };
    }
    if (p('token', 0.2)) flags.token = true;
    if (p('as', 0.2)) {
      flags.as = true;
      if (rng.chance(0.7)) flags.asGroups = rng.chance(0.6) ? 2 : 1;
    } else if (rng.chance(0.05)) {
      flags.asGroups = 1;
    }
    if (!flags.insecure && p('insecure', 0.05)) flags.insecure = true;
    if (!flags.ca && p('ca', 0.05)) flags.ca = { role: rng.pick(ROLES), relative: rng.chance(0.5) };
  }
  return { id: `#${index}`, files, source, flags, currentContextIn };
}

// ---------------------------------------------------------------------------------------------
// Hand-written combinations: the edges the generator keeps away from.

function edgeCases(): ComboSpec[] {
  const file = (f: Partial<FileSpec>): FileSpec => ({ clusters: [], users: [], contexts: [], ...f });
  const prod = (role: Role): ClusterSpec => ({
    name: 'prod',
    role,
    ca: { kind: 'relative', role, subdir: false },
  });
  const env2: SourceSpec = {
    kind: 'env',
    entries: [
      { file: 0, relative: false },
      { file: 1, relative: false },
    ],
  };
  return [
    {
      id: 'edge: a tokenFile beside --token',
      files: [
        file({
          clusters: [prod('a')],
          users: [{ name: 'admin', auth: 'token-file' }],
          contexts: [{ name: 'admin', cluster: 'prod', user: 'admin' }],
          currentContext: 'admin',
        }),
        file({ clusters: [prod('b')] }),
      ],
      source: env2,
      flags: { token: true },
      currentContextIn: 'first',
    },
    {
      id: 'edge: the context names a user no file defines',
      files: [
        file({
          clusters: [prod('b')],
          users: [{ name: 'admin', auth: 'token' }],
          contexts: [{ name: 'admin', cluster: 'prod', user: 'ghost' }],
          currentContext: 'admin',
        }),
        file({ clusters: [prod('c')] }),
      ],
      source: env2,
      flags: {},
      currentContextIn: 'first',
    },
    {
      id: 'edge: the context names a cluster no file defines (kubectl: http://localhost:8080)',
      files: [
        file({
          users: [{ name: 'admin', auth: 'token' }],
          contexts: [{ name: 'admin', cluster: 'ghost', user: 'admin' }],
          currentContext: 'admin',
        }),
        file({ clusters: [prod('c')] }),
      ],
      source: env2,
      flags: {},
      currentContextIn: 'first',
    },
    {
      id: 'edge: every KUBECONFIG file missing, --server --token --insecure-skip-tls-verify',
      files: [file({}), file({})],
      source: { kind: 'env', entries: [{ missing: true }, { missing: true }] },
      flags: { server: 'b', token: true, insecure: true },
      currentContextIn: 'none',
    },
    {
      id: 'edge: a namespace that is not a DNS label',
      files: [
        file({
          clusters: [prod('a')],
          users: [{ name: 'admin', auth: 'token' }],
          contexts: [{ name: 'admin', cluster: 'prod', user: 'admin', namespace: 'Not_A_Label' }],
          currentContext: 'admin',
        }),
        file({}),
      ],
      source: env2,
      flags: {},
      currentContextIn: 'first',
    },
    {
      id: 'edge: --insecure-skip-tls-verify with --certificate-authority',
      files: [
        file({
          clusters: [prod('a')],
          users: [{ name: 'admin', auth: 'token' }],
          contexts: [{ name: 'admin', cluster: 'prod', user: 'admin' }],
          currentContext: 'admin',
        }),
        file({}),
      ],
      source: env2,
      flags: { insecure: true, ca: { role: 'a', relative: true } },
      currentContextIn: 'first',
    },
    {
      id: 'edge: --server with a file tls-server-name that is wrong (--server drops it)',
      files: [
        file({
          clusters: [{ ...prod('c'), tlsServerName: 'wrong' }],
          users: [{ name: 'admin', auth: 'cert-files' }],
          contexts: [{ name: 'admin', cluster: 'prod', user: 'admin' }],
          currentContext: 'admin',
        }),
        file({}),
      ],
      source: env2,
      flags: { server: 'c' },
      currentContextIn: 'first',
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Writing a combination to disk

interface Pki {
  dir: string;
  serverCa: Record<Role, PemPair>;
  serverLeaf: Record<Role, PemPair>;
  clientCa: PemPair;
  /** Three client certificates, and a decoy one. */
  clients: PemPair[];
  decoyClient: PemPair;
}

interface Slot {
  index: number;
  servers: Record<Role, RecordingServer>;
}

interface Materialized {
  dir: string;
  env: NodeJS.ProcessEnv;
  envShown: Record<string, string>;
  flags: string[];
  /** Only --kubeconfig and --context: what `kubectl config view` honours. */
  viewFlags: string[];
  viewApplies: boolean;
  files: { path: string; text: string }[];
}

const FILE_DIRS = ['one', join('two', 'nested'), 'three'];

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function execScript(token: string, apiVersion: string): string {
  return `#!/bin/sh\necho '${JSON.stringify({ apiVersion, kind: 'ExecCredential', status: { token } })}'\n`;
}

function materialize(spec: ComboSpec, root: string, pki: Pki, slot: Slot): Materialized {
  const dir = join(root, `combo-${spec.id.replace(/[^a-z0-9]+/gi, '-')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'home'), { recursive: true });
  const tag = spec.id.replace(/[^a-z0-9]+/gi, '');
  const fileDir = (i: number): string =>
    spec.source.kind === 'home' && i === 0 ? join(dir, 'home', '.kube') : join(dir, FILE_DIRS[i]!);

  // Decoys in the working directory under every relative name a kubeconfig uses.
  mkdirSync(join(dir, 'certs'), { recursive: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  for (const c of CLUSTER_NAMES) {
    writeFileSync(join(dir, `ca-${c}.crt`), pki.clientCa.certPem);
    writeFileSync(join(dir, 'certs', `ca-${c}.crt`), pki.clientCa.certPem);
  }
  for (const u of USER_NAMES) {
    writeFileSync(join(dir, `token-${u}`), 'decoy\n');
    copyFileSync(pki.decoyClient.certFile, join(dir, `client-${u}.crt`));
    copyFileSync(pki.decoyClient.keyFile, join(dir, `client-${u}.key`));
    writeFileSync(join(dir, 'bin', `cred-${u}`), execScript('decoy', 'client.authentication.k8s.io/v1'));
    chmodSync(join(dir, 'bin', `cred-${u}`), 0o755);
  }

  const files = spec.files.map((f, i) => {
    const fdir = fileDir(i);
    mkdirSync(join(fdir, 'certs'), { recursive: true });
    mkdirSync(join(fdir, 'bin'), { recursive: true });
    const clusters = f.clusters.map((c) => {
      const cluster: Record<string, unknown> = { server: slot.servers[c.role].url };
      if (c.ca.kind === 'relative') {
        const rel = c.ca.subdir ? join('certs', `ca-${c.name}.crt`) : `ca-${c.name}.crt`;
        writeFileSync(join(fdir, rel), pki.serverCa[c.ca.role].certPem);
        cluster['certificate-authority'] = c.ca.subdir ? `./${rel}` : rel;
      } else if (c.ca.kind === 'absolute') {
        cluster['certificate-authority'] = pki.serverCa[c.ca.role].certFile;
      } else if (c.ca.kind === 'data') {
        cluster['certificate-authority-data'] = b64(pki.serverCa[c.ca.role].certPem);
      } else {
        cluster['insecure-skip-tls-verify'] = true;
      }
      if (c.tlsServerName)
        cluster['tls-server-name'] = c.tlsServerName === 'right' ? `api-${c.role}.test` : 'wrong.test';
      return { name: c.name, cluster };
    });
    const users = f.users.map((u, ui) => {
      const mark = `c${tag}.f${i}.${u.name}`;
      const user: Record<string, unknown> = {};
      const client = pki.clients[(i + ui) % pki.clients.length]!;
      if (u.auth === 'token' || u.auth === 'token-and-file') user['token'] = `tok.${mark}`;
      if (u.auth === 'token-file' || u.auth === 'token-and-file') {
        writeFileSync(join(fdir, `token-${u.name}`), `tokfile.${mark}\n`);
        user['tokenFile'] = `token-${u.name}`;
      }
      if (u.auth === 'cert-files') {
        copyFileSync(client.certFile, join(fdir, `client-${u.name}.crt`));
        copyFileSync(client.keyFile, join(fdir, `client-${u.name}.key`));
        user['client-certificate'] = `client-${u.name}.crt`;
        user['client-key'] = `client-${u.name}.key`;
      }
      if (u.auth === 'cert-data') {
        user['client-certificate-data'] = b64(client.certPem);
        user['client-key-data'] = b64(client.keyPem);
      }
      if (u.auth === 'exec-v1' || u.auth === 'exec-v1beta1') {
        const apiVersion = `client.authentication.k8s.io/${u.auth === 'exec-v1' ? 'v1' : 'v1beta1'}`;
        writeFileSync(join(fdir, 'bin', `cred-${u.name}`), execScript(`exec.${mark}`, apiVersion));
        chmodSync(join(fdir, 'bin', `cred-${u.name}`), 0o755);
        user['exec'] = {
          apiVersion,
          command: `./bin/cred-${u.name}`,
          ...(u.auth === 'exec-v1' ? { interactiveMode: 'Never' } : {}),
        };
      }
      if (u.auth === 'basic') {
        user['username'] = `user.${mark}`;
        user['password'] = 'pw';
      }
      if (u.as) {
        user['as'] = `file-as.f${i}`;
        user['as-groups'] = [`file-group-1.f${i}`, `file-group-2.f${i}`];
      }
      return { name: u.name, user };
    });
    const contexts = f.contexts.map((c) => ({
      name: c.name,
      context: { cluster: c.cluster, user: c.user, ...(c.namespace ? { namespace: c.namespace } : {}) },
    }));
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters,
      users,
      contexts,
      ...(f.currentContext ? { 'current-context': f.currentContext } : {}),
    });
    const path = join(fdir, 'config');
    writeFileSync(path, text);
    return { path, text };
  });

  const entryText = (e: Entry): string =>
    'missing' in e
      ? join(dir, 'missing', 'config')
      : 'empty' in e
        ? ''
        : e.relative
          ? relative(dir, files[e.file]!.path)
          : files[e.file]!.path;
  const envShown: Record<string, string> = {};
  const flags: string[] = [];
  const src = spec.source;
  if (src.kind === 'env') envShown['KUBECONFIG'] = src.entries.map(entryText).join(':');
  if (src.kind === 'flag') {
    const path = src.file === 'missing' ? join(dir, 'missing', 'config') : files[src.file]!.path;
    flags.push('--kubeconfig', src.relative ? relative(dir, path) : path);
    if (src.alsoEnv) envShown['KUBECONFIG'] = src.alsoEnv.map(entryText).join(':');
  }
  const f = spec.flags;
  if (f.context) flags.push('--context', f.context);
  const viewFlags = [...flags];
  if (f.cluster) flags.push('--cluster', f.cluster);
  if (f.user) flags.push('--user', f.user);
  if (f.namespace) flags.push('--namespace', f.namespace);
  if (f.server) flags.push('--server', slot.servers[f.server].url);
  if (f.token) flags.push('--token', `flag.c${tag}`);
  if (f.as) flags.push('--as', 'alice');
  for (let g = 1; g <= (f.asGroups ?? 0); g++) flags.push('--as-group', `group-${g}`);
  if (f.insecure) flags.push('--insecure-skip-tls-verify');
  if (f.ca) {
    writeFileSync(join(dir, 'flag-ca.crt'), pki.serverCa[f.ca.role].certPem);
    flags.push('--certificate-authority', f.ca.relative ? 'flag-ca.crt' : pki.serverCa[f.ca.role].certFile);
  }
  return {
    dir,
    env: cleanEnv(join(dir, 'home'), envShown),
    envShown,
    flags,
    viewFlags,
    viewApplies: viewFlags.length === flags.length,
    files,
  };
}

// ---------------------------------------------------------------------------------------------
// Observing and comparing

interface Observation {
  result: ProcessResult;
  /** Servers that accepted a TCP connection. */
  contacted: Role[];
  /** Distinct (server, Authorization, Impersonate-*, client certificate) of the requests. */
  identities: string[];
  /** Namespaces of the configmap lists (kubectl). */
  namespaces: string[];
  requests: number;
}

type Outcome = 'config-error' | 'tls-error' | 'reached' | 'refused';

function observe(result: ProcessResult, slot: Slot): Observation {
  const requests = ROLES.flatMap((r) => slot.servers[r].requests);
  return {
    result,
    contacted: ROLES.filter((r) => slot.servers[r].connections > 0),
    identities: [
      ...new Set(
        requests.map(
          (q) =>
            `${q.server}: authorization=${q.authorization ?? '-'} impersonate-user=${q.impersonateUser ?? '-'} impersonate-group=${q.impersonateGroups.join('|') || '-'} impersonate-uid=${q.impersonateUid ?? '-'} client-cert=${q.clientCert ?? '-'}`,
        ),
      ),
    ].sort(),
    namespaces: [
      ...new Set(
        requests.flatMap((q) => {
          const m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps$/.exec(q.path);
          return m ? [decodeURIComponent(m[1]!)] : [];
        }),
      ),
    ],
    requests: requests.length,
  };
}

function outcome(o: Observation): Outcome {
  if (o.contacted.length === 0) return o.result.code === 0 ? 'reached' : 'config-error';
  if (o.requests === 0) return 'tls-error';
  return o.result.code === 0 ? 'reached' : 'refused';
}

function shortText(s: string, max = 600): string {
  const t = s.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

function showObservation(name: string, o: Observation): string {
  return [
    `${name}: exit ${o.result.code}, ${outcome(o)}, contacted [${o.contacted.join(', ')}], ${o.requests} request(s)`,
    ...o.identities.map((i) => `    ${i}`),
    ...(o.namespaces.length ? [`    namespaces in paths: ${o.namespaces.join(', ')}`] : []),
    ...(o.result.stdout.trim()
      ? [`    stdout: ${shortText(o.result.stdout).replace(/\n/g, '\n            ')}`]
      : []),
    ...(o.result.stderr.trim()
      ? [`    stderr: ${shortText(o.result.stderr).replace(/\n/g, '\n            ')}`]
      : []),
  ].join('\n');
}

function fingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

function bytesHash(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

/** Oracle B: what the two reached. Returns the problems found (none = agreement). */
function compareReach(k: Observation, d: Observation, slot: Slot): string[] {
  const problems: string[] = [];
  const ko = outcome(k);
  const dNoContact = d.contacted.length === 0;
  if (ko === 'config-error') {
    if (d.result.code !== 2 || !dNoContact) {
      problems.push(
        'kubectl failed before reaching any server; mcs-doctor must exit 2 without contacting one',
      );
    }
    return problems;
  }
  if (d.result.code === 2 && dNoContact) {
    problems.push(
      `mcs-doctor refused the configuration (exit 2); kubectl ${ko === 'tls-error' ? 'tried' : 'reached'} ${k.contacted.join(', ')}`,
    );
    return problems;
  }
  if (k.contacted.join() !== d.contacted.join()) {
    problems.push(
      `servers contacted differ: kubectl [${k.contacted.join(', ')}], mcs-doctor [${d.contacted.join(', ')}]`,
    );
  }
  if (ko === 'tls-error') {
    if (d.result.code !== 3 || d.requests !== 0)
      problems.push('kubectl refused the server certificate; mcs-doctor must too (exit 3, no request)');
    return problems;
  }
  if (k.identities.join('\n') !== d.identities.join('\n')) {
    problems.push('the requests differ in server, Authorization, Impersonate-* or client certificate');
  }
  if (ko === 'refused') {
    if (d.result.code !== 3) problems.push('the server refused kubectl; mcs-doctor must exit 3');
    return problems;
  }
  if (d.result.code !== 0) {
    problems.push(`kubectl succeeded; mcs-doctor exited ${d.result.code}`);
    return problems;
  }
  const j = parseJson(d.result.stdout);
  if (!j) return [...problems, 'mcs-doctor printed no JSON'];
  if (k.namespaces.length !== 1 || k.namespaces[0] !== j['namespace']) {
    problems.push(
      `namespace: kubectl listed in [${k.namespaces.join(', ')}], mcs-doctor says ${String(j['namespace'])}`,
    );
  }
  const reached = k.contacted.length === 1 ? slot.servers[k.contacted[0]!] : undefined;
  if (obj(j['reached'])['clusterID'] !== reached?.clusterID) {
    problems.push(
      `reached.clusterID ${String(obj(j['reached'])['clusterID'])} is not ${String(reached?.clusterID)}'s`,
    );
  }
  if (j['schemaVersion'] !== 1) problems.push('schemaVersion is not 1');
  return problems;
}

/** Oracle A: `kubectl config view --minify --flatten` against `mcs-doctor context`. */
function compareView(view: ProcessResult, ctx: ProcessResult, kubectlOutcome: Outcome): string[] {
  if (view.code !== 0) {
    return ctx.code === 2
      ? []
      : [`kubectl config view --minify failed; mcs-doctor context exited ${ctx.code}, not 2`];
  }
  if (ctx.code !== 0) {
    return kubectlOutcome === 'config-error' && ctx.code === 2
      ? []
      : [`kubectl config view and get resolved it; mcs-doctor context exited ${ctx.code}`];
  }
  const v = parseJson(view.stdout);
  const j = parseJson(ctx.stdout);
  if (!v || !j) return ['unparsable JSON'];
  const problems: string[] = [];
  const eq = (what: string, kube: unknown, mcs: unknown): void => {
    if (JSON.stringify(kube ?? null) !== JSON.stringify(mcs ?? null)) {
      problems.push(
        `${what}: kubectl config view ${JSON.stringify(kube ?? null)}, mcs-doctor ${JSON.stringify(mcs ?? null)}`,
      );
    }
  };
  const vc = obj(obj((v['contexts'] as unknown[] | undefined)?.[0])['context']);
  const vcl = obj(obj((v['clusters'] as unknown[] | undefined)?.[0])['cluster']);
  const vu = obj(obj((v['users'] as unknown[] | undefined)?.[0])['user']);
  const cred = obj(j['credentials']);
  const tls = obj(j['tls']);
  eq('context', v['current-context'], j['context']);
  eq('cluster', vc['cluster'] ?? '', j['cluster']);
  eq('user', vc['user'] ?? '', j['user']);
  eq('server', vcl['server'], j['server']);
  eq('namespace', vc['namespace'] ?? 'default', j['namespace']);
  // A token beside a tokenFile is KNOWN_DISAGREEMENTS' business (Oracle B sees what is sent).
  if (typeof vu['token'] === 'string' && vu['tokenFile'] === undefined)
    eq('token', fingerprint(vu['token']), cred['token']);
  if (typeof vu['tokenFile'] === 'string' && vu['token'] === undefined) {
    const path = String(cred['tokenFile'] ?? '');
    if (!path.endsWith(`/${vu['tokenFile']}`)) eq('tokenFile', vu['tokenFile'], cred['tokenFile']);
  }
  const fileOrData = (what: string, kubeData: unknown, mcs: unknown, embedded?: string): void => {
    if (kubeData === undefined) return eq(what, null, mcs);
    const kubeBytes = bytesHash(Buffer.from(String(kubeData), 'base64'));
    if (typeof mcs === 'string' && mcs.startsWith('/')) {
      let mcsBytes = 'unreadable';
      try {
        mcsBytes = bytesHash(readFileSync(mcs));
      } catch {
        // reported below
      }
      if (mcsBytes !== kubeBytes)
        problems.push(`${what}: mcs-doctor's file ${mcs} is not what kubectl reads`);
    } else if (mcs !== (embedded ?? fingerprint(String(kubeData)))) {
      eq(what, embedded ?? fingerprint(String(kubeData)), mcs);
    }
  };
  fileOrData('client certificate', vu['client-certificate-data'], cred['clientCertificate']);
  fileOrData('client key', vu['client-key-data'], cred['clientKey'], 'embedded');
  const caFromFile = tls['certificateAuthority'];
  fileOrData('CA', vcl['certificate-authority-data'], caFromFile ?? tls['certificateAuthorityData']);
  eq('insecure-skip-tls-verify', vcl['insecure-skip-tls-verify'] === true, tls['insecureSkipTlsVerify']);
  eq('tls-server-name', vcl['tls-server-name'], tls['tlsServerName']);
  eq('username', vu['username'], cred['username']);
  eq('impersonate', vu['as'], obj(j['impersonate'])['user']);
  const exec = obj(vu['exec']);
  if (exec['command'] !== undefined) {
    const mcsCommand = String(obj(cred['exec'])['command'] ?? '');
    if (!mcsCommand.endsWith(String(exec['command']).replace(/^\.\//, '/')))
      eq('exec command', exec['command'], mcsCommand);
    eq('exec apiVersion', exec['apiVersion'], obj(cred['exec'])['apiVersion']);
  }
  return problems;
}

interface KnownDisagreement {
  id: string;
  /** What kubectl does, what mcs-doctor does, and the fix (reported). */
  summary: string;
  matches(k: Observation, d: Observation): boolean;
}

/**
 * Signatures of the disagreements already reported. A combination that shows one of them (and
 * nothing else) is marked todo instead of failed.
 */
const KNOWN_DISAGREEMENTS: KnownDisagreement[] = [];

function describeCombo(spec: ComboSpec, m: Materialized, slot: Slot, pki: Pki): string {
  const rel = (p: string): string => (p.startsWith(m.dir) ? `.${p.slice(m.dir.length)}` : p);
  const labels = new Map<string, string>();
  for (const r of ROLES)
    labels.set(b64(pki.serverCa[r].certPem), `<base64 of ${relative(pki.dir, pki.serverCa[r].certFile)}>`);
  for (const c of [...pki.clients, pki.decoyClient]) {
    labels.set(b64(c.certPem), `<base64 of ${relative(pki.dir, c.certFile)}>`);
    labels.set(b64(c.keyPem), `<base64 of ${relative(pki.dir, c.keyFile)}>`);
  }
  const short = (text: string): string =>
    text.replace(/[A-Za-z0-9+/=]{60,}/g, (b) => labels.get(b) ?? '<base64>');
  return [
    `combination ${spec.id} (seed ${SEED}); working directory ${m.dir}`,
    `servers: ${ROLES.map((r) => `${r}=${slot.servers[r].url} (clusterID ${slot.servers[r].clusterID})`).join(', ')}`,
    `env: HOME=./home${Object.entries(m.envShown)
      .map(([k, v]) => ` ${k}=${v.split(':').map(rel).join(':')}`)
      .join('')}`,
    `flags: ${m.flags.map(rel).join(' ') || '(none)'}`,
    `pki: ${pki.dir}`,
    ...m.files.map((f) => `--- ${rel(f.path)}\n${short(f.text.trimEnd())}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

interface ComboRecord {
  spec: ComboSpec;
  viewApplied: boolean;
  kubectl: Outcome;
  /** kubectl's last line of stderr when it failed. */
  kubectlError: string;
  known?: string;
  /** What kubectl's requests carried, when it reached a server. */
  sent: { groups: number; impersonated: boolean; bearer: boolean; basic: boolean; clientCert: boolean };
}
const records: ComboRecord[] = [];

describe(
  'kubectl and mcs-doctor context resolve the same target (generated KUBECONFIG and flags)',
  { skip: HAVE_KUBECTL ? false : `${KUBECTL} is not runnable here`, concurrency: PARALLEL },
  () => {
    let root: string;
    let pki: Pki;
    const slots: Slot[] = [];
    const free: Slot[] = [];
    const waiting: ((s: Slot) => void)[] = [];

    const acquire = (): Promise<Slot> =>
      new Promise((resolve) => {
        const s = free.pop();
        if (s) resolve(s);
        else waiting.push(resolve);
      });
    const release = (s: Slot): void => {
      const next = waiting.shift();
      if (next) next(s);
      else free.push(s);
    };

    before(async () => {
      root = mkdtempSync(join(tmpdir(), 'mcs-doctor-kubectl-diff-'));
      const dir = join(root, 'pki');
      const serverCa = {} as Record<Role, PemPair>;
      const serverLeaf = {} as Record<Role, PemPair>;
      ROLES.forEach((r, ri) => {
        serverCa[r] = makeCa(dir, `ca-${r}`);
        const ips = Array.from({ length: PARALLEL }, (_, s) => `IP:127.253.${s}.${ri + 1}`);
        serverLeaf[r] = makeLeaf(dir, `server-${r}`, serverCa[r], { sans: [...ips, `DNS:api-${r}.test`] });
      });
      const clientCa = makeCa(dir, 'client-ca');
      const clients = [0, 1, 2, 3].map((i) =>
        makeLeaf(dir, `client-${i}`, clientCa, { clientCn: `client-${i}`, clientOrg: 'system:masters' }),
      );
      pki = { dir, serverCa, serverLeaf, clientCa, clients: clients.slice(0, 3), decoyClient: clients[3]! };
      for (let s = 0; s < PARALLEL; s++) {
        const servers = {} as Record<Role, RecordingServer>;
        for (const [ri, r] of ROLES.entries()) {
          servers[r] = await startRecordingServer({
            name: r,
            host: `127.253.${s}.${ri + 1}`,
            cert: serverLeaf[r],
            clusterID: `cluster-id-${r}-slot-${s}`,
          });
        }
        slots.push({ index: s, servers });
      }
      free.push(...slots);
    });

    after(async () => {
      for (const s of slots) for (const r of ROLES) await s.servers[r].close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    const rng = new Rng(SEED);
    const specs = Array.from({ length: COMBINATIONS }, (_, i) => generate(i + 1, rng));

    async function runCombo(t: TestContext, spec: ComboSpec): Promise<void> {
      const slot = await acquire();
      try {
        const m = materialize(spec, root, pki, slot);
        const run = (file: string, args: string[]): Promise<ProcessResult> =>
          runProcess(file, args, { env: m.env, cwd: m.dir, killAfterMs: KILL_AFTER_MS });
        const reset = (): void => ROLES.forEach((r) => slot.servers[r].reset());

        reset();
        const kRun = await run(KUBECTL, [
          'get',
          'configmaps',
          '-o',
          'name',
          `--cache-dir=${join(m.dir, '.kube-cache')}`,
          '--request-timeout=10s',
          ...m.flags,
        ]);
        await new Promise((r) => setImmediate(r));
        const k = observe(kRun, slot);
        reset();
        const dRun = await run(process.execPath, [
          CLI_PATH,
          'context',
          '--check',
          '-o',
          'json',
          '--request-timeout=10s',
          ...m.flags,
        ]);
        await new Promise((r) => setImmediate(r));
        const d = observe(dRun, slot);
        reset();

        const problems = compareReach(k, d, slot).map((p) => `[reach] ${p}`);
        let viewText = '';
        if (m.viewApplies) {
          const view = await run(KUBECTL, [
            'config',
            'view',
            '--minify',
            '--flatten',
            '-o',
            'json',
            ...m.viewFlags,
          ]);
          const ctx =
            dRun.code === 0
              ? dRun
              : await run(process.execPath, [CLI_PATH, 'context', '-o', 'json', ...m.flags]);
          problems.push(...compareView(view, ctx, outcome(k)).map((p) => `[config view] ${p}`));
          viewText = `\nkubectl config view --minify --flatten: exit ${view.code}\n    ${shortText(view.code === 0 ? view.stdout.replace(/"[A-Za-z0-9+/=]{60,}"/g, '"<base64>"') : view.stderr, 1500).replace(/\n/g, '\n    ')}\nmcs-doctor context -o json: exit ${ctx.code}\n    ${shortText(ctx.code === 0 ? ctx.stdout : ctx.stderr, 1500).replace(/\n/g, '\n    ')}`;
        }
        const known = problems.length ? KNOWN_DISAGREEMENTS.find((kd) => kd.matches(k, d)) : undefined;
        const ids = outcome(k) === 'reached' ? k.identities.join('\n') : '';
        records.push({
          spec,
          viewApplied: m.viewApplies,
          kubectl: outcome(k),
          kubectlError: k.result.code === 0 ? '' : (k.result.stderr.trim().split('\n').pop() ?? ''),
          known: known?.id,
          sent: {
            groups: Math.max(
              0,
              ...k.identities.map(
                (i) =>
                  (/impersonate-group=(\S+)/.exec(i)?.[1] ?? '-').split('|').filter((g) => g !== '-').length,
              ),
            ),
            impersonated: /impersonate-user=(?!-)/.test(ids),
            bearer: ids.includes('authorization=Bearer'),
            basic: ids.includes('authorization=Basic'),
            clientCert: /client-cert=(?!-)/.test(ids),
          },
        });
        if (problems.length === 0) return;
        if (known) t.todo(`known disagreement ${known.id}: ${known.summary}`);
        assert.fail(
          [
            describeCombo(spec, m, slot, pki),
            '',
            showObservation('kubectl get configmaps -o name', k),
            showObservation('mcs-doctor context --check -o json', d),
            viewText,
            '',
            'disagreements:',
            ...problems.map((p) => `  - ${p}`),
          ].join('\n'),
        );
      } finally {
        release(slot);
      }
    }

    for (const spec of specs) {
      const f = spec.flags;
      const summary = [
        `${spec.files.length} files`,
        spec.source.kind === 'env'
          ? `KUBECONFIG of ${spec.source.entries.length}${spec.source.entries.some((e) => 'missing' in e) ? ' with a missing file' : ''}`
          : spec.source.kind === 'flag'
            ? '--kubeconfig'
            : '~/.kube/config',
        `current-context in ${spec.currentContextIn}`,
        ...Object.keys(f).map((x) => `--${x}`),
      ].join(', ');
      test(`${spec.id}: ${summary}`, (t) => runCombo(t, spec));
    }
    for (const spec of edgeCases()) test(spec.id, (t) => runCombo(t, spec));
  },
);

test(
  'the generated combinations cover what they are meant to',
  { skip: HAVE_KUBECTL ? false : `${KUBECTL} is not runnable here` },
  () => {
    const generated = records.filter((r) => r.spec.id.startsWith('#'));
    assert.equal(generated.length, COMBINATIONS);
    const count = (p: (r: ComboRecord) => boolean): number => generated.filter(p).length;
    const cover: [string, number, number][] = [
      ['Oracle A applied', count((r) => r.viewApplied), 12],
      ['kubectl reached a server', count((r) => r.kubectl === 'reached'), 20],
      ['Impersonate-Group sent twice', count((r) => r.kubectl === 'reached' && r.sent.groups === 2), 2],
      ['Impersonate-User sent', count((r) => r.kubectl === 'reached' && r.sent.impersonated), 4],
      ['a bearer token sent', count((r) => r.sent.bearer), 10],
      ['basic auth sent', count((r) => r.sent.basic), 1],
      ['a client certificate presented', count((r) => r.sent.clientCert), 4],
      ['kubectl refused a certificate', count((r) => r.kubectl === 'tls-error'), 1],
      ['kubectl refused the configuration', count((r) => r.kubectl === 'config-error'), 3],
      ['3 files', count((r) => r.spec.files.length === 3), 8],
      [
        'a missing KUBECONFIG entry',
        count((r) => r.spec.source.kind === 'env' && r.spec.source.entries.some((e) => 'missing' in e)),
        6,
      ],
      ['--kubeconfig', count((r) => r.spec.source.kind === 'flag'), 4],
      ['~/.kube/config', count((r) => r.spec.source.kind === 'home'), 2],
      ['current-context in the first file', count((r) => r.spec.currentContextIn === 'first'), 8],
      ['current-context in the second file', count((r) => r.spec.currentContextIn === 'second'), 8],
      ['current-context in no file', count((r) => r.spec.currentContextIn === 'none'), 6],
      ...(
        [
          'context',
          'cluster',
          'user',
          'namespace',
          'server',
          'token',
          'as',
          'asGroups',
          'insecure',
          'ca',
        ] as const
      ).map((flag): [string, number, number] => [
        `--${flag}`,
        count((r) => r.spec.flags[flag] !== undefined),
        3,
      ]),
      [
        'relative paths (CA, token file, client certificate, exec)',
        count((r) =>
          r.spec.files.some(
            (f) =>
              f.clusters.some((c) => c.ca.kind === 'relative') &&
              f.users.some((u) => ['token-file', 'cert-files', 'exec-v1', 'exec-v1beta1'].includes(u.auth)),
          ),
        ),
        10,
      ],
    ];
    const short = cover.filter(([, n, min]) => n < min);
    if (process.env.SHOW_COVERAGE) {
      console.log(JSON.stringify(cover));
      for (const r of records) console.log(`${r.spec.id}\t${r.kubectl}\t${r.kubectlError.slice(0, 160)}`);
    }
    assert.deepEqual(short, [], `coverage below the minimum: ${JSON.stringify(short)}`);
  },
);

// ---------------------------------------------------------------------------------------------
// The issue itself, on two simulated clusters whose kubeconfigs name the same context (admin)
// and cluster: KUBECONFIG=A:B must talk to A, as kubectl does.

describe(
  'checked on two simulated clusters',
  { skip: HAVE_KUBECTL ? false : `${KUBECTL} is not runnable here`, timeout: 120_000 },
  () => {
    let a: SimCluster | undefined;
    let b: SimCluster | undefined;
    let dir: string;
    const ids = new Map<SimCluster, string>();
    let n = 0;

    const kubectl = (env: NodeJS.ProcessEnv, args: string[]): Promise<ProcessResult> =>
      runProcess(
        KUBECTL,
        [`--cache-dir=${join(dir, `cache-${(n += 1)}`)}`, '--request-timeout=20s', ...args],
        {
          env,
          cwd: dir,
          killAfterMs: 30_000,
        },
      );
    const mcs = (env: NodeJS.ProcessEnv, args: string[]): Promise<ProcessResult> =>
      runProcess(process.execPath, [CLI_PATH, ...args], { env, cwd: dir, killAfterMs: 60_000 });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-two-sims-'));
      mkdirSync(join(dir, 'home'));
      [a, b] = await Promise.all([
        startSimCluster({ scenario: 'healthy', speed: 300 }),
        startSimCluster({ scenario: 'healthy', speed: 300 }),
      ]);
      for (const c of [a, b]) {
        const r = await kubectl(cleanEnv(join(dir, 'home'), {}), [
          `--kubeconfig=${c.kubeconfigPath}`,
          'get',
          'clusterversion',
          'version',
          '-o',
          'jsonpath={.spec.clusterID}',
        ]);
        assert.equal(r.code, 0, r.stderr);
        ids.set(c, r.stdout.trim());
      }
    });
    after(async () => {
      await a?.close();
      await b?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('the two kubeconfigs name the same context, cluster and user, with different servers and IDs', () => {
      const names = (c: SimCluster): unknown => {
        const kc = parseYaml(readFileSync(c.kubeconfigPath, 'utf8')) as {
          'current-context': string;
          contexts: { name: string; context: { cluster: string; user: string } }[];
        };
        const current = kc.contexts.find((x) => x.name === kc['current-context']);
        return [kc['current-context'], current?.context.cluster, current?.context.user];
      };
      assert.deepEqual(names(a!), names(b!));
      assert.deepEqual(names(a!), ['admin', 'sim', 'admin']);
      assert.notEqual(a!.apiUrl, b!.apiUrl);
      assert.notEqual(ids.get(a!), ids.get(b!));
      assert.match(ids.get(a!) ?? '', /^[0-9a-f-]{36}$/);
    });

    const cases: [string, () => string, () => SimCluster][] = [
      ['KUBECONFIG=A:B reaches A', () => `${a!.kubeconfigPath}:${b!.kubeconfigPath}`, () => a!],
      ['KUBECONFIG=B:A reaches B', () => `${b!.kubeconfigPath}:${a!.kubeconfigPath}`, () => b!],
      [
        'KUBECONFIG=/nonexistent:A works like A',
        () => `/nonexistent/kubeconfig:${a!.kubeconfigPath}`,
        () => a!,
      ],
    ];
    for (const [name, kubeconfig, first] of cases) {
      test(name, async () => {
        const env = cleanEnv(join(dir, 'home'), { KUBECONFIG: kubeconfig() });
        const expected = first();
        const [k, ctx, diag] = await Promise.all([
          kubectl(env, ['get', 'clusterversion', 'version', '-o', 'jsonpath={.spec.clusterID}']),
          mcs(env, ['context', '--check', '-o', 'json']),
          mcs(env, ['diagnose', '-o', 'json', '--no-bmc', '--no-probe']),
        ]);
        const where = `KUBECONFIG=${kubeconfig()}\nkubectl: exit ${k.code} ${k.stdout} ${k.stderr}\nmcs-doctor context: exit ${ctx.code} ${ctx.stdout} ${ctx.stderr}`;
        assert.equal(k.code, 0, where);
        assert.equal(k.stdout.trim(), ids.get(expected), where);
        assert.equal(ctx.code, 0, where);
        const j = JSON.parse(ctx.stdout) as {
          server: string;
          context: string;
          reached: { clusterID: string };
        };
        assert.equal(j.reached.clusterID, k.stdout.trim(), where);
        assert.equal(j.server, expected.apiUrl, where);
        assert.equal(j.context, 'admin');
        assert.ok(diag.code === 0 || diag.code === 1, `diagnose: exit ${diag.code}\n${diag.stderr}`);
        const report = JSON.parse(diag.stdout) as { source: { kind: string; location: string } };
        assert.equal(report.source.kind, 'live');
        assert.ok(
          report.source.location.startsWith(expected.apiUrl),
          `diagnose source.location ${report.source.location} does not start with ${expected.apiUrl}`,
        );
      });
    }
  },
);

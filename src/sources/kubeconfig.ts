/**
 * The kubeconfig, loaded and resolved exactly as kubectl (client-go's clientcmd) does, so every
 * mcs-doctor command talks to the cluster `kubectl` and `oc` would talk to with the same flags.
 *
 * @kubernetes/client-node differs from kubectl where it matters most for a tool that writes to
 * clusters, so the loading rules are ours and client-node only authenticates (exec plugins,
 * auth providers, client certificates) from the one resolved entry we hand it:
 * - KUBECONFIG=A:B: client-node takes B's current-context and throws on a name both files
 *   define; kubectl keeps the first file's value for every key and skips missing files.
 * - relative paths: kubectl resolves certificate, key, token-file and exec command paths
 *   against the file that names them; client-node only the certificate and key paths.
 * - `tokenFile`: kubectl's field name; client-node reads `token-file`, relative to the cwd.
 * - impersonation: client-node sends only `as`; kubectl also `as-groups`, `as-uid`, extras.
 * - overrides (--server, --token, --certificate-authority, ...): client-node has none.
 * - exec plugins: kubectl sets KUBERNETES_EXEC_INFO; some plugins refuse to run without it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import { InputError } from '../core/errors.js';

/** kubectl's global flags that choose and override the kubeconfig entry. */
export interface KubeconfigFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  server?: string;
  token?: string;
  namespace?: string;
  insecureSkipTlsVerify?: boolean;
  certificateAuthority?: string;
  tlsServerName?: string;
  clientCertificate?: string;
  clientKey?: string;
  username?: string;
  password?: string;
  as?: string;
  asGroup?: string[];
  asUid?: string;
}

/** Where the loader looks, beside the flags: the process environment unless a test says otherwise. */
export interface KubeconfigEnvironment {
  KUBECONFIG?: string;
  HOME?: string;
  KUBERNETES_SERVICE_HOST?: string;
  KUBERNETES_SERVICE_PORT?: string;
  /** The pod's service-account directory (token, ca.crt, namespace). */
  serviceAccountDir?: string;
  /** Set in a pod by the downward API; client-go prefers it to the service account's namespace file. */
  POD_NAMESPACE?: string;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ExecEnvVar {
  name: string;
  value: string;
}

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: ExecEnvVar[];
  apiVersion: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface ClusterEntry {
  server?: string;
  certificateAuthority?: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface UserEntry {
  token?: string;
  tokenFile?: string;
  clientCertificate?: string;
  clientCertificateData?: string;
  clientKey?: string;
  clientKeyData?: string;
  username?: string;
  password?: string;
  as?: string;
  asGroups?: string[];
  asUid?: string;
  asUserExtra?: Record<string, string[]>;
  authProvider?: { name: string; config?: Record<string, string> };
  exec?: ExecConfig;
}

export interface ContextEntry {
  cluster?: string;
  user?: string;
  namespace?: string;
}

interface Named<T> {
  value: T;
  /** The file that defined it: relative paths in it are resolved against this file's folder. */
  origin: string;
}

/** Every kubeconfig file merged by kubectl's rules. */
export interface MergedKubeconfig {
  clusters: Map<string, Named<ClusterEntry>>;
  users: Map<string, Named<UserEntry>>;
  contexts: Map<string, Named<ContextEntry>>;
  currentContext: string;
  /** The files read, in precedence order. */
  files: string[];
  /** Files of the KUBECONFIG list that do not exist (kubectl skips them). */
  missing: string[];
  /** `--kubeconfig` was given. */
  explicit: boolean;
}

/** The one cluster, user and namespace a command will use, and why. */
export interface KubeTarget {
  context: string;
  cluster: string;
  user: string;
  namespace: string;
  /** Where the namespace came from: `-n`, the context, kubectl's `default`, or the pod. */
  namespaceFrom: 'flag' | 'context' | 'default' | 'service-account';
  server: string;
  tls: {
    caFile?: string;
    /** Base64 PEM, as in the kubeconfig. */
    caData?: string;
    insecure: boolean;
    serverName?: string;
    proxyUrl?: string;
  };
  /** The user's credentials, impersonation aside (that is `impersonate`). */
  auth: Omit<UserEntry, 'as' | 'asGroups' | 'asUid' | 'asUserExtra'>;
  impersonate?: { user: string; groups: string[]; uid?: string; extra: Record<string, string[]> };
  origin: { files: string[]; missing: string[]; explicit: boolean; inCluster: boolean };
}

const DEFAULT_NAMESPACE = 'default';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function strList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A relative path in a kubeconfig file means relative to that file's folder (clientcmd ResolveLocalPaths). */
function againstFile(path: string | undefined, file: string): string | undefined {
  if (!path) return undefined;
  return isAbsolute(path) ? path : join(resolve(dirname(file)), path);
}

function parseCluster(raw: Record<string, unknown>, file: string): ClusterEntry {
  return {
    server: str(raw['server']),
    certificateAuthority: againstFile(str(raw['certificate-authority']), file),
    certificateAuthorityData: str(raw['certificate-authority-data']),
    insecureSkipTlsVerify: raw['insecure-skip-tls-verify'] === true,
    tlsServerName: str(raw['tls-server-name']),
    proxyUrl: str(raw['proxy-url']),
  };
}

function parseExec(raw: unknown, file: string): ExecConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  const e = record(raw);
  const command = str(e['command']) ?? '';
  const apiVersion = str(e['apiVersion']) ?? '';
  // kubectl only resolves a command that names a path; a bare name is looked up on PATH.
  const resolved = command.includes('/') ? (againstFile(command, file) ?? command) : command;
  const env = Array.isArray(e['env'])
    ? (e['env'] as unknown[]).map((x) => ({
        name: str(record(x)['name']) ?? '',
        value: String(record(x)['value'] ?? ''),
      }))
    : undefined;
  let interactiveMode = str(e['interactiveMode']);
  // clientcmd's defaulting: the beta API defaulted to IfAvailable; v1 must say it.
  if (!interactiveMode && /^client\.authentication\.k8s\.io\/v1(alpha1|beta1)$/.test(apiVersion)) {
    interactiveMode = 'IfAvailable';
  }
  return {
    command: resolved,
    args: strList(e['args']),
    env,
    apiVersion,
    installHint: str(e['installHint']),
    provideClusterInfo: e['provideClusterInfo'] === true,
    interactiveMode,
  };
}

function parseUser(raw: Record<string, unknown>, file: string): UserEntry {
  const provider = record(raw['auth-provider']);
  const extra = record(raw['as-user-extra']);
  return {
    token: str(raw['token']),
    tokenFile: againstFile(str(raw['tokenFile']), file),
    clientCertificate: againstFile(str(raw['client-certificate']), file),
    clientCertificateData: str(raw['client-certificate-data']),
    clientKey: againstFile(str(raw['client-key']), file),
    clientKeyData: str(raw['client-key-data']),
    username: str(raw['username']),
    password: str(raw['password']),
    as: str(raw['as']),
    asGroups: strList(raw['as-groups']),
    asUid: str(raw['as-uid']),
    asUserExtra: Object.keys(extra).length
      ? Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, strList(v) ?? []]))
      : undefined,
    authProvider: str(provider['name'])
      ? {
          name: str(provider['name'])!,
          config: Object.fromEntries(
            Object.entries(record(provider['config'])).map(([k, v]) => [k, String(v)]),
          ),
        }
      : undefined,
    exec: parseExec(raw['exec'], file),
  };
}

function parseContext(raw: Record<string, unknown>): ContextEntry {
  return { cluster: str(raw['cluster']), user: str(raw['user']), namespace: str(raw['namespace']) };
}

interface ParsedFile {
  clusters: [string, ClusterEntry][];
  users: [string, UserEntry][];
  contexts: [string, ContextEntry][];
  currentContext?: string;
}

/** One kubeconfig file; an empty file is an empty config, as in clientcmd. */
export function parseKubeconfigFile(file: string, text: string): ParsedFile {
  const empty: ParsedFile = { clusters: [], users: [], contexts: [] };
  if (text.trim() === '') return empty;
  if (text.includes('\u0000')) {
    throw new InputError(`${file} is not a kubeconfig: it holds binary data`, {
      where: file,
      hint: 'point --kubeconfig or KUBECONFIG at a kubeconfig file (oc login writes ~/.kube/config)',
    });
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = text.slice(0, e.pos[0]).split('\n').length;
    throw new InputError(`${file} is not valid YAML: ${e.message.split('\n')[0]}`, {
      where: line ? `${file}, line ${line}` : file,
      hint: 'fix the file (kubectl config view --kubeconfig FILE shows what kubectl reads)',
    });
  }
  const top = doc.toJS() as unknown;
  if (top === null || top === undefined) return empty;
  if (typeof top !== 'object' || Array.isArray(top)) {
    throw new InputError(`${file} is not a kubeconfig: its top level is not a mapping`, {
      where: file,
      hint: 'a kubeconfig has clusters, users, contexts and current-context',
    });
  }
  const o = top as Record<string, unknown>;
  const named = <T>(key: string, inner: string, parse: (r: Record<string, unknown>) => T): [string, T][] => {
    const list = o[key];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      throw new InputError(`${file}: ${key} is not a list`, { where: `${file}, ${key}` });
    }
    return list.map((item, i) => {
      const r = record(item);
      const name = typeof r['name'] === 'string' ? r['name'] : undefined;
      if (name === undefined) {
        throw new InputError(`${file}: ${key}[${i}] has no name`, { where: `${file}, ${key}[${i}]` });
      }
      return [name, parse(record(r[inner]))];
    });
  };
  return {
    clusters: named('clusters', 'cluster', (r) => parseCluster(r, file)),
    users: named('users', 'user', (r) => parseUser(r, file)),
    contexts: named('contexts', 'context', parseContext),
    currentContext: str(o['current-context']),
  };
}

function readKubeconfigFile(file: string): ParsedFile {
  let text: string;
  try {
    if (statSync(file).isDirectory()) {
      throw new InputError(`kubeconfig ${file} is a directory`, {
        where: file,
        hint: 'give the path of a kubeconfig file',
      });
    }
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read the kubeconfig ${file}: ${(err as Error).message}`, {
      where: file,
      hint: 'check the path and its permissions',
    });
  }
  return parseKubeconfigFile(file, text);
}

/**
 * The files kubectl reads: `--kubeconfig` alone (it must exist), else every file of KUBECONFIG
 * (duplicates dropped, missing ones skipped), else ~/.kube/config.
 */
export function loadKubeconfig(flags: KubeconfigFlags, env: KubeconfigEnvironment): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    currentContext: '',
    files: [],
    missing: [],
    explicit: flags.kubeconfig !== undefined,
  };
  let chain: string[];
  if (flags.kubeconfig !== undefined) {
    if (!existsSync(flags.kubeconfig)) {
      throw new InputError(`kubeconfig ${flags.kubeconfig} does not exist`, {
        where: '--kubeconfig',
        hint: 'give the path of a kubeconfig (oc login writes ~/.kube/config), or run with --must-gather PATH',
      });
    }
    chain = [flags.kubeconfig];
  } else if (env.KUBECONFIG) {
    chain = [...new Set(env.KUBECONFIG.split(':'))];
  } else {
    chain = [join(env.HOME ?? homedir(), '.kube', 'config')];
  }
  for (const file of chain) {
    if (file === '') continue;
    if (!existsSync(file)) {
      merged.missing.push(file);
      continue;
    }
    const parsed = readKubeconfigFile(file);
    merged.files.push(file);
    // The first file to name a cluster, user or context wins it whole; later files never change it.
    for (const [name, value] of parsed.clusters)
      if (!merged.clusters.has(name)) merged.clusters.set(name, { value, origin: file });
    for (const [name, value] of parsed.users)
      if (!merged.users.has(name)) merged.users.set(name, { value, origin: file });
    for (const [name, value] of parsed.contexts)
      if (!merged.contexts.has(name)) merged.contexts.set(name, { value, origin: file });
    if (!merged.currentContext && parsed.currentContext) merged.currentContext = parsed.currentContext;
  }
  return merged;
}

function sourcesOf(merged: MergedKubeconfig): string {
  if (merged.explicit) return merged.files[0] ?? '--kubeconfig';
  const read = merged.files.length ? merged.files.join(':') : 'no file';
  return merged.missing.length ? `${read} (missing: ${merged.missing.join(', ')})` : read;
}

function invalid(message: string, merged: MergedKubeconfig, hint: string): InputError {
  return new InputError(`invalid configuration: ${message}`, { where: sourcesOf(merged), hint });
}

function inClusterPossible(env: KubeconfigEnvironment): boolean {
  const dir = env.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  return Boolean(
    env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT && existsSync(join(dir, 'token')),
  );
}

/** client-go's inClusterClientConfig.Namespace: POD_NAMESPACE, else the service account's namespace file. */
function podNamespaceOf(env: KubeconfigEnvironment): string | undefined {
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  try {
    return (
      readFileSync(join(env.serviceAccountDir ?? SERVICE_ACCOUNT_DIR, 'namespace'), 'utf8').trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/** client-go's BearerTokenFile: re-read for every request, and sent instead of a static token when it can be read. */
function tokenFileReadable(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

function inClusterTarget(
  flags: KubeconfigFlags,
  env: KubeconfigEnvironment,
  merged: MergedKubeconfig,
): KubeTarget {
  const dir = env.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST!;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT}`;
  const podNamespace = podNamespaceOf(env);
  const insecure = flags.insecureSkipTlsVerify === true;
  const target: KubeTarget = {
    context: '',
    cluster: '',
    user: '',
    namespace: flags.namespace ?? podNamespace ?? DEFAULT_NAMESPACE,
    namespaceFrom: flags.namespace ? 'flag' : podNamespace ? 'service-account' : 'default',
    server: flags.server ?? server,
    tls: {
      caFile: insecure ? undefined : (flags.certificateAuthority ?? join(dir, 'ca.crt')),
      insecure,
      serverName: flags.tlsServerName,
    },
    auth: flags.token ? { token: flags.token } : { tokenFile: join(dir, 'token') },
    impersonate: impersonation(flags.as, flags.asGroup, flags.asUid, undefined),
    origin: { files: merged.files, missing: merged.missing, explicit: merged.explicit, inCluster: true },
  };
  return target;
}

function impersonation(
  user: string | undefined,
  groups: string[] | undefined,
  uid: string | undefined,
  extra: Record<string, string[]> | undefined,
): KubeTarget['impersonate'] {
  if (!user) return undefined;
  return { user, groups: groups ?? [], uid, extra: extra ?? {} };
}

/**
 * The context, cluster, user and namespace kubectl would use with these flags, with the
 * overrides applied as clientcmd applies them. Errors name the file(s) and what to do.
 */
export function resolveKubeTarget(
  flags: KubeconfigFlags,
  env: KubeconfigEnvironment,
  merged: MergedKubeconfig = loadKubeconfig(flags, env),
): KubeTarget {
  const contextName = flags.context ?? merged.currentContext;
  const known = (m: Map<string, unknown>): string =>
    m.size ? `use one of: ${[...m.keys()].join(', ')}` : 'the kubeconfig defines none';
  const fileContext = contextName ? merged.contexts.get(contextName) : undefined;
  if (flags.context && !fileContext) {
    throw new InputError(`context "${flags.context}" does not exist`, {
      where: `--context (${sourcesOf(merged)})`,
      hint: known(merged.contexts),
    });
  }
  const context: ContextEntry = { ...fileContext?.value };
  if (flags.cluster) context.cluster = flags.cluster;
  if (flags.user) context.user = flags.user;
  if (flags.namespace) context.namespace = flags.namespace;

  const clusterName = context.cluster ?? '';
  const userName = context.user ?? '';
  const fileCluster = merged.clusters.get(clusterName);
  const fileUser = merged.users.get(userName);
  if (flags.cluster && !fileCluster) {
    throw new InputError(`cluster "${flags.cluster}" does not exist`, {
      where: `--cluster (${sourcesOf(merged)})`,
      hint: known(merged.clusters),
    });
  }
  if (flags.user && !fileUser) {
    throw new InputError(`auth info "${flags.user}" does not exist`, {
      where: `--user (${sourcesOf(merged)})`,
      hint: known(merged.users),
    });
  }

  const cluster: ClusterEntry = { ...fileCluster?.value };
  if (flags.server) cluster.server = flags.server;
  // clientcmd: --insecure-skip-tls-verify or --certificate-authority replace the file's CA
  // settings whole (a file CA with insecure would be refused; a file CA would win over the flag).
  if (flags.insecureSkipTlsVerify || flags.certificateAuthority) {
    cluster.insecureSkipTlsVerify = flags.insecureSkipTlsVerify === true;
    cluster.certificateAuthority = flags.certificateAuthority
      ? resolve(flags.certificateAuthority)
      : undefined;
    cluster.certificateAuthorityData = undefined;
  }
  // --server drops the file's tls-server-name unless --tls-server-name is given too.
  if (flags.tlsServerName || flags.server) cluster.tlsServerName = flags.tlsServerName;

  const user: UserEntry = { ...fileUser?.value };
  if (flags.token) user.token = flags.token;
  // clientcmd merges these into the file's user: beside its -data fields they are an error below.
  if (flags.clientCertificate) user.clientCertificate = resolve(flags.clientCertificate);
  if (flags.clientKey) user.clientKey = resolve(flags.clientKey);
  if (flags.username) user.username = flags.username;
  if (flags.password) user.password = flags.password;
  if (flags.as) user.as = flags.as;
  if (flags.asGroup && flags.asGroup.length) user.asGroups = flags.asGroup;
  if (flags.asUid) user.asUid = flags.asUid;

  if (contextName && !fileContext) {
    throw invalid(
      `context was not found for specified context: ${contextName}`,
      merged,
      known(merged.contexts),
    );
  }
  const emptyCluster = !cluster.server && !cluster.certificateAuthority && !cluster.certificateAuthorityData;
  if (emptyCluster && !clusterName) {
    // Nothing configured at all: kubectl's last resort is the pod's service account.
    if (inClusterPossible(env)) return inClusterTarget(flags, env, merged);
    if (!contextName && merged.contexts.size) {
      // kubectl would go to http://localhost:8080 (or $KUBERNETES_MASTER).
      throw new InputError(`no context chosen: no kubeconfig file sets current-context`, {
        where: sourcesOf(merged),
        hint: `pass --context (${[...merged.contexts.keys()].join(', ')}), or set one: kubectl config use-context NAME`,
      });
    }
    const looked = merged.explicit
      ? `--kubeconfig ${merged.files[0]} defines no cluster`
      : env.KUBECONFIG
        ? `KUBECONFIG=${env.KUBECONFIG} gives no cluster${merged.missing.length ? ` (missing: ${merged.missing.join(', ')})` : ''}`
        : `${join(env.HOME ?? homedir(), '.kube', 'config')} does not exist or defines no cluster`;
    throw new InputError(`no kubeconfig found: ${looked}, and this is not a pod with a service account`, {
      where: merged.explicit ? '--kubeconfig' : env.KUBECONFIG ? 'KUBECONFIG' : '~/.kube/config',
      hint: 'log in with `oc login`, pass --kubeconfig PATH (or --server and --token), or diagnose a must-gather with --must-gather PATH',
    });
  }

  const problems: string[] = [];
  if (clusterName && !fileCluster && !flags.server) {
    problems.push(`cluster "${clusterName}" named by context "${contextName}" is not in the kubeconfig`);
  } else if (!cluster.server) {
    problems.push(
      clusterName ? `no server found for cluster "${clusterName}"` : 'default cluster has no server defined',
    );
  }
  if (cluster.certificateAuthority && cluster.certificateAuthorityData) {
    problems.push(
      `certificate-authority-data and certificate-authority are both specified for ${clusterName}. certificate-authority-data will override.`,
    );
  }
  if (cluster.certificateAuthority && !existsSync(cluster.certificateAuthority)) {
    problems.push(`unable to read certificate-authority ${cluster.certificateAuthority} for ${clusterName}`);
  }
  if (cluster.insecureSkipTlsVerify && (cluster.certificateAuthority || cluster.certificateAuthorityData)) {
    problems.push('specifying a root certificates file with the insecure flag is not allowed');
  }
  if (user.clientCertificate || user.clientCertificateData) {
    if (user.clientCertificate && user.clientCertificateData) {
      problems.push(
        `client-cert-data and client-cert are both specified for ${userName}. client-cert-data will override.`,
      );
    }
    if (user.clientKey && user.clientKeyData) {
      problems.push(
        `client-key-data and client-key are both specified for ${userName}; client-key-data will override`,
      );
    }
    if (!user.clientKey && !user.clientKeyData) {
      problems.push(
        `client-key-data or client-key must be specified for ${userName} to use the clientCert authentication method.`,
      );
    }
    if (user.clientCertificate && !existsSync(user.clientCertificate)) {
      problems.push(`unable to read client-cert ${user.clientCertificate} for ${userName}`);
    }
    if (user.clientKey && !existsSync(user.clientKey)) {
      problems.push(`unable to read client-key ${user.clientKey} for ${userName}`);
    }
  }
  const methods = [user.token ? 'token' : '', user.username || user.password ? 'basicAuth' : ''].filter(
    Boolean,
  );
  if (methods.length > 1) {
    problems.push(
      `more than one authentication method found for ${userName}; found [${methods.join(' ')}], only one is allowed`,
    );
  }
  if (user.exec) {
    if (user.authProvider)
      problems.push(`authProvider cannot be provided in combination with an exec plugin for ${userName}`);
    if (!user.exec.command)
      problems.push(`command must be specified for ${userName} to use exec authentication plugin`);
    if (!user.exec.apiVersion)
      problems.push(`apiVersion must be specified for ${userName} to use exec authentication plugin`);
    if (!user.exec.interactiveMode)
      problems.push(`interactiveMode must be specified for ${userName} to use exec authentication plugin`);
  }
  const identified =
    user.token || user.tokenFile || user.clientCertificate || user.clientCertificateData || user.username;
  if (!identified && !user.exec && !user.authProvider) {
    // clientcmd would prompt for a user name and password (and fail on EOF without a terminal).
    problems.push(
      userName && !fileUser
        ? `user "${userName}" named by context "${contextName}" is not in the kubeconfig`
        : `no credentials for ${userName ? `user "${userName}"` : 'the API server'}: kubectl would ask for a user name and password`,
    );
  }
  if (!user.as && (user.asUid || (user.asGroups && user.asGroups.length) || user.asUserExtra)) {
    problems.push(`requesting uid, groups or user-extra for ${userName} without impersonating a user`);
  }
  if (problems.length) {
    throw invalid(
      problems.join('; '),
      merged,
      'fix the kubeconfig or the flags (kubectl config view shows what kubectl reads)',
    );
  }

  // client-go: in a pod, a context without a namespace takes the pod's.
  const podNamespace = !context.namespace && inClusterPossible(env) ? podNamespaceOf(env) : undefined;
  const fileToken = user.tokenFile !== undefined && tokenFileReadable(user.tokenFile);
  return {
    context: contextName,
    cluster: clusterName,
    user: userName,
    namespace: context.namespace ?? podNamespace ?? DEFAULT_NAMESPACE,
    namespaceFrom: flags.namespace
      ? 'flag'
      : context.namespace
        ? 'context'
        : podNamespace
          ? 'service-account'
          : 'default',
    server: cluster.server!,
    tls: {
      caFile: cluster.certificateAuthority,
      caData: cluster.certificateAuthorityData,
      insecure: cluster.insecureSkipTlsVerify === true,
      serverName: cluster.tlsServerName,
      proxyUrl: cluster.proxyUrl,
    },
    auth: {
      token: fileToken ? undefined : user.token,
      tokenFile: fileToken || !user.token ? user.tokenFile : undefined,
      clientCertificate: user.clientCertificate,
      clientCertificateData: user.clientCertificateData,
      clientKey: user.clientKey,
      clientKeyData: user.clientKeyData,
      username: user.username,
      password: user.password,
      exec: user.exec,
      authProvider: user.authProvider,
    },
    impersonate: impersonation(user.as, user.asGroups, user.asUid, user.asUserExtra),
    origin: { files: merged.files, missing: merged.missing, explicit: merged.explicit, inCluster: false },
  };
}

export function processKubeconfigEnvironment(): KubeconfigEnvironment {
  return {
    KUBECONFIG: process.env.KUBECONFIG,
    HOME: process.env.HOME,
    KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST,
    KUBERNETES_SERVICE_PORT: process.env.KUBERNETES_SERVICE_PORT,
    POD_NAMESPACE: process.env.POD_NAMESPACE,
    // Where the pod's service account files are: /var/run/secrets/kubernetes.io/serviceaccount unless a test says otherwise.
    serviceAccountDir: process.env.MCS_DOCTOR_SERVICE_ACCOUNT_DIR || undefined,
  };
}

/** A fingerprint that tells two tokens apart without showing either. */
export function secretFingerprint(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/** The bearer token this target sends, when it is known without running a plugin; an unreadable token file is an input error. */
export function staticToken(target: KubeTarget): string | undefined {
  if (target.auth.token) return target.auth.token;
  if (!target.auth.tokenFile) return undefined;
  try {
    return readFileSync(target.auth.tokenFile, 'utf8').trim();
  } catch (err) {
    throw new InputError(`cannot read the token file ${target.auth.tokenFile}: ${(err as Error).message}`, {
      where: 'tokenFile in the kubeconfig user',
      hint: 'check the path, or log in again with `oc login`',
    });
  }
}

/** How the user is identified, for a person: never the secret itself. */
export function describeCredentials(target: KubeTarget): string[] {
  const a = target.auth;
  const out: string[] = [];
  if (a.token) out.push(`token (${secretFingerprint(a.token)})`);
  else if (a.tokenFile) out.push(`token file ${a.tokenFile}`);
  if (a.clientCertificate) out.push(`client certificate ${a.clientCertificate}`);
  else if (a.clientCertificateData) out.push('client certificate (embedded)');
  if (a.username) out.push(`basic auth as ${a.username}`);
  if (a.exec) out.push(`exec plugin ${[a.exec.command, ...(a.exec.args ?? [])].join(' ')}`);
  if (a.authProvider) out.push(`auth provider ${a.authProvider.name}`);
  if (out.length === 0) out.push('none (anonymous)');
  return out;
}

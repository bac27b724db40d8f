/**
 * The live source: a kubeconfig (as `oc login` leaves it, exec plugins included) or the
 * in-cluster service account, read with @kubernetes/client-node, which resolves the server,
 * CA, client certificates and tokens. Requests go out on node:https with a timeout each, so a
 * slow API server gives an `error` read, not a hang, and every list is exactly one request.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError, UnreachableError } from '../core/errors.js';
import {
  processKubeconfigEnvironment,
  resolveKubeTarget,
  staticToken,
  type KubeconfigEnvironment,
  type KubeconfigFlags,
  type KubeTarget,
} from './kubeconfig.js';
import { ListBodyReader, MalformedListError, type ListBody, type ListBodyHooks } from './list-body.js';
import { qualifiedName } from './resources.js';
import type { ClusterSource, KubeObject, PodLogOptions, Read, ResourceRef, Unavailable } from './types.js';

export interface LiveSourceOptions extends KubeconfigFlags {
  /** Per request, in ms; 0 = no limit (kubectl's `--request-timeout=0`). */
  requestTimeoutMs?: number;
  /** Attempts for a read that fails with a 5xx, 429 or a timeout (reads are idempotent). */
  attempts?: number;
  /** For tests: where the kubeconfig and the service account are looked for. */
  environment?: KubeconfigEnvironment;
}

const DEFAULT_TIMEOUT_MS = 15_000;
/** An exec credential plugin that has not answered by then is not going to. */
const EXEC_PLUGIN_TIMEOUT_MS = 60_000;
const MAX_BODY_BYTES = 512 * 1024 * 1024;
/** A watch event or a log line longer than this is not one the API server sends. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

type KubeConfigClass = typeof import('@kubernetes/client-node').KubeConfig;

/**
 * client-node's KubeConfig: from the bundle the build writes (dist/vendor/kubeconfig.js, quick
 * to load), else from the package (when running from source).
 */
async function kubeConfigClass(): Promise<KubeConfigClass> {
  try {
    const vendored = '../vendor/kubeconfig.js';
    return ((await import(vendored)) as { KubeConfig: KubeConfigClass }).KubeConfig;
  } catch {
    return (await import('@kubernetes/client-node')).KubeConfig;
  }
}

/**
 * The resolved target as a one-entry client-node KubeConfig: client-node then only does what it
 * does as kubectl does (CA, client certificates, tokens, basic auth, exec plugins, auth providers).
 */
async function clientNodeConfig(target: KubeTarget): Promise<KubeConfig> {
  const kc = new (await kubeConfigClass())();
  const a = target.auth;
  const exec = a.exec
    ? {
        ...a.exec,
        // As kubectl: the plugin learns the API version it must answer in, and that no one is at a terminal.
        env: [
          ...(a.exec.env ?? []),
          {
            name: 'KUBERNETES_EXEC_INFO',
            value: JSON.stringify({
              kind: 'ExecCredential',
              apiVersion: a.exec.apiVersion,
              spec: {
                interactive: false,
                ...(a.exec.provideClusterInfo
                  ? {
                      cluster: {
                        server: target.server,
                        'tls-server-name': target.tls.serverName,
                        'certificate-authority-data': target.tls.caData,
                        'insecure-skip-tls-verify': target.tls.insecure,
                      },
                    }
                  : {}),
              },
            }),
          },
        ],
      }
    : undefined;
  kc.loadFromOptions({
    clusters: [
      {
        name: target.cluster || 'cluster',
        server: target.server,
        caFile: target.tls.caFile,
        caData: target.tls.caData,
        skipTLSVerify: target.tls.insecure,
        tlsServerName: target.tls.serverName,
      },
    ],
    // Always one user, even an anonymous one: client-node applies the cluster's CA only when a user exists.
    users: [
      {
        name: target.user || 'user',
        token: staticToken(target),
        certFile: a.clientCertificate,
        certData: a.clientCertificateData,
        keyFile: a.clientKey,
        keyData: a.clientKeyData,
        username: a.username,
        password: a.password,
        exec,
        authProvider: a.authProvider,
      },
    ],
    contexts: [
      {
        name: target.context || 'context',
        cluster: target.cluster || 'cluster',
        user: target.user || 'user',
        namespace: target.namespace,
      },
    ],
    currentContext: target.context || 'context',
  });
  return kc;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  target: KubeTarget;
}

export async function loadKubeConfig(options: LiveSourceOptions): Promise<LoadedKubeconfig> {
  const target = resolveKubeTarget(options, options.environment ?? processKubeconfigEnvironment());
  return { kc: await clientNodeConfig(target), target };
}

/** `https://api.example.com:6443 (context admin, cluster example)`: what every plan and prompt names. */
export function describeTarget(target: KubeTarget): string {
  const names = [
    target.context
      ? `context ${target.context}`
      : target.origin.inCluster
        ? 'in-cluster service account'
        : '',
    target.cluster ? `cluster ${target.cluster}` : '',
  ].filter(Boolean);
  return names.length ? `${target.server} (${names.join(', ')})` : target.server;
}

export interface ListPageOptions<T = KubeObject> {
  /** Unset, or for a cluster-scoped type: every namespace. */
  namespace?: string;
  /** Items per page (kubectl's --chunk-size); 0 or unset: the whole list at once. */
  limit?: number;
  /** The token the previous page ended with. */
  continue?: string;
  /** A server-side field selector, e.g. `type=kubernetes.io/tls`. */
  fieldSelector?: string;
  /** A server-side label selector. */
  labelSelector?: string;
  /**
   * What the caller keeps of each item, made as each item is read: a page of secrets can be
   * held as what was made of them, and the secrets (their keys too) let go at once.
   */
  keep?: (item: KubeObject) => T;
  /**
   * Told the next page's token as soon as the answer's metadata is read, before its items
   * (the API server writes `metadata` first): the next page can be asked for at once.
   */
  onContinue?: (token: string) => void;
}

export interface ListPage<T = KubeObject> {
  items: T[];
  /** The list's resourceVersion: where a watch of it starts. */
  resourceVersion?: string;
  /** Set when more pages follow. */
  continue?: string;
  remainingItemCount?: number;
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query below the server URL: `/api/v1/namespaces/x/secrets/y`. */
  path: string;
  body?: unknown;
  /** For PATCH: `application/merge-patch+json` or `application/json-patch+json`. */
  contentType?: string;
}

/** Connection-level failures: the API server was not reached at all. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

export class LiveSource implements ClusterSource {
  readonly kind = 'live' as const;
  readonly redactsSecrets = false;
  readonly collectedAt = new Date();
  readonly location: string;
  /** The API server's origin (`https://api.example.com:6443`): what backups are bound to. */
  readonly apiServer: string;
  private readonly server: URL;
  private requests = 0;
  /** Set once the API server has answered anything; before that a network failure means the source is unreachable. */
  private connected = false;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private agent: https.Agent;
  private readonly agents: https.Agent[] = [];
  /** The TLS settings `agent` was made with (client-node's, as it applies them to each request). */
  private agentKey?: string;
  private fileToken?: { value: string; version: string };
  /** Set by close(): no request goes out after it (a fleet run that gave up on a slow cluster). */
  private closed = false;
  /** Requests under way: close() ends them (client-node gives each request an agent of its own). */
  private readonly inflight = new Set<ClientRequest>();

  constructor(
    private readonly kc: KubeConfig,
    readonly target: KubeTarget,
    options: LiveSourceOptions = {},
  ) {
    const where = target.cluster ? `cluster ${target.cluster}` : '--server';
    let server: URL;
    try {
      server = new URL(target.server);
    } catch {
      throw new InputError(`the API server "${target.server}" is not a URL`, {
        where,
        hint: 'fix the server field (https://api.<cluster>.<domain>:6443)',
      });
    }
    if (server.protocol !== 'https:') {
      throw new InputError(`the API server ${target.server} is not https`, {
        where,
        hint: 'the OpenShift API is served over https (https://api.<cluster>.<domain>:6443)',
      });
    }
    if (target.tls.proxyUrl) {
      throw new InputError(
        `the kubeconfig sends this cluster through the proxy ${target.tls.proxyUrl}, which mcs-doctor does not support`,
        {
          where,
          hint: 'run mcs-doctor from a machine that reaches the API server directly',
        },
      );
    }
    this.server = server;
    this.apiServer = server.origin;
    this.location = describeTarget(target);
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.attempts = Math.max(1, options.attempts ?? 2);
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
  }

  stats(): { requests: number } {
    return { requests: this.requests };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const req of this.inflight) req.destroy(new TransportError('the source was closed', false));
    this.inflight.clear();
    this.agent.destroy();
    for (const a of this.agents) a.destroy();
  }

  /**
   * client-node hands every request a new https.Agent made from the cluster's TLS settings, so
   * each request paid a TCP and TLS handshake. One keep-alive agent per set of TLS settings
   * instead (a new one when they change: an exec plugin's rotated client certificate).
   */
  private keepAlive(options: https.RequestOptions): void {
    const tls = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      pfx: options.pfx,
      passphrase: options.passphrase,
      rejectUnauthorized: options.rejectUnauthorized,
      servername: options.servername,
    };
    const key = JSON.stringify(tls);
    if (key !== this.agentKey) {
      // The previous agent's requests under way finish on their sockets; close() ends them all.
      // No cap on sockets: watches and followed logs each hold one for minutes, and a request
      // queued behind them would wait for as long (the exporter holds 16 watches and 3 logs).
      this.agent = new https.Agent({ keepAlive: true, maxFreeSockets: 16, ...tls });
      this.agents.push(this.agent);
      this.agentKey = key;
    }
    options.agent = this.agent;
  }

  /** Tracks a request until it closes, so close() can end it. */
  private track(req: ClientRequest): void {
    this.inflight.add(req);
    req.on('close', () => this.inflight.delete(req));
  }

  async list(ref: ResourceRef, namespace?: string): Promise<Read<KubeObject[]>> {
    const page = await this.listPage(ref, { namespace });
    return page.ok ? { ok: true, value: page.value.items } : page;
  }

  /**
   * One list call, with the list's resourceVersion (where a watch starts) and optional
   * selectors: `fieldSelector=type=kubernetes.io/tls`, `labelSelector=...`.
   */
  async listVersioned(
    ref: ResourceRef,
    namespace?: string,
    query: { fieldSelector?: string; labelSelector?: string } = {},
  ): Promise<Read<{ items: KubeObject[]; resourceVersion: string }>> {
    const page = await this.listPage(ref, { namespace, ...query });
    return page.ok
      ? { ok: true, value: { items: page.value.items, resourceVersion: page.value.resourceVersion ?? '' } }
      : page;
  }

  /**
   * One page of a list, as kubectl reads with `--chunk-size`: `limit` items from where
   * `continue` left off, with the server-side field selector. Paging a large list keeps one
   * page in memory at a time; each page is one request, with the same retries and the same
   * read failures as `list`.
   */
  async listPage<T = KubeObject>(
    ref: ResourceRef,
    options: ListPageOptions<T> = {},
  ): Promise<Read<ListPage<T>>> {
    const { namespace } = options;
    const path = collectionPath(ref, namespace);
    const query = new URLSearchParams();
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.limit && options.limit > 0) query.set('limit', String(options.limit));
    if (options.continue) query.set('continue', options.continue);
    const what = `list ${qualifiedName(ref)}${ref.namespaced ? (namespace ? ` in namespace ${namespace}` : ' in all namespaces') : ''}${options.fieldSelector ? ` (${options.fieldSelector})` : ''}`;
    const qs = query.toString();
    const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
    const { keep } = options;
    // A list's items carry no apiVersion/kind on the wire; put them back so objects look as `get` shows them.
    const each = (item: unknown): unknown => {
      const o = item as KubeObject;
      o.apiVersion ??= apiVersion;
      o.kind ??= ref.kind;
      return keep ? keep(o) : o;
    };
    const { onContinue } = options;
    const onShell = onContinue
      ? (shell: Record<string, unknown>): void => {
          const token = (shell['metadata'] as { continue?: unknown } | undefined)?.continue;
          if (typeof token === 'string' && token !== '') onContinue(token);
        }
      : undefined;
    const answer = await this.read(
      qs ? `${path}?${qs}` : path,
      what,
      { verb: 'list', ref, namespace },
      'list',
      { each, onShell },
    );
    if (!answer.ok) return answer;
    if (answer.value instanceof Error) {
      // What `keep` made of an item failed: a fault here, not in the answer.
      if (!(answer.value instanceof MalformedListError)) throw answer.value;
      return {
        ok: false,
        reason: 'error',
        message: `${what}: the API server answered with something that is not JSON (${answer.value.message})`,
      };
    }
    const { shell, items } = answer.value;
    if (!items) {
      return { ok: false, reason: 'error', message: `${what}: the answer has no items list` };
    }
    const parsed = shell as {
      metadata?: { continue?: unknown; remainingItemCount?: unknown; resourceVersion?: unknown };
    };
    const next = parsed.metadata?.continue;
    const remaining = parsed.metadata?.remainingItemCount;
    const resourceVersion = parsed.metadata?.resourceVersion;
    return {
      ok: true,
      value: {
        items: items as T[],
        ...(typeof resourceVersion === 'string' ? { resourceVersion } : {}),
        ...(typeof next === 'string' && next !== '' ? { continue: next } : {}),
        ...(typeof remaining === 'number' ? { remainingItemCount: remaining } : {}),
      },
    };
  }

  async podLog(
    namespace: string,
    pod: string,
    container: string,
    options: PodLogOptions = {},
  ): Promise<Read<string>> {
    const query = new URLSearchParams({ container });
    if (options.previous) query.set('previous', 'true');
    if (options.timestamps) query.set('timestamps', 'true');
    // The MCS logs one line per request; the newest lines are the ones that explain a failing host.
    query.set('tailLines', '20000');
    const what = `logs of ${namespace}/${pod} container ${container}${options.previous ? ' (previous)' : ''}`;
    const answer = await this.read(
      `/api/v1/namespaces/${namespace}/pods/${pod}/log?${query.toString()}`,
      what,
      {
        verb: 'get',
        ref: { group: '', version: 'v1', plural: 'pods/log', kind: 'Pod', namespaced: true },
        namespace,
      },
    );
    if (!answer.ok) return answer;
    return { ok: true, value: answer.value };
  }

  /** One API GET with retries on 5xx/429/timeouts; a status error becomes an Unavailable. */
  private async read(
    path: string,
    what: string,
    rbac: { verb: string; ref: ResourceRef; namespace?: string },
  ): Promise<Read<string>>;
  private async read(
    path: string,
    what: string,
    rbac: { verb: string; ref: ResourceRef; namespace?: string },
    as: 'list',
    reader?: ListBodyHooks,
  ): Promise<Read<ListBody | Error>>;
  private async read(
    path: string,
    what: string,
    rbac: { verb: string; ref: ResourceRef; namespace?: string },
    as: 'text' | 'list' = 'text',
    reader?: ListBodyHooks,
  ): Promise<Read<string | ListBody | Error>> {
    let last: Unavailable | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let answer: { status: number; body: string | ListBody | Error };
      try {
        answer = (await this.exchange({ method: 'GET', path }, as, reader)) as typeof answer;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (err instanceof TransportError && !this.connected) {
          throw new UnreachableError(`cannot reach the API server at ${this.server.origin}: ${message}`, {
            where: this.location,
            hint: 'check the kubeconfig server address and that the API is up (oc whoami --show-server), or diagnose a must-gather with --must-gather PATH',
          });
        }
        last = { ok: false, reason: 'error', message: `${what}: ${message}` };
        continue;
      }
      this.connected = true;
      if (answer.status >= 200 && answer.status < 300) return { ok: true, value: answer.body };
      const status = statusMessage(answer.body as string);
      if (answer.status === 401) {
        throw new UnreachableError(
          `the API server at ${this.server.origin} refused the credentials (401 Unauthorized)`,
          {
            where: this.location,
            hint: 'log in again (oc login) or pass a kubeconfig with a valid token',
          },
        );
      }
      if (answer.status === 403) {
        const scope = rbac.ref.namespaced
          ? rbac.namespace
            ? ` in namespace ${rbac.namespace}`
            : ' cluster-wide'
          : '';
        return {
          ok: false,
          reason: 'forbidden',
          message: `${what}: forbidden${status ? `: ${status}` : ''}`,
          permission: `${rbac.verb} ${qualifiedName(rbac.ref)}${scope}`,
        };
      }
      if (answer.status === 404) {
        return {
          ok: false,
          reason: 'not-found',
          message: `${what}: not found${status ? `: ${status}` : ''}`,
        };
      }
      last = {
        ok: false,
        reason: 'error',
        message: `${what}: HTTP ${answer.status}${status ? `: ${status}` : ''}`,
      };
      if (answer.status !== 429 && answer.status < 500) return last;
      if (attempt < this.attempts) await new Promise((r) => setTimeout(r, 100 * attempt));
    }
    return last ?? { ok: false, reason: 'error', message: `${what}: no answer` };
  }

  /** Credentials onto the request; an exec plugin that hangs or fails is the user's to fix, not a crash. */
  private async authenticate(options: https.RequestOptions): Promise<void> {
    const exec = this.target.auth.exec;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.kc.applyToHTTPSOptions(options),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${EXEC_PLUGIN_TIMEOUT_MS / 1000} s`)),
            EXEC_PLUGIN_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (err) {
      const message = (err as Error).message?.trim() || String(err);
      throw new UnreachableError(
        exec
          ? `the credential plugin ${exec.command} failed: ${message}`
          : `cannot prepare the credentials for ${this.server.origin}: ${message}`,
        {
          where: this.location,
          hint:
            exec?.installHint ??
            'run the same command with kubectl to see what it needs (oc login may be due)',
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** The https options of one request, credentials and impersonation applied. */
  private async prepare(
    request: ApiRequest,
    headers: Record<string, string | number>,
  ): Promise<https.RequestOptions> {
    if (this.closed) throw new TransportError('the connection to the API server was closed', false);
    const url = new URL(this.server.pathname.replace(/\/$/, '') + request.path, this.server);
    const options: https.RequestOptions = {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || 443,
      path: url.pathname + url.search,
      headers: { 'User-Agent': 'mcs-doctor', ...headers },
      agent: this.agent,
    };
    await this.authenticate(options);
    this.keepAlive(options);
    const token = this.rereadToken();
    if (token) (options.headers as Record<string, string>)['Authorization'] = `Bearer ${token}`;
    const imp = this.target.impersonate;
    if (imp) {
      // As client-go's impersonating round tripper: one header per group and per extra value.
      const h = options.headers as Record<string, string | string[] | number>;
      h['Impersonate-User'] = imp.user;
      if (imp.groups.length) h['Impersonate-Group'] = imp.groups;
      if (imp.uid) h['Impersonate-Uid'] = imp.uid;
      for (const [key, values] of Object.entries(imp.extra))
        h[`Impersonate-Extra-${encodeURIComponent(key)}`] = values;
    }
    this.requests++;
    return options;
  }

  /**
   * A token file (the pod's service account token, which the kubelet rotates) is read again when
   * it changes, so a long-running process keeps working after the token it started with expires.
   * Undefined when the user has no token file.
   */
  private rereadToken(): string | undefined {
    const a = this.target.auth;
    if (!a.tokenFile || a.token || a.exec || a.authProvider) return undefined;
    try {
      // The kubelet swaps the file (a symlink to a new directory): a new inode or time.
      const st = statSync(a.tokenFile);
      const version = `${st.ino}/${st.mtimeMs}/${st.size}`;
      if (this.fileToken?.version !== version) {
        const value = readFileSync(a.tokenFile, 'utf8').trim();
        if (value) this.fileToken = { value, version };
      }
    } catch {
      // Keep the token read last; the API server says when it no longer takes it.
    }
    return this.fileToken?.value;
  }

  /**
   * One API request, no retry: writes are not repeated blindly. Throws TransportError when the
   * API server was not reached or did not answer in time.
   */
  async send(request: ApiRequest): Promise<HttpAnswer> {
    const answer = await this.exchange(request, 'buffer');
    return { status: answer.status, body: answer.body as Buffer };
  }

  /**
   * The request itself. A read is decoded as it arrives (`text`), and a list answered 2xx is cut
   * into its items as it arrives (`list`, list-body.ts): a network chunk is let go at once
   * rather than held until the whole body is joined, so a page of 500 secrets is never one
   * buffer or one string. Anything else, and every error answer, is text; `buffer` is for send().
   */
  private async exchange(
    request: ApiRequest,
    as: 'buffer' | 'text' | 'list',
    reader?: ListBodyHooks,
  ): Promise<{ status: number; body: Buffer | string | ListBody | Error }> {
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const options = await this.prepare(request, headers);
    // applyToHTTPSOptions may set its own agent for client certificates; keep the caller's timeout either way.
    return new Promise((resolve, reject) => {
      const req = https.request(options, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        const list = as === 'list' && status >= 200 && status < 300 ? new ListBodyReader(reader) : undefined;
        let listError: Error | undefined;
        const decoder = as !== 'buffer' && !list ? new StringDecoder('utf8') : undefined;
        const parts: string[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(new TransportError(`the answer is larger than ${MAX_BODY_BYTES} bytes`, false));
            return;
          }
          if (list && !listError) {
            try {
              list.write(c);
            } catch (err) {
              listError = err as Error;
            }
          } else if (decoder) parts.push(decoder.write(c));
          else if (!list) chunks.push(c);
        });
        res.on('end', () => {
          let body: Buffer | string | ListBody | Error;
          if (list) {
            try {
              body = listError ?? list.end();
            } catch (err) {
              body = err as Error;
            }
          } else body = decoder ? parts.join('') + decoder.end() : Buffer.concat(chunks);
          resolve({ status, body });
        });
        res.on('error', (e) => reject(new TransportError(e.message, false)));
      });
      this.track(req);
      if (this.timeoutMs > 0) {
        req.setTimeout(this.timeoutMs, () =>
          req.destroy(new TransportError(`no answer within ${this.timeoutMs / 1000} s`, true)),
        );
      }
      req.on('error', (e) =>
        reject(e instanceof TransportError ? e : new TransportError(describeNetError(e), false)),
      );
      req.end(payload);
    });
  }

  /**
   * A long GET whose body is read line by line as it comes (a watch, a followed log). Resolves
   * with the status when the stream ends; a non-2xx answer resolves with its body and no line
   * is delivered. The stream is cut (TransportError, timedOut) after `idleTimeoutMs` without a
   * byte, and ends quietly when `signal` aborts.
   */
  async stream(
    path: string,
    onLine: (line: string) => void,
    options: { idleTimeoutMs: number; signal?: AbortSignal; accept?: string },
  ): Promise<HttpAnswer> {
    const req0 = await this.prepare(
      { method: 'GET', path },
      { Accept: options.accept ?? 'application/json' },
    );
    return new Promise<HttpAnswer>((resolve, reject) => {
      if (options.signal?.aborted) return resolve({ status: 0, body: Buffer.alloc(0) });
      const req = https.request(req0, (res) => {
        const status = res.statusCode ?? 0;
        this.connected = true;
        if (status < 200 || status >= 300) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
          res.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
          res.on('error', (e) => reject(new TransportError(e.message, false)));
          return;
        }
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          if (pending.length > MAX_LINE_BYTES) {
            req.destroy(new TransportError(`a line longer than ${MAX_LINE_BYTES} bytes`, false));
            return;
          }
          let nl: number;
          while ((nl = pending.indexOf('\n')) >= 0) {
            const line = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            if (line) onLine(line);
          }
        });
        res.on('end', () => {
          if (pending) onLine(pending);
          resolve({ status, body: Buffer.alloc(0) });
        });
        res.on('error', (e) => reject(new TransportError(e.message, false)));
      });
      req.setTimeout(options.idleTimeoutMs, () =>
        req.destroy(new TransportError(`nothing received within ${options.idleTimeoutMs / 1000} s`, true)),
      );
      const abort = (): void => {
        req.destroy();
        resolve({ status: 0, body: Buffer.alloc(0) });
      };
      options.signal?.addEventListener('abort', abort, { once: true });
      req.on('close', () => options.signal?.removeEventListener('abort', abort));
      req.on('error', (e) => {
        if (options.signal?.aborted) return resolve({ status: 0, body: Buffer.alloc(0) });
        reject(e instanceof TransportError ? e : new TransportError(describeNetError(e), false));
      });
      req.end();
    });
  }
}

/** `/api/v1/namespaces/NS/pods`, `/apis/metal3.io/v1alpha1/baremetalhosts`: where a type is listed and watched. */
export function collectionPath(ref: ResourceRef, namespace?: string): string {
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  return ref.namespaced && namespace
    ? `${base}/namespaces/${namespace}/${ref.plural}`
    : `${base}/${ref.plural}`;
}

/** A list's or a watch event's object with its apiVersion and kind, as `get` shows it. */
export function withTypeOf(ref: ResourceRef, o: KubeObject): KubeObject {
  return {
    ...o,
    apiVersion: o.apiVersion ?? (ref.group ? `${ref.group}/${ref.version}` : ref.version),
    kind: o.kind ?? ref.kind,
  };
}

export function statusMessage(body: Buffer | string): string {
  try {
    const s = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as {
      kind?: string;
      message?: string;
    };
    return s.kind === 'Status' && typeof s.message === 'string' ? s.message : '';
  } catch {
    return '';
  }
}

function describeNetError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
}

export async function openLiveSource(options: LiveSourceOptions = {}): Promise<LiveSource> {
  const { kc, target } = await loadKubeConfig(options);
  return new LiveSource(kc, target, options);
}

/** A live source for a target already resolved (`fleet` resolves every context once, up front). */
export async function openLiveTarget(
  target: KubeTarget,
  options: LiveSourceOptions = {},
): Promise<LiveSource> {
  return new LiveSource(await clientNodeConfig(target), target, options);
}

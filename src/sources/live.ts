/**
 * The live source: a kubeconfig (as `oc login` leaves it, exec plugins included) or the
 * in-cluster service account, read with @kubernetes/client-node, which resolves the server,
 * CA, client certificates and tokens. Requests go out on node:https with a timeout each, so a
 * slow API server gives an `error` read, not a hang, and every list is exactly one request.
 */
import { existsSync } from 'node:fs';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { InputError, UnreachableError } from '../cli/errors.js';
import { qualifiedName } from './resources.js';
import type { ClusterSource, KubeObject, PodLogOptions, Read, ResourceRef, Unavailable } from './types.js';

export interface LiveSourceOptions {
  /** `--kubeconfig`; otherwise KUBECONFIG, ~/.kube/config, then the in-cluster service account. */
  kubeconfig?: string;
  /** `--context`; otherwise the kubeconfig's current context. */
  context?: string;
  /** Per request, in ms. */
  requestTimeoutMs?: number;
  /** Attempts for a read that fails with a 5xx, 429 or a timeout (reads are idempotent). */
  attempts?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 512 * 1024 * 1024;

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

export async function loadKubeConfig(
  options: Pick<LiveSourceOptions, 'kubeconfig' | 'context'>,
): Promise<KubeConfig> {
  const kc = new (await kubeConfigClass())();
  const file = options.kubeconfig ?? process.env.KUBECONFIG?.split(':').find((f) => f !== '');
  try {
    if (options.kubeconfig) {
      if (!existsSync(options.kubeconfig)) {
        throw new InputError(`kubeconfig ${options.kubeconfig} does not exist`, {
          where: '--kubeconfig',
          hint: 'give the path of a kubeconfig (oc login writes ~/.kube/config), or run with --must-gather PATH',
        });
      }
      kc.loadFromFile(options.kubeconfig);
    } else {
      if (file && !existsSync(file)) {
        throw new InputError(`kubeconfig ${file} (from KUBECONFIG) does not exist`, {
          where: 'KUBECONFIG',
          hint: 'point KUBECONFIG at a kubeconfig, or pass --kubeconfig PATH',
        });
      }
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read the kubeconfig: ${err instanceof Error ? err.message : String(err)}`, {
      where: file ?? '~/.kube/config',
      hint: 'check that the file is a valid kubeconfig (kubectl config view --kubeconfig FILE)',
    });
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new InputError(`context "${options.context}" is not in the kubeconfig`, {
        where: '--context',
        hint: known.length ? `use one of: ${known.join(', ')}` : 'the kubeconfig has no contexts',
      });
    }
    kc.setCurrentContext(options.context);
  }
  const current = kc.getCurrentCluster();
  if (
    current &&
    current.name === 'cluster' &&
    current.server === 'http://localhost:8080' &&
    !options.kubeconfig &&
    !file
  ) {
    // client-node's last resort when it found no kubeconfig and no service account.
    throw new InputError(
      'no kubeconfig found (KUBECONFIG is unset, ~/.kube/config does not exist, not running in a pod)',
      {
        where: 'KUBECONFIG',
        hint: 'log in with `oc login`, pass --kubeconfig PATH, or diagnose a must-gather with --must-gather PATH',
      },
    );
  }
  if (!current) {
    throw new InputError('the kubeconfig has no current cluster', {
      where: file ?? '~/.kube/config',
      hint: 'log in with `oc login`, pass --kubeconfig and --context, or diagnose a must-gather with --must-gather PATH',
    });
  }
  return kc;
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
  private readonly server: URL;
  private requests = 0;
  /** Set once the API server has answered anything; before that a network failure means the source is unreachable. */
  private connected = false;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly agent: https.Agent;

  constructor(
    private readonly kc: KubeConfig,
    options: LiveSourceOptions = {},
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new InputError('the kubeconfig has no current cluster');
    let server: URL;
    try {
      server = new URL(cluster.server);
    } catch {
      throw new InputError(`the kubeconfig's server "${cluster.server}" is not a URL`, {
        where: `cluster ${cluster.name}`,
        hint: 'fix the server field (https://api.<cluster>.<domain>:6443)',
      });
    }
    if (server.protocol !== 'https:') {
      throw new InputError(`the kubeconfig's server ${cluster.server} is not https`, {
        where: `cluster ${cluster.name}`,
        hint: 'the OpenShift API is served over https (https://api.<cluster>.<domain>:6443)',
      });
    }
    this.server = server;
    this.location = `${server.origin} (context ${kc.getCurrentContext()})`;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.attempts = Math.max(1, options.attempts ?? 2);
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 8 });
  }

  stats(): { requests: number } {
    return { requests: this.requests };
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  async list(ref: ResourceRef, namespace?: string): Promise<Read<KubeObject[]>> {
    const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
    const path =
      ref.namespaced && namespace ? `${base}/namespaces/${namespace}/${ref.plural}` : `${base}/${ref.plural}`;
    const what = `list ${qualifiedName(ref)}${ref.namespaced ? (namespace ? ` in namespace ${namespace}` : ' in all namespaces') : ''}`;
    const answer = await this.read(path, what, { verb: 'list', ref, namespace });
    if (!answer.ok) return answer;
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.value.toString('utf8'));
    } catch {
      return {
        ok: false,
        reason: 'error',
        message: `${what}: the API server answered with something that is not JSON`,
      };
    }
    const items = (parsed as { items?: unknown }).items;
    if (!Array.isArray(items)) {
      return { ok: false, reason: 'error', message: `${what}: the answer has no items list` };
    }
    const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
    // A list's items carry no apiVersion/kind on the wire; put them back so objects look as `get` shows them.
    return {
      ok: true,
      value: (items as KubeObject[]).map((o) => ({
        ...o,
        apiVersion: o.apiVersion ?? apiVersion,
        kind: o.kind ?? ref.kind,
      })),
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
    return { ok: true, value: answer.value.toString('utf8') };
  }

  /** One API GET with retries on 5xx/429/timeouts; a status error becomes an Unavailable. */
  private async read(
    path: string,
    what: string,
    rbac: { verb: string; ref: ResourceRef; namespace?: string },
  ): Promise<Read<Buffer>> {
    let last: Unavailable | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      let answer: HttpAnswer;
      try {
        answer = await this.get(path);
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
      const status = statusMessage(answer.body);
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

  private get(path: string): Promise<HttpAnswer> {
    return this.send({ method: 'GET', path });
  }

  /**
   * One API request, no retry: writes are not repeated blindly. Throws TransportError when the
   * API server was not reached or did not answer in time.
   */
  async send(request: ApiRequest): Promise<HttpAnswer> {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + request.path, this.server);
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const headers: Record<string, string | number> = {
      Accept: 'application/json',
      'User-Agent': 'mcs-doctor',
    };
    if (payload) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const options: https.RequestOptions = {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || 443,
      path: url.pathname + url.search,
      headers,
      agent: this.agent,
    };
    await this.kc.applyToHTTPSOptions(options);
    // applyToHTTPSOptions may set its own agent for client certificates; keep the caller's timeout either way.
    this.requests++;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = https.request(options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy(new TransportError(`the answer is larger than ${MAX_BODY_BYTES} bytes`, false));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', (e) => reject(new TransportError(e.message, false)));
      });
      req.setTimeout(this.timeoutMs, () =>
        req.destroy(new TransportError(`no answer within ${this.timeoutMs / 1000} s`, true)),
      );
      req.on('error', (e) =>
        reject(e instanceof TransportError ? e : new TransportError(describeNetError(e), false)),
      );
      req.end(payload);
    });
  }
}

export function statusMessage(body: Buffer): string {
  try {
    const s = JSON.parse(body.toString('utf8')) as { kind?: string; message?: string };
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
  return new LiveSource(await loadKubeConfig(options), options);
}

/**
 * One MCS pod as its node's kubelet runs it: mount the secret volumes (FailedMount while the
 * secret is missing), start the container (the Go server's log lines, its fatal exit on a bad
 * key pair and CrashLoopBackOff), and while it runs a real MCS endpoint on the master's
 * address. The cert is read once per container start; 4.19's certwatcher reloads it live.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SimContext } from '../../context.js';
import { LogBook } from '../../linelog.js';
import { formatKlogLine } from '../../mcs/klog.js';
import { mcsLogDialect } from '../../mcs/dialect.js';
import type { ConfigLookup } from '../../mcs/handler.js';
import { startMcsEndpoint, type McsEndpoint } from '../../mcs/endpoint.js';
import { versionAtLeast, type OpenShiftVersion } from '../../seed.js';
import { SIM_TIMINGS } from '../../timings.js';
import type { KubeObject } from '../../kube/types.js';
import { recordRepeatedEvent } from './events-util.js';
import { loadX509KeyPair } from './go-keypair.js';
import { getSecret, secretData, type Scheduler } from './kube-util.js';
import {
  CRASH_LOOP_MAX_MS,
  MCO_NAMESPACE,
  MOUNT_RETRY_INITIAL_MS,
  MOUNT_RETRY_MAX_MS,
  SECRET_VOLUME_SYNC_MS,
} from './names.js';
import { MCS_CONTAINER, nowIso, podStatus, type ContainerPhase, type TerminatedState } from './pod-status.js';

export interface SecretVolume {
  name: string;
  secretName: string;
}

export interface McsPodSettings {
  volumes: SecretVolume[];
  /** Secret name of the serving cert volume (machine-config-server-tls). */
  tlsSecret: string;
  tokenSecret: string;
  image: string;
  pools: () => string[];
  /** GetConfig against the store (cluster_server.go), evaluated per request. */
  getConfig?: (pool: string) => ConfigLookup;
  apiServerInternalUrl: () => string;
}

/** Highest Ignition spec 3 minor each release's MCS serves (vendored ign3types). */
export function maxSpec3Minor(version: OpenShiftVersion): number {
  if (versionAtLeast(version, '4.19')) return 5;
  if (versionAtLeast(version, '4.16')) return 4;
  return 2;
}

/**
 * Where Serve exits (api.go): a serving cert that does not load (`source`), and ListenAndServeTLS
 * failing to listen (`listenSource`): release-4.12 :72 / :72, release-4.16 :74 / :79,
 * release-4.19 :77 / :89.
 */
function fatalSource(version: OpenShiftVersion): { source: string; prefix: string; listenSource: string } {
  if (versionAtLeast(version, '4.19'))
    return { source: 'api.go:77', prefix: 'failed to load serving cert: ', listenSource: 'api.go:89' };
  if (versionAtLeast(version, '4.14' as OpenShiftVersion))
    return { source: 'api.go:74', prefix: 'failed to load serving cert: ', listenSource: 'api.go:79' };
  return {
    source: 'api.go:72',
    prefix: 'Machine Config Server exited with error: ',
    listenSource: 'api.go:72',
  };
}

function versionLine(version: OpenShiftVersion): string {
  const hash = createHash('sha1').update(`machine-config-operator ${version}`).digest('hex');
  return `Version: v${version}.0-202501150914.p0.g${hash.slice(0, 7)}.assembly.stream.el9-dirty (${hash})`;
}

function containerId(): string {
  return `cri-o://${randomBytes(32).toString('hex')}`;
}

export class McsPod {
  private phase: ContainerPhase = { kind: 'creating' };
  private restartCount: number;
  private lastTerminated?: TerminatedState;
  private tlsVolume?: Map<string, Buffer>;
  private token = '';
  private endpoint?: McsEndpoint;
  private backoffMs: number = SIM_TIMINGS.crashLoopBackoffMs;
  private mountRetryMs = MOUNT_RETRY_INITIAL_MS;
  private stopped = false;
  private readonly cancels = new Set<() => void>();
  private readonly startTime = nowIso();
  private containerRuns = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly scheduler: Scheduler,
    readonly name: string,
    readonly nodeName: string,
    readonly ip: string,
    private readonly settings: McsPodSettings,
    private readonly portFree: () => Promise<void>,
    private readonly changed: () => void,
    restartCount = 0,
  ) {
    this.restartCount = restartCount;
  }

  get ready(): boolean {
    return this.phase.kind === 'running' && !this.stopped;
  }

  get mcsEndpoint(): McsEndpoint | undefined {
    return this.ready ? this.endpoint : undefined;
  }

  get restarts(): number {
    return this.restartCount;
  }

  private get logKey(): string {
    return LogBook.podKey(MCO_NAMESPACE, this.name, MCS_CONTAINER);
  }

  private klog(severity: 'I' | 'E' | 'F', source: string, message: string): void {
    this.ctx.podLogs.log(this.logKey).append(formatKlogLine(severity, new Date(), source, message));
  }

  private after(simMs: number, fn: () => void | Promise<void>): void {
    const cancel = this.scheduler.after(simMs, async () => {
      this.cancels.delete(cancel);
      if (!this.stopped) await fn();
    });
    this.cancels.add(cancel);
  }

  start(delayMs: number): void {
    this.writeStatus();
    this.after(delayMs, () => this.mount());
  }

  private podObject(): KubeObject | undefined {
    const store = this.ctx.store;
    return store.get(store.type('pods', ''), MCO_NAMESPACE, this.name);
  }

  private writeStatus(): void {
    if (this.stopped) return;
    const store = this.ctx.store;
    store.mutate(store.type('pods', ''), MCO_NAMESPACE, this.name, (pod) => {
      pod.status = podStatus(
        pod.status as Record<string, unknown> | undefined,
        {
          phase: this.phase,
          restartCount: this.restartCount,
          lastTerminated: this.lastTerminated,
          image: this.settings.image,
          imageID: this.settings.image,
        },
        this.ip,
        this.startTime,
        new Date(),
      );
    });
    this.changed();
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    const pod = this.podObject();
    if (!pod) return;
    recordRepeatedEvent(this.ctx.store, {
      involved: pod,
      type,
      reason,
      message,
      component: 'kubelet',
      host: this.nodeName,
    });
  }

  private mount(): void {
    const store = this.ctx.store;
    for (const v of this.settings.volumes) {
      if (getSecret(store, MCO_NAMESPACE, v.secretName)) continue;
      this.event(
        'Warning',
        'FailedMount',
        `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secretName}" not found`,
      );
      const retry = this.mountRetryMs;
      this.mountRetryMs = Math.min(this.mountRetryMs * 2, MOUNT_RETRY_MAX_MS);
      this.after(retry, () => this.mount());
      return;
    }
    this.refreshVolumes();
    void this.runContainer();
  }

  /** The kubelet copies the current secrets into the pod's volumes; a deleted secret leaves the old files. */
  private refreshVolumes(): void {
    const store = this.ctx.store;
    const tls = secretData(getSecret(store, MCO_NAMESPACE, this.settings.tlsSecret));
    if (tls) this.tlsVolume = tls;
    const token = secretData(getSecret(store, MCO_NAMESPACE, this.settings.tokenSecret));
    if (token) this.token = token.get('token')?.toString('utf8') ?? this.token;
  }

  private async runContainer(): Promise<void> {
    if (this.stopped) return;
    const log = this.ctx.podLogs.log(this.logKey);
    if (this.containerRuns > 0) log.restart();
    this.containerRuns += 1;
    const id = containerId();
    const startedAt = nowIso();
    this.event('Normal', 'Pulled', `Container image "${this.settings.image}" already present on machine`);
    this.event('Normal', 'Created', `Created container ${MCS_CONTAINER}`);
    this.event('Normal', 'Started', `Started container ${MCS_CONTAINER}`);
    const dialect = mcsLogDialect(this.ctx.version);
    this.klog('I', dialect.versionSource, versionLine(this.ctx.version));
    if (dialect.tlsSettings) this.klog('I', dialect.tlsSettings.source, dialect.tlsSettings.message);
    const pair = loadX509KeyPair(this.tlsVolume?.get('tls.crt'), this.tlsVolume?.get('tls.key'));
    const { mcsPort, mcsInsecurePort } = this.ctx.network;
    if (!pair.ok) {
      // Both server goroutines announce themselves; the secure one then exits the process.
      this.klog('I', dialect.launchingSource, `Launching server on :${mcsInsecurePort}`);
      this.klog('I', dialect.launchingSource, `Launching server on :${mcsPort}`);
      const fatal = fatalSource(this.ctx.version);
      this.klog('F', fatal.source, `${fatal.prefix}${pair.error}`);
      this.crashed(id, startedAt);
      return;
    }
    await this.portFree();
    if (this.stopped) return;
    try {
      this.endpoint = await startMcsEndpoint({
        host: this.ip,
        port: mcsPort,
        insecurePort: mcsInsecurePort,
        tls: { certChainPem: pair.certChainPem, keyPem: pair.keyPem },
        pools: this.settings.pools(),
        getConfig: this.settings.getConfig,
        dialect,
        maxSpec3Minor: maxSpec3Minor(this.ctx.version),
        content: {
          apiServerInternalUrl: this.settings.apiServerInternalUrl(),
          bootstrapToken: this.token,
          kubeApiServerCaPem: this.ctx.seed.kubeCa.certPem,
        },
        onLogLine: (line) => log.append(line),
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'bind: address already in use' : (err as Error).message;
      this.klog('I', dialect.launchingSource, `Launching server on :${mcsPort}`);
      this.klog(
        'F',
        fatalSource(this.ctx.version).listenSource,
        `Machine Config Server exited with error: listen tcp :${mcsPort}: ${why}`,
      );
      this.crashed(id, startedAt);
      return;
    }
    if (this.stopped) {
      await this.endpoint.close();
      return;
    }
    this.phase = { kind: 'running', startedAt, containerID: id };
    this.writeStatus();
  }

  private crashed(containerID: string, startedAt: string): void {
    const tail = this.ctx.podLogs.log(this.logKey).text();
    this.lastTerminated = {
      exitCode: 1,
      reason: 'Error',
      // terminationMessagePolicy FallbackToLogsOnError: the log tail (at most 2048 bytes).
      message: tail.length > 2048 ? tail.slice(tail.length - 2048) : tail,
      startedAt,
      finishedAt: nowIso(),
      containerID,
    };
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, CRASH_LOOP_MAX_MS);
    const pod = this.podObject();
    const podRef = `${this.name}_${MCO_NAMESPACE}(${pod?.metadata.uid ?? ''})`;
    this.phase = {
      kind: 'backoff',
      message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${MCS_CONTAINER} pod=${podRef}`,
    };
    this.writeStatus();
    this.event(
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${MCS_CONTAINER} in pod ${podRef}`,
    );
    this.after(delay, async () => {
      this.restartCount += 1;
      this.refreshVolumes();
      await this.runContainer();
    });
  }

  setPools(pools: string[]): void {
    this.endpoint?.setPools(pools);
  }

  /** The TLS secret changed: the kubelet updates the volume; only 4.19's certwatcher picks it up live. */
  secretChanged(): void {
    this.after(SECRET_VOLUME_SYNC_MS, () => {
      this.refreshVolumes();
      if (!versionAtLeast(this.ctx.version, '4.19') || !this.ready || !this.endpoint) return;
      const pair = loadX509KeyPair(this.tlsVolume?.get('tls.crt'), this.tlsVolume?.get('tls.key'));
      // certwatcher keeps the old certificate when the new files do not load (its logger is unset: no line).
      if (pair.ok && pair.certChainPem !== this.endpoint.servedChainPem()) {
        this.endpoint.reload({ certChainPem: pair.certChainPem, keyPem: pair.keyPem });
      }
    });
  }

  /** The pod is gone: the container is killed and its listeners close. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    this.changed();
    await endpoint?.close();
  }
}

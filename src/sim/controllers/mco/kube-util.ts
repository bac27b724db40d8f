/** Small helpers over the store's plain-JSON objects (secrets, configmaps, conditions). */
import type { ObjectStore } from '../../kube/store.js';
import { isoSeconds } from '../../kube/store.js';
import type { KubeObject } from '../../kube/types.js';
import type { SimContext } from '../../context.js';

/** Secret data decoded from base64 (`stringData` is merged in, as the apiserver does on write). */
export function secretData(secret: KubeObject | undefined): Map<string, Buffer> | undefined {
  if (!secret) return undefined;
  const out = new Map<string, Buffer>();
  const data = (secret.data ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(data)) out.set(k, Buffer.from(v ?? '', 'base64'));
  const stringData = (secret.stringData ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(stringData)) out.set(k, Buffer.from(v ?? '', 'utf8'));
  return out;
}

export function encodeData(data: Record<string, string | Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = Buffer.from(v).toString('base64');
  return out;
}

export function configMapValue(cm: KubeObject | undefined, key: string): string | undefined {
  const data = (cm?.data ?? {}) as Record<string, string>;
  return data[key];
}

export function getSecret(store: ObjectStore, ns: string, name: string): KubeObject | undefined {
  return store.get(store.type('secrets', ''), ns, name);
}

export function getConfigMap(store: ObjectStore, ns: string, name: string): KubeObject | undefined {
  return store.get(store.type('configmaps', ''), ns, name);
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
  [key: string]: unknown;
}

/** Sets a condition, keeping lastTransitionTime when the status does not change (SetStatusCondition). */
export function setCondition(conditions: Condition[], next: Condition, now: Date): Condition[] {
  const current = conditions.find((c) => c.type === next.type);
  const time = current && current.status === next.status ? current.lastTransitionTime : isoSeconds(now);
  const merged: Condition = { ...next, lastTransitionTime: time };
  if (!merged.reason) delete merged.reason;
  if (!merged.message) delete merged.message;
  return current ? conditions.map((c) => (c.type === next.type ? merged : c)) : [...conditions, merged];
}

/** Timers and work tied to the controller's life: everything stops with stop() or the context signal. */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly ctx: SimContext) {}

  get active(): boolean {
    return !this.stopped && !this.ctx.signal.aborted;
  }

  /** Runs `fn` after a simulated delay; returns a cancel function. */
  after(simMs: number, fn: () => void | Promise<void>): () => void {
    if (!this.active) return () => {};
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.active) return;
      void Promise.resolve()
        .then(fn)
        .catch(() => {});
    }, this.ctx.clock.scaled(simMs));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Coalesces bursts of triggers into one run (a controller's work queue with one key). */
export class Debounced {
  private pending = false;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly delayMs: number,
    private readonly work: () => Promise<void> | void,
  ) {}

  trigger(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.pending) return;
    this.pending = true;
    this.scheduler.after(this.delayMs, () => this.run());
  }

  private async run(): Promise<void> {
    this.pending = false;
    this.running = Promise.resolve().then(this.work);
    try {
      await this.running;
    } catch {
      // the next trigger retries
    } finally {
      this.running = undefined;
    }
    if (this.again) {
      this.again = false;
      this.trigger();
    }
  }

  /** Resolves when no run is in flight (for stop()). */
  async idle(): Promise<void> {
    await this.running?.catch(() => {});
  }
}

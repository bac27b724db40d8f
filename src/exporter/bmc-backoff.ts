/**
 * BMC clocks read at every collection, with a backoff per BMC: a BMC that failed is asked again
 * after one interval, then two, four... up to BMC_BACKOFF_MAX_MS, so a dead BMC costs a request
 * an hour, not one per collection, and a BMC that answers again is read at the next attempt.
 * Between attempts the last answer stands (a failure stays a failure).
 */
import https from 'node:https';
import tls from 'node:tls';
import type { BmcReader } from '../checks/facts/index.js';
import type { HostFacts } from '../checks/facts/hosts.js';
import type { BmcClock } from '../probes/redfish.js';

export const BMC_BACKOFF_MAX_MS = 60 * 60_000;

interface BmcState {
  failures: number;
  nextAttemptAt: number;
  last: BmcClock;
}

export class BmcBackoff implements BmcReader {
  private readonly state = new Map<string, BmcState>();
  /**
   * Shared by every read: a BMC's two requests (System, Manager) share one connection, which
   * readBmcClock closes once the read is done; its TLS session is kept, so the next collection
   * resumes it instead of a full handshake.
   */
  readonly agent = new https.Agent({
    // One TLS context for every BMC (Node would build one per connection: 2000 a collection at
    // 1000 hosts, each freed only when the garbage collector gets to it).
    secureContext: tls.createSecureContext(),
    keepAlive: true,
    maxSockets: 1,
    maxFreeSockets: 1,
    timeout: 5_000,
    maxCachedSessions: 4096,
  });

  constructor(
    readonly concurrency: number,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** One BMC per address; a host without one is keyed by its name. */
  private keyOf(h: HostFacts): string {
    return h.bmcAddress ?? `${h.namespace}/${h.name}`;
  }

  async read(host: HostFacts, readNow: () => Promise<BmcClock>): Promise<BmcClock> {
    const key = this.keyOf(host);
    const s = this.state.get(key);
    if (s && this.now() < s.nextAttemptAt) return s.last;
    const clock = await readNow();
    if (clock.ok) this.state.set(key, { failures: 0, nextAttemptAt: 0, last: clock });
    else {
      const failures = (s?.failures ?? 0) + 1;
      const wait = Math.min(BMC_BACKOFF_MAX_MS, this.intervalMs * 2 ** (failures - 1));
      this.state.set(key, { failures, nextAttemptAt: this.now() + wait, last: clock });
    }
    return clock;
  }

  close(): void {
    this.agent.destroy();
  }

  /** Forgets the BMCs of hosts that are gone. */
  retain(hosts: readonly HostFacts[]): void {
    const keep = new Set(hosts.map((h) => this.keyOf(h)));
    for (const key of this.state.keys()) if (!keep.has(key)) this.state.delete(key);
  }
}

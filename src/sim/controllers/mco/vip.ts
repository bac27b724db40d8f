/**
 * The API VIP's :22623/:22624. keepalived holds the VIP on a master and the hostNetwork MCS
 * listens on every address, so a connection to the VIP is served by an MCS process that sees the
 * worker's own address. Here the VIP listener hands each accepted socket, untouched, to a Ready
 * MCS pod's server (round robin); with no Ready pod nothing listens (connection refused).
 * Modes: 'refuse' never listens (a REJECT rule, a VIP that is not up), 'blackhole' accepts and
 * never answers, 'plain-http' hands the VIP's 22623 connections to the pod's plain-HTTP 22624
 * server: what a user-managed load balancer (or a DNAT rule) with the wrong backend port does. The
 * worker's TLS ClientHello then reaches Go's plain http.Server, which answers `400 Bad Request`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { SimContext } from '../../context.js';
import type { VipMode } from '../../seed.js';
import type { McsEndpoint } from '../../mcs/endpoint.js';
import { assertLoopback } from '../../mcs/loopback.js';

type PortKind = 'secure' | 'insecure';

export class McsVip {
  private readonly servers = new Map<PortKind, Server>();
  private readonly held = new Set<Socket>();
  private next = 0;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly ctx: SimContext,
    private readonly mode: VipMode,
    private readonly targets: () => McsEndpoint[],
  ) {
    assertLoopback(ctx.network.apiVip);
  }

  get listening(): boolean {
    return this.servers.size > 0;
  }

  /** Re-evaluates whether the VIP ports are open; serialised so opens and closes never interleave. */
  update(): Promise<void> {
    this.chain = this.chain.then(() => this.apply()).catch(() => {});
    return this.chain;
  }

  private shouldListen(): boolean {
    if (this.stopped || this.ctx.signal.aborted) return false;
    if (this.mode === 'refuse') return false;
    if (this.mode === 'blackhole') return true;
    return this.targets().length > 0;
  }

  private async apply(): Promise<void> {
    if (!this.shouldListen()) {
      if (this.servers.size > 0) await this.closeServers();
      return;
    }
    if (this.servers.size > 0) return;
    // A just-closed listener may still hold the port for a moment.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.open('secure', this.ctx.network.mcsPort);
        await this.open('insecure', this.ctx.network.mcsInsecurePort);
        return;
      } catch (err) {
        await this.closeServers();
        if (attempt >= 20 || !this.shouldListen()) throw err;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }

  private async open(kind: PortKind, port: number): Promise<void> {
    const server = createServer((socket) => this.accept(kind, socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.ctx.network.apiVip, port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.set(kind, server);
  }

  private accept(kind: PortKind, socket: Socket): void {
    socket.on('error', () => {});
    const targets = this.targets();
    if (this.mode === 'blackhole' || targets.length === 0) {
      this.held.add(socket);
      socket.on('close', () => this.held.delete(socket));
      if (this.mode !== 'blackhole') socket.destroy();
      return;
    }
    const target = targets[this.next % targets.length] as McsEndpoint;
    this.next = (this.next + 1) % 1_000_000;
    target.acceptConnection(socket, this.mode === 'plain-http' ? 'insecure' : kind);
  }

  private async closeServers(): Promise<void> {
    const servers = [...this.servers.values()];
    this.servers.clear();
    // close() stops listening now; its callback would wait for the sockets handed to the MCS servers.
    for (const s of servers) s.close();
    await new Promise((resolve) => setImmediate(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.held) s.destroy();
    this.held.clear();
    await this.update();
  }
}

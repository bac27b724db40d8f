/**
 * The worker machines: each power on boots RHCOS on the serial console. A host with a config
 * drive it has not yet installed from runs Ignition's fetch stage (real TLS, its own address, its
 * own clock); a failed fetch ends in the emergency target and a reboot after the give-up time, so
 * a broken host loops like a real one. A successful fetch installs the system and starts the
 * kubelet (CSRs, Node). Power off cancels everything the boot was doing.
 */
import { randomUUID } from 'node:crypto';
import type { SimComponent, SimContext, SimHost } from '../../context.js';
import { SIM_TIMINGS } from '../../timings.js';
import { bootImageFor, type BootImage } from './boot-image.js';
import { ConsoleWriter } from './console.js';
import { runFetchStage } from './ignition-fetch.js';
import { runKubelet, setReady } from './kubelet.js';

/** The CoreOS emergency prompt waits this long for Enter, then reboots. */
export const EMERGENCY_REBOOT_TIMEOUT_MS = 300_000;

/** The node lifecycle controller's grace period before a silent kubelet's Node turns Unknown. */
const NODE_MONITOR_GRACE_MS = 40_000;

interface HostState {
  /** The boot in progress (aborted on power off and on stop). */
  boot?: AbortController;
  running?: Promise<void>;
  /** The config drive this host last installed from: later boots are not first boots. */
  installedFrom?: string;
  /** A Node-monitor timer after power off. */
  unknownTimer?: ReturnType<typeof setTimeout>;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

export class HostMachines implements SimComponent {
  readonly name = 'host-machines';
  private ctx?: SimContext;
  private readonly states = new Map<string, HostState>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly bootstrapperUid = randomUUID();
  private stopped = false;

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    for (const host of ctx.hosts.values()) {
      const state: HostState = host.seed.joined ? { installedFrom: host.configDrive ?? '' } : {};
      this.states.set(host.name, state);
      this.unsubscribe.push(host.onPower((power) => this.onPower(host, power)));
      // Joined hosts are running already: nothing to show until someone power-cycles them, except
      // one seeded `running`, whose kubelet the scenario is about: its boot is replayed and its
      // kubelet carries on from its registered Node.
      if (!host.seed.joined && host.power === 'On') this.powerOn(host);
      else if (host.seed.running && host.power === 'On') this.powerOn(host, true);
    }
    ctx.signal.addEventListener('abort', () => void this.stop(), { once: true });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const u of this.unsubscribe.splice(0)) u();
    const running: Array<Promise<void>> = [];
    for (const state of this.states.values()) {
      state.boot?.abort();
      if (state.unknownTimer) clearTimeout(state.unknownTimer);
      if (state.running) running.push(state.running);
    }
    await Promise.allSettled(running);
  }

  private onPower(host: SimHost, power: 'On' | 'Off'): void {
    if (this.stopped) return;
    if (power === 'On') this.powerOn(host);
    else this.powerOff(host);
  }

  private powerOff(host: SimHost): void {
    const state = this.states.get(host.name);
    if (!state) return;
    state.boot?.abort();
    state.boot = undefined;
    const ctx = this.ctx;
    if (!ctx) return;
    const nodes = ctx.store.type('nodes', '');
    if (ctx.store.get(nodes, undefined, host.seed.hostname) && !state.unknownTimer) {
      state.unknownTimer = setTimeout(() => {
        state.unknownTimer = undefined;
        if (host.power === 'Off' && !this.stopped) setReady(ctx, host.seed.hostname, 'Unknown');
      }, ctx.clock.scaled(NODE_MONITOR_GRACE_MS));
    }
  }

  private powerOn(host: SimHost, alreadyUp = false): void {
    const ctx = this.ctx;
    const state = this.states.get(host.name);
    if (!ctx || !state) return;
    state.boot?.abort();
    if (state.unknownTimer) clearTimeout(state.unknownTimer);
    state.unknownTimer = undefined;
    const boot = new AbortController();
    state.boot = boot;
    const previous = state.running ?? Promise.resolve();
    state.running = previous
      .then(() => this.boot(ctx, host, state, boot.signal, alreadyUp))
      .catch((err: unknown) => {
        if (!isAbort(err) && !boot.signal.aborted) throw err;
      });
  }

  private async boot(
    ctx: SimContext,
    host: SimHost,
    state: HostState,
    signal: AbortSignal,
    alreadyUp = false,
  ): Promise<void> {
    if (signal.aborted) return;
    const image = bootImageFor(ctx.version);
    const out = new ConsoleWriter(ctx.consoles.log(host.name), ctx.clock);
    const firstBoot = host.configDrive !== undefined && state.installedFrom !== host.configDrive;
    kernelBanner(out, image, firstBoot);
    if (alreadyUp) {
      // The console of a host that booted before the cluster started: its boot, then its kubelet.
      await this.runInstalledSystem(ctx, host, image, out, signal);
      return;
    }
    if (!firstBoot) {
      if (host.configDrive === undefined && !host.seed.joined) return; // nothing installed: nothing to boot
      await ctx.clock.sleep(SIM_TIMINGS.bootToIgnitionMs, signal);
      await this.runInstalledSystem(ctx, host, image, out, signal);
      return;
    }

    await ctx.clock.sleep(SIM_TIMINGS.bootToIgnitionMs, signal);
    out.journal('systemd', 1, 'Starting Ignition (fetch)...');
    const pid = 700 + Math.floor(Math.random() * 200);
    const outcome = await runFetchStage({
      ctx,
      host,
      console: out,
      pid,
      ignitionVersion: image.ignitionVersion,
      signal,
    });
    if ('aborted' in outcome || signal.aborted) return;
    if (!outcome.ok) {
      emergency(out);
      await ctx.clock.sleep(EMERGENCY_REBOOT_TIMEOUT_MS, signal);
      out.plain('Rebooting.');
      out.kernel('reboot: Restarting system');
      await ctx.clock.sleep(SIM_TIMINGS.rebootMs, signal);
      // A failed first boot resets the machine: the BMC sees it power-cycle, and it boots again.
      host.setPower('Off', 'emergency.target: reboot after Ignition failure');
      host.setPower('On', 'emergency.target: reboot after Ignition failure');
      return;
    }
    out.journal('systemd', 1, 'Finished Ignition (fetch).');
    for (const stage of ['disks', 'mount', 'files']) {
      out.journal('systemd', 1, `Starting Ignition (${stage})...`);
      out.journal('systemd', 1, `Finished Ignition (${stage}).`);
    }
    out.journal('systemd', 1, 'Reached target Ignition Complete.');
    out.journal('systemd', 1, 'Starting Switch Root...');
    state.installedFrom = host.configDrive;
    out.journal('systemd', 1, 'Starting Machine Config Daemon Firstboot...');
    out.kernel('reboot: Restarting system');
    await ctx.clock.sleep(SIM_TIMINGS.rebootMs, signal);
    const second = new ConsoleWriter(ctx.consoles.log(host.name), ctx.clock);
    kernelBanner(second, image, false);
    await this.runInstalledSystem(ctx, host, image, second, signal);
  }

  private async runInstalledSystem(
    ctx: SimContext,
    host: SimHost,
    image: BootImage,
    out: ConsoleWriter,
    signal: AbortSignal,
  ): Promise<void> {
    out.journal('systemd', 1, 'Starting CRI-O Auto Update Script...');
    out.journal('systemd', 1, 'Starting Kubernetes Kubelet...');
    out.journal('systemd', 1, 'Started Kubernetes Kubelet.');
    out.plain('');
    out.plain(image.osImage);
    out.plain(`${host.seed.hostname} login: `);
    // A host installed without a bootstrap kubeconfig (no config fetched) never talks to the API.
    if (host.configDrive === undefined && !host.seed.joined) return;
    await runKubelet({ ctx, host, image, bootstrapperUid: this.bootstrapperUid, signal });
  }
}

function kernelBanner(out: ConsoleWriter, image: BootImage, firstBoot: boolean): void {
  out.kernel(`Linux version ${image.kernel} #1 SMP`);
  out.kernel(
    `Command line: BOOT_IMAGE=(hd0,gpt3)/ostree/rhcos/vmlinuz-${image.kernel} rw ostree=/ostree/boot.1/rhcos/0 ignition.platform.id=openstack console=tty0 console=ttyS0,115200n8${firstBoot ? ' ignition.firstboot' : ''}`,
  );
  out.kernel("x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'");
  out.kernel('Run /init as init process');
  out.journal('systemd', 1, 'Detected architecture x86-64.');
  out.journal('systemd', 1, 'Running in initrd.');
}

/**
 * systemd's failure lines, then the CoreOS emergency prompt (coreos-assembler/fedora-coreos-config
 * dracut `emergency-timeout` script): the Ignition banner, the failed unit's last 10 journal lines,
 * and a 5-minute countdown before it reboots.
 */
function emergency(out: ConsoleWriter): void {
  out.journal('systemd', 1, 'ignition-fetch.service: Main process exited, code=exited, status=1/FAILURE');
  out.journal('systemd', 1, "ignition-fetch.service: Failed with result 'exit-code'.");
  out.journal('systemd', 1, 'Failed to start Ignition (fetch).');
  out.journal('systemd', 1, 'ignition-fetch.service: Triggering OnFailure= dependencies.');
  out.journal('systemd', 1, 'Started Emergency Shell.');
  out.journal('systemd', 1, 'Reached target Emergency Mode.');
  const tail = out.journalTail('ignition', 10);
  for (const line of [
    '------',
    'Ignition has failed. Please ensure your config is valid. Note that only',
    'Ignition spec v3.0.0+ configs are accepted.',
    '',
    'A CLI validation tool to check this called ignition-validate can be',
    'downloaded from GitHub:',
    '    https://github.com/coreos/ignition/releases',
    '------',
    '',
    'Displaying logs from failed units: ignition-fetch.service',
    ...tail,
    'Press Enter for emergency shell or wait 5 minutes for reboot.',
  ])
    out.plain(line);
}

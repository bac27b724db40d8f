/**
 * The simulated Metal3 baremetal-operator: every BareMetalHost walks the real provisioning state
 * machine (BMO host_state_machine.go) with the status fields, errors and events the real one
 * writes. Ironic's work (registration against the BMC, inspection, deploy, cleaning) takes the
 * durations of SIM_TIMINGS; the machine's power and config drive are changed in-process on its
 * SimHost (Ironic would drive them through the BMC; see credentials.ts for how the BMC's checks
 * are kept). Like controller-runtime with BMO's event filter, a host is reconciled when its
 * generation, annotations or finalizers change, when its credentials secret changes, and when a
 * timer it asked for fires: a stable host costs nothing.
 */
import { randomUUID } from 'node:crypto';
import type { SimComponent, SimContext, SimHost } from '../../context.js';
import { recordEvent } from '../../events.js';
import { isoSeconds } from '../../kube/store.js';
import type { ResourceType, WatchEvent } from '../../kube/types.js';
import { LogBook, type LineLog } from '../../linelog.js';
import { SIM_TIMINGS } from '../../timings.js';
import { BmcAddressError, parseBmcAddress, type BmcAccess } from '../../../metal3/bmc-address.js';
import {
  ANNOTATION_DETACHED,
  ANNOTATION_INSPECT,
  ANNOTATION_PAUSED,
  ANNOTATION_REBOOT,
  asBmh,
  EVENT_COMPONENT,
  FINALIZER,
  hasBmcDetails,
  inspectionDisabled,
  stateOf,
  wantsProvisioning,
  type BareMetalHost,
  type BmhStatus,
  type ErrorType,
  type ProvisioningState,
} from './bmh.js';
import { logJson } from './controller-log.js';
import { readBmcCredentials, verifyBmcAccess, type BmcCredentials } from './credentials.js';
import { inspectHardware } from './hardware.js';
import { rebootRequest } from './reboot.js';
import { objectKeyOf, splitKey, WorkQueue } from './work-queue.js';

/** Preparing without RAID or firmware settings: Ironic manual cleaning with no steps. */
const PREPARING_MS = 5_000;
const POWER_OFF_BEFORE_DELETE_MS = 2_000;
/** Ironic's power action and the BMO's next look at the power state. */
const POWER_ACTION_MS = 3_000;
/** BMO hostErrorRetryDelay; later failures back off exponentially up to 10 minutes. */
const ERROR_RETRY_MS = 10_000;
const MAX_ERROR_RETRY_MS = 600_000;
const LOGGER = 'controllers.BareMetalHost';

export interface BareMetalOperatorOptions {
  /** Where the BMO container's log goes in ctx.podLogs. */
  podLogKey?: string;
}

interface Pass {
  key: string;
  bmh: BareMetalHost;
  status: BmhStatus;
  events: [reason: string, message: string][];
  /** Handle again on the next turn (a state change that the next state acts on). */
  again: boolean;
}

const OPERATIONS: Partial<Record<ProvisioningState, string>> = {
  registering: 'register',
  inspecting: 'inspect',
  provisioning: 'provision',
  deprovisioning: 'deprovision',
};

export class BareMetalOperator implements SimComponent {
  readonly name = 'metal3-baremetal-operator';
  private ctx: SimContext | undefined;
  private queue: WorkQueue | undefined;
  private log: LineLog | undefined;
  private readonly cleanups: (() => void)[] = [];
  /** generation|annotations|finalizers|deletionTimestamp last seen, per host (BMO's update predicate). */
  private readonly seen = new Map<string, string>();
  private readonly deadlines = new Map<string, { state: ProvisioningState; token: string; at: number }>();
  /** User data read when provisioning started: what the config drive will hold. */
  private readonly pendingConfigDrive = new Map<string, string>();
  /** Hosts by the credentials secret they name. */
  private readonly byCredentials = new Map<string, Set<string>>();
  private readonly credentialsOf = new Map<string, string>();
  private readonly hostByBmcIp = new Map<string, SimHost>();
  private readonly bmhOfMachine = new Map<string, string>();
  private ownPowerChange = false;

  constructor(private readonly options: BareMetalOperatorOptions = {}) {}

  async start(ctx: SimContext): Promise<void> {
    this.ctx = ctx;
    this.log = ctx.podLogs.log(
      this.options.podLogKey ??
        LogBook.podKey('openshift-machine-api', 'metal3-baremetal-operator', 'metal3-baremetal-operator'),
    );
    for (const host of ctx.hosts.values()) {
      this.hostByBmcIp.set(ctx.network.bmcIp(host.seed.index), host);
      this.cleanups.push(host.onPower((state) => this.onMachinePower(host, state)));
    }
    const queue = new WorkQueue(
      (key) => this.reconcile(key),
      (key, err) =>
        logJson(this.log, 'error', LOGGER, 'Reconciler error', {
          baremetalhost: key,
          error: err instanceof Error ? err.message : String(err),
        }),
    );
    this.queue = queue;
    const store = ctx.store;
    this.cleanups.push(store.watch(this.bmhType(), {}, (event) => this.onHostEvent(event)));
    this.cleanups.push(
      store.watch(store.type('secrets', ''), { resourceVersion: store.resourceVersion() }, (event) => {
        const key = objectKeyOf(event.object.metadata.namespace, event.object.metadata.name);
        for (const host of this.byCredentials.get(key) ?? []) queue.add(host);
      }),
    );
    const onAbort = (): void => void this.stop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    this.cleanups.push(() => ctx.signal.removeEventListener('abort', onAbort));
    logJson(this.log, 'info', 'setup', 'starting manager');
  }

  async stop(): Promise<void> {
    this.queue?.stop();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  /** Timers outstanding (for tests: stable hosts have none). */
  get pendingTimers(): number {
    return this.queue?.timerCount ?? 0;
  }

  private bmhType(): ResourceType {
    return this.context().store.type('baremetalhosts', 'metal3.io');
  }

  private context(): SimContext {
    if (!this.ctx) throw new Error('BareMetalOperator is not started');
    return this.ctx;
  }

  private onHostEvent(event: WatchEvent): void {
    const meta = event.object.metadata;
    const key = objectKeyOf(meta.namespace, meta.name);
    if (event.type === 'DELETED') {
      this.forget(key);
      return;
    }
    this.indexCredentials(key, asBmh(event.object));
    const fingerprint = JSON.stringify([
      meta.generation,
      meta.annotations ?? {},
      meta.finalizers ?? [],
      meta.deletionTimestamp ?? '',
    ]);
    if (this.seen.get(key) === fingerprint) return;
    this.seen.set(key, fingerprint);
    this.queue?.add(key);
  }

  private indexCredentials(key: string, bmh: BareMetalHost): void {
    const name = bmh.spec?.bmc?.credentialsName;
    const secretKey = name ? objectKeyOf(bmh.metadata.namespace, name) : undefined;
    const previous = this.credentialsOf.get(key);
    if (previous === secretKey) return;
    if (previous) this.byCredentials.get(previous)?.delete(key);
    if (secretKey) {
      this.credentialsOf.set(key, secretKey);
      const set = this.byCredentials.get(secretKey) ?? new Set<string>();
      set.add(key);
      this.byCredentials.set(secretKey, set);
    } else {
      this.credentialsOf.delete(key);
    }
  }

  /** The host object is gone: Ironic deletes its node, which leaves the machine powered off. */
  private forget(key: string): void {
    this.queue?.cancel(key);
    this.seen.delete(key);
    this.deadlines.delete(key);
    this.pendingConfigDrive.delete(key);
    this.indexCredentials(key, { apiVersion: '', kind: '', metadata: { name: '' } });
    for (const [machine, bmhKey] of this.bmhOfMachine) {
      if (bmhKey !== key) continue;
      this.bmhOfMachine.delete(machine);
      const host = this.context().hosts.get(machine);
      if (host?.power === 'On') this.setMachinePower(host, 'Off', 'host deleted');
      logJson(this.log, 'info', LOGGER, 'host deleted, node removed from Ironic', { baremetalhost: key });
    }
  }

  /** Power changed outside the BMO (a reset through the BMC, the host rebooting itself). */
  private onMachinePower(host: SimHost, state: 'On' | 'Off'): void {
    if (this.ownPowerChange) return;
    const key = this.bmhOfMachine.get(host.name);
    if (!key) return;
    const { namespace, name } = splitKey(key);
    const store = this.context().store;
    const current = store.get(this.bmhType(), namespace, name) as BareMetalHost | undefined;
    if (!current?.status || current.status.poweredOn === (state === 'On')) return;
    const status = { ...current.status, poweredOn: state === 'On', lastUpdated: isoSeconds(new Date()) };
    store.update(this.bmhType(), { ...current, status }, { subresource: 'status' });
  }

  private setMachinePower(host: SimHost, state: 'On' | 'Off', reason: string): void {
    this.ownPowerChange = true;
    try {
      host.setPower(state, reason);
    } finally {
      this.ownPowerChange = false;
    }
  }

  private reconcile(key: string): void {
    const ctx = this.context();
    const { namespace, name } = splitKey(key);
    const current = ctx.store.get(this.bmhType(), namespace, name) as BareMetalHost | undefined;
    if (!current) return;
    const bmh = structuredClone(current);
    const pass: Pass = { key, bmh, status: (bmh.status ??= {}), events: [], again: false };
    this.step(pass);
    this.commit(current, pass);
    if (pass.again) this.queue?.add(key);
  }

  private commit(before: BareMetalHost, pass: Pass): void {
    const store = this.context().store;
    const t = this.bmhType();
    const after = pass.bmh;
    let written = before;
    if (
      JSON.stringify(before.metadata) !== JSON.stringify(after.metadata) ||
      JSON.stringify(before.spec) !== JSON.stringify(after.spec)
    ) {
      const meta = { ...after.metadata };
      delete meta.resourceVersion;
      written = store.update(t, { ...after, metadata: meta }) as BareMetalHost;
    }
    if (JSON.stringify(before.status ?? {}) !== JSON.stringify(after.status)) {
      after.status = { ...after.status, lastUpdated: isoSeconds(new Date()) };
      const meta = { ...written.metadata };
      delete meta.resourceVersion;
      written = store.update(
        t,
        { ...written, metadata: meta, status: after.status },
        { subresource: 'status' },
      );
    }
    for (const [reason, message] of pass.events) {
      recordEvent(store, { involved: written, type: 'Normal', reason, message, component: EVENT_COMPONENT });
    }
  }

  private step(pass: Pass): void {
    const { bmh, status } = pass;
    const annotations = bmh.metadata.annotations ?? {};
    if (ANNOTATION_PAUSED in annotations) return;
    if (bmh.metadata.deletionTimestamp) {
      this.deleting(pass);
      return;
    }
    if (ANNOTATION_DETACHED in annotations) {
      status.operationalStatus = 'detached';
      return;
    }
    if (status.operationalStatus === 'detached') status.operationalStatus = 'OK';
    const state = stateOf(bmh);
    if (!hasBmcDetails(bmh)) {
      if (state === '') {
        this.initStatus(pass);
        this.setState(pass, 'unmanaged');
        status.operationalStatus = 'discovered';
        pass.events.push(['Discovered', 'Discovered host with no BMC details']);
      }
      return;
    }
    const creds = readBmcCredentials(this.context().store, bmh);
    if ('kind' in creds) {
      this.initStatus(pass);
      this.setError(pass, 'registration error', creds.message, 'BMCCredentialError');
      if (creds.kind === 'missing-secret') this.retryAfterError(pass);
      return;
    }
    let access: BmcAccess;
    try {
      access = parseBmcAddress(bmh.spec?.bmc?.address ?? '', { version: this.context().version });
    } catch (err) {
      if (!(err instanceof BmcAddressError)) throw err;
      this.initStatus(pass);
      const reason = err.kind === 'unknown-type' ? 'BMCCredentialError' : 'RegistrationError';
      this.setError(pass, 'registration error', err.message, reason);
      return;
    }
    const machine = this.machineFor(pass, access);
    if (state === '' || state === 'unmanaged') {
      this.initStatus(pass);
      this.setState(pass, 'registering');
      pass.again = true;
      return;
    }
    if (state === 'registering') {
      this.registering(pass, creds, access, machine);
      return;
    }
    if (!this.credentialsStillGood(pass, creds, access, machine)) return;
    if (machine) status.poweredOn = machine.power === 'On';
    this.stateHandler(state)(pass, machine);
  }

  private stateHandler(state: ProvisioningState): (pass: Pass, machine: SimHost | undefined) => void {
    switch (state) {
      case 'inspecting':
        return (p, m) => this.inspecting(p, m);
      case 'match profile':
      case 'preparing':
        return (p) =>
          this.timed(p, PREPARING_MS, '', () => {
            this.setState(p, 'available');
            p.again = true;
          });
      case 'ready':
      case 'available':
        return (p, m) => this.available(p, m);
      case 'provisioning':
        return (p, m) => this.provisioning(p, m);
      case 'provisioned':
        return (p, m) => this.provisioned(p, m);
      case 'externally provisioned':
        return (p, m) => this.externallyProvisioned(p, m);
      case 'deprovisioning':
        return (p, m) => this.deprovisioning(p, m);
      default:
        return () => undefined;
    }
  }

  private machineFor(pass: Pass, access: BmcAccess): SimHost | undefined {
    const ctx = this.context();
    const machine = this.hostByBmcIp.get(access.host) ?? ctx.hosts.get(pass.bmh.metadata.name);
    if (machine) this.bmhOfMachine.set(machine.name, pass.key);
    return machine;
  }

  private initStatus(pass: Pass): void {
    if (stateOf(pass.bmh) !== '' || pass.status.provisioning) return;
    const never = { start: null, end: null };
    Object.assign(pass.status, {
      errorCount: 0,
      errorMessage: '',
      goodCredentials: {},
      hardwareProfile: '',
      operationHistory: { deprovision: never, inspect: never, provision: never, register: never },
      operationalStatus: 'OK',
      poweredOn: false,
      provisioning: { ID: '', bootMode: 'UEFI', image: { url: '' }, state: '' },
      triedCredentials: {},
    } satisfies BmhStatus);
  }

  private setState(pass: Pass, next: ProvisioningState): void {
    const status = pass.status;
    const old = stateOf(pass.bmh);
    const now = isoSeconds(new Date());
    const history = (status.operationHistory ??= {});
    const ended = OPERATIONS[old];
    if (ended && history[ended]) history[ended] = { ...history[ended], end: now };
    const begun = OPERATIONS[next];
    if (begun) history[begun] = { start: now, end: null };
    status.provisioning = { ...status.provisioning, state: next };
    this.deadlines.delete(pass.key);
    logJson(this.log, 'info', LOGGER, 'changing provisioning state', {
      baremetalhost: pass.key,
      provisioningState: old,
      old,
      new: next,
    });
  }

  private setError(pass: Pass, type: ErrorType, message: string, eventReason: string): void {
    const status = pass.status;
    status.operationalStatus = 'error';
    status.errorType = type;
    status.errorMessage = message;
    status.errorCount = (status.errorCount ?? 0) + 1;
    pass.events.push([eventReason, message]);
    logJson(this.log, 'info', LOGGER, 'host has an error', {
      baremetalhost: pass.key,
      provisioningState: stateOf(pass.bmh),
      errorType: type,
      error: message,
    });
  }

  private clearError(pass: Pass): void {
    const status = pass.status;
    if (status.operationalStatus === 'error') status.operationalStatus = 'OK';
    delete status.errorType;
    status.errorMessage = '';
    status.errorCount = 0;
  }

  private retryAfterError(pass: Pass): void {
    const count = Math.max(1, pass.status.errorCount ?? 1);
    const simMs = Math.min(MAX_ERROR_RETRY_MS, ERROR_RETRY_MS * 2 ** (count - 1));
    this.queue?.addAfter(pass.key, this.context().clock.scaled(simMs));
  }

  /**
   * True once `simMs` have passed in `state` (for this token); until then asks to be woken.
   * Deadlines live in memory: after a restart a half-done step starts over, as Ironic's would
   * look from outside when the conductor restarts.
   */
  private timed(pass: Pass, simMs: number, token: string, done: () => void): void {
    const state = stateOf(pass.bmh);
    const now = Date.now();
    let deadline = this.deadlines.get(pass.key);
    if (!deadline || deadline.state !== state || deadline.token !== token) {
      deadline = { state, token, at: now + this.context().clock.scaled(simMs) };
      this.deadlines.set(pass.key, deadline);
    }
    // timers may fire a millisecond early by Date.now()
    if (now + 2 >= deadline.at) {
      this.deadlines.delete(pass.key);
      done();
      return;
    }
    this.queue?.addAfter(pass.key, deadline.at - now);
  }

  private tried(pass: Pass, creds: BmcCredentials): string {
    const version = creds.secret.metadata.resourceVersion ?? '';
    pass.status.triedCredentials = {
      credentials: { name: creds.secret.metadata.name, namespace: creds.secret.metadata.namespace ?? '' },
      credentialsVersion: version,
    };
    return version;
  }

  private registering(
    pass: Pass,
    creds: BmcCredentials,
    access: BmcAccess,
    machine: SimHost | undefined,
  ): void {
    const status = pass.status;
    const provisioning = (status.provisioning ??= {});
    if (!provisioning.ID) provisioning.ID = randomUUID();
    const version = this.tried(pass, creds);
    const hadError = status.errorType === 'registration error';
    this.timed(pass, SIM_TIMINGS.registeringMs, `${version}|${status.errorCount ?? 0}`, () => {
      const failure = verifyBmcAccess(provisioning.ID ?? '', access, machine, creds);
      if (failure) {
        this.setError(pass, 'registration error', failure, 'RegistrationError');
        this.retryAfterError(pass);
        return;
      }
      if (hadError || status.errorMessage) this.clearError(pass);
      status.goodCredentials = structuredClone(status.triedCredentials);
      if (machine) status.poweredOn = machine.power === 'On';
      pass.events.push(['Registered', 'Registered new host']);
      if (pass.bmh.spec?.externallyProvisioned) {
        this.setState(pass, 'externally provisioned');
      } else if (inspectionDisabled(pass.bmh)) {
        pass.events.push(['InspectionSkipped', 'disabled by user']);
        this.setState(pass, 'preparing');
      } else {
        pass.events.push(['InspectionStarted', 'Hardware inspection started']);
        this.setState(pass, 'inspecting');
      }
      pass.again = true;
    });
  }

  /**
   * A registered host whose credentials secret changed (or that was in a credentials error) is
   * registered again with the new credentials; a failure on a provisioned host is a
   * `provisioned registration error`. Hosts seeded without goodCredentials are left alone.
   */
  private credentialsStillGood(
    pass: Pass,
    creds: BmcCredentials,
    access: BmcAccess,
    machine: SimHost | undefined,
  ): boolean {
    const status = pass.status;
    const good = status.goodCredentials?.credentialsVersion;
    const version = creds.secret.metadata.resourceVersion;
    const credentialsError =
      status.errorType === 'registration error' || status.errorType === 'provisioned registration error';
    if (!credentialsError && (good === undefined || good === version)) return true;
    this.tried(pass, creds);
    const failure = verifyBmcAccess(status.provisioning?.ID ?? '', access, machine, creds);
    if (failure) {
      const provisioned = ['provisioned', 'externally provisioned'].includes(stateOf(pass.bmh));
      const type = provisioned ? 'provisioned registration error' : 'registration error';
      const reason = provisioned ? 'ProvisionedRegistrationError' : 'RegistrationError';
      this.setError(pass, type, failure, reason);
      this.retryAfterError(pass);
      return false;
    }
    this.clearError(pass);
    status.goodCredentials = structuredClone(status.triedCredentials);
    return true;
  }

  private inspecting(pass: Pass, machine: SimHost | undefined): void {
    this.timed(pass, SIM_TIMINGS.inspectingMs, '', () => {
      if (!machine) {
        this.setError(
          pass,
          'inspection error',
          'timeout reached while inspecting the node',
          'InspectionError',
        );
        this.retryAfterError(pass);
        return;
      }
      pass.status.hardware = inspectHardware(machine, pass.bmh.spec?.bootMACAddress);
      pass.status.hardwareProfile = 'unknown';
      pass.events.push(['InspectionComplete', 'Hardware inspection completed']);
      this.setState(pass, 'preparing');
      pass.again = true;
    });
  }

  private available(pass: Pass, machine: SimHost | undefined): void {
    const bmh = pass.bmh;
    const annotations = bmh.metadata.annotations ?? {};
    if (bmh.spec?.externallyProvisioned) {
      this.setState(pass, 'externally provisioned');
      pass.again = true;
      return;
    }
    const inspect = annotations[ANNOTATION_INSPECT];
    if (inspect !== undefined && inspect !== 'disabled') {
      delete annotations[ANNOTATION_INSPECT];
      pass.events.push(['InspectionStarted', 'Hardware inspection started']);
      this.setState(pass, 'inspecting');
      pass.again = true;
      return;
    }
    if (wantsProvisioning(bmh)) {
      this.setState(pass, 'provisioning');
      pass.again = true;
      return;
    }
    // online=true leaves an available host as Ironic keeps it; online=false forces it off.
    if (machine && bmh.spec?.online === false && machine.power === 'On') {
      this.powerOff(pass, machine, 'soft', 'online=false');
    }
  }

  private provisioning(pass: Pass, machine: SimHost | undefined): void {
    const bmh = pass.bmh;
    if (!wantsProvisioning(bmh)) {
      this.pendingConfigDrive.delete(pass.key);
      pass.events.push(['DeprovisioningStarted', 'Image deprovisioning started']);
      this.setState(pass, 'deprovisioning');
      pass.again = true;
      return;
    }
    const target = bmh.spec?.image?.url ?? bmh.spec?.customDeploy?.method ?? '';
    if (!this.pendingConfigDrive.has(pass.key)) {
      const userData = this.readUserData(pass);
      if (userData === undefined) return;
      this.pendingConfigDrive.set(pass.key, userData);
      pass.events.push(['ProvisioningStarted', `Image provisioning started for ${target}`]);
    }
    this.timed(pass, SIM_TIMINGS.provisioningMs, target, () => {
      const configDrive = this.pendingConfigDrive.get(pass.key) ?? '';
      this.pendingConfigDrive.delete(pass.key);
      if (machine) machine.configDrive = configDrive === '' ? undefined : configDrive;
      const provisioning = (pass.status.provisioning ??= {});
      if (bmh.spec?.image) provisioning.image = structuredClone(bmh.spec.image);
      if (bmh.spec?.customDeploy) provisioning.customDeploy = structuredClone(bmh.spec.customDeploy);
      this.clearError(pass);
      pass.events.push(['ProvisioningComplete', `Image provisioning completed for ${target}`]);
      this.setState(pass, 'provisioned');
      // The deploy ends by booting the machine into its new disk when it is to be online.
      if (machine && bmh.spec?.online) {
        this.setMachinePower(machine, 'On', 'provisioned');
        pass.status.poweredOn = true;
      }
      pass.again = true;
    });
  }

  /**
   * The user data for the config drive (BMO host_config_data.go): the secret must be in the
   * host's namespace; key `userData`, else `value`. A failure is transient in BMO: logged, the
   * host stays `provisioning` without an error, and provisioning is retried.
   */
  private readUserData(pass: Pass): string | undefined {
    const bmh = pass.bmh;
    const ref = bmh.spec?.userData;
    if (!ref?.name) return '';
    const ns = ref.namespace || bmh.metadata.namespace || '';
    let error: string | undefined;
    let data: string | undefined;
    if (ns !== bmh.metadata.namespace) {
      error = `userData secret must be in same namespace as host ${bmh.metadata.namespace}/${bmh.metadata.name}`;
    } else {
      const secret = this.context().store.get(this.context().store.type('secrets', ''), ns, ref.name);
      const values = (secret?.data ?? {}) as Record<string, string>;
      const raw = values.userData ?? values.value;
      if (!secret) error = `secrets "${ref.name}" not found`;
      else if (raw === undefined) error = `Secret ${ref.name} does not contain key userData`;
      else data = Buffer.from(raw, 'base64').toString('utf8');
    }
    if (data !== undefined) return data;
    logJson(this.log, 'error', LOGGER, 'Reconciler error', {
      baremetalhost: pass.key,
      error: `action "provisioning" failed: failed to provision: could not retrieve user data: ${error}`,
    });
    this.queue?.addAfter(pass.key, this.context().clock.scaled(ERROR_RETRY_MS));
    return undefined;
  }

  private provisioned(pass: Pass, machine: SimHost | undefined): void {
    const bmh = pass.bmh;
    const provisioned = pass.status.provisioning;
    const imageChanged = (bmh.spec?.image?.url ?? '') !== (provisioned?.image?.url ?? '');
    const deployChanged =
      (bmh.spec?.customDeploy?.method ?? '') !== (provisioned?.customDeploy?.method ?? '');
    if (!wantsProvisioning(bmh) || imageChanged || deployChanged) {
      pass.events.push(['DeprovisioningStarted', 'Image deprovisioning started']);
      this.setState(pass, 'deprovisioning');
      pass.again = true;
      return;
    }
    this.managePower(pass, machine);
  }

  private externallyProvisioned(pass: Pass, machine: SimHost | undefined): void {
    if (!pass.bmh.spec?.externallyProvisioned) {
      this.setState(pass, pass.status.hardware ? 'preparing' : 'inspecting');
      pass.again = true;
      return;
    }
    this.managePower(pass, machine);
  }

  private deprovisioning(pass: Pass, machine: SimHost | undefined): void {
    this.timed(pass, SIM_TIMINGS.deprovisioningMs, '', () => {
      if (machine) {
        machine.configDrive = undefined;
        if (machine.power === 'On') this.setMachinePower(machine, 'Off', 'deprovisioned');
      }
      const provisioning = (pass.status.provisioning ??= {});
      provisioning.image = { url: '' };
      delete provisioning.customDeploy;
      pass.status.poweredOn = false;
      this.clearError(pass);
      pass.events.push(['DeprovisioningComplete', 'Image deprovisioning completed']);
      this.setState(pass, 'available');
      pass.again = true;
    });
  }

  /**
   * spec.online and the reboot annotations on a provisioned host (BMO manageHostPower): a reboot
   * request powers the host off; once it is off the suffix-less key is removed, and the host
   * comes back on when no suffixed key is left to hold it off.
   */
  private managePower(pass: Pass, machine: SimHost | undefined): void {
    if (!machine) return;
    const annotations = pass.bmh.metadata.annotations ?? {};
    const reboot = rebootRequest(annotations);
    let desired = pass.bmh.spec?.online === true;
    if (reboot) {
      for (const key of reboot.invalid) {
        pass.events.push([
          'InvalidAnnotationValue',
          `could not parse reboot annotation (${key}) - invalid json, assuming soft-reboot`,
        ]);
      }
      if (machine.power === 'Off' && reboot.suffixless) {
        delete annotations[ANNOTATION_REBOOT];
        pass.bmh.metadata.annotations = annotations;
      }
      if (reboot.suffixed.length > 0 || (reboot.suffixless && machine.power === 'On')) desired = false;
    }
    if (desired && machine.power === 'Off') {
      this.setMachinePower(machine, 'On', reboot ? 'reboot' : 'online');
      pass.status.poweredOn = true;
      pass.events.push(['PowerOn', 'Host powered on']);
    } else if (!desired && machine.power === 'On') {
      this.powerOff(pass, machine, reboot?.mode ?? 'soft', reboot ? 'reboot' : 'online=false');
      if (reboot) this.queue?.addAfter(pass.key, this.context().clock.scaled(POWER_ACTION_MS));
    }
  }

  private powerOff(pass: Pass, machine: SimHost, mode: 'soft' | 'hard', why: string): void {
    this.setMachinePower(machine, 'Off', `${why} (${mode} power off)`);
    pass.status.poweredOn = false;
    pass.events.push(['PowerOff', mode === 'soft' ? 'Host soft powered off' : 'Host powered off']);
  }

  /**
   * A host marked for deletion (the apiserver keeps it while finalizers remain): powering off
   * before delete, deleting, then BMO drops its finalizer. The simulated store deletes objects at
   * once, so this path only runs for hosts that arrive with a deletionTimestamp.
   */
  private deleting(pass: Pass): void {
    const state = stateOf(pass.bmh);
    const machine = this.context().hosts.get(pass.bmh.metadata.name);
    if (state !== 'powering off before delete' && state !== 'deleting') {
      this.setState(pass, 'powering off before delete');
      pass.again = true;
      return;
    }
    if (state === 'powering off before delete') {
      this.timed(pass, POWER_OFF_BEFORE_DELETE_MS, '', () => {
        if (machine?.power === 'On') this.setMachinePower(machine, 'Off', 'host deleted');
        pass.status.poweredOn = false;
        this.setState(pass, 'deleting');
        pass.again = true;
      });
      return;
    }
    const finalizers = pass.bmh.metadata.finalizers ?? [];
    if (finalizers.includes(FINALIZER)) {
      pass.bmh.metadata.finalizers = finalizers.filter((f) => f !== FINALIZER);
    }
    if ((pass.bmh.metadata.finalizers ?? []).length === 0) {
      const { namespace, name } = splitKey(pass.key);
      queueMicrotask(() => {
        try {
          this.context().store.delete(this.bmhType(), namespace, name);
        } catch {
          // already gone
        }
      });
    }
  }
}

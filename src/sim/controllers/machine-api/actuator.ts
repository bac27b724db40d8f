/**
 * The Metal3 machine actuator (cluster-api-provider-baremetal actuator.go) plus the parts of the
 * machine controller around it: a Machine is given a BareMetalHost (one already consuming it,
 * else a free available host matching hostSelector, at random), the host is asked to provision
 * (image, userData, consumerRef, online), the Machine records the link, the host's state, its
 * providerID and addresses, and walks Provisioning -> Provisioned -> Running.
 */
import type { KubeObject } from '../../kube/types.js';
import { stateOf, type BareMetalHost } from '../metal3/bmh.js';
import { logJson } from '../metal3/controller-log.js';
import { objectKeyOf, splitKey } from '../metal3/work-queue.js';
import {
  ANNOTATION_HOST,
  ANNOTATION_INSTANCE_STATE,
  MACHINE_API_VERSION,
  providerIdFor,
  selectorMatches,
  type Machine,
  type MachineAddress,
} from './machine.js';
import { linkMachineToNode } from './nodelink.js';
import { machineKey, writeChanges, type MachineApi } from './shared.js';

const LOGGER = 'machine-controller';

function consumes(bmh: BareMetalHost, machine: KubeObject): boolean {
  const ref = bmh.spec?.consumerRef;
  return (
    ref?.kind === 'Machine' &&
    ref.apiVersion === MACHINE_API_VERSION &&
    ref.name === machine.metadata.name &&
    ref.namespace === machine.metadata.namespace
  );
}

function chooseHost(api: MachineApi, machine: Machine): BareMetalHost | undefined {
  const hosts = api.ctx.store.list(api.types.hosts, { namespace: machine.metadata.namespace })
    .items as BareMetalHost[];
  const mine = hosts.find((h) => consumes(h, machine));
  if (mine) return mine;
  const selector = machine.spec?.providerSpec?.value?.hostSelector;
  const free = hosts.filter(
    (h) =>
      !h.spec?.consumerRef &&
      !h.metadata.deletionTimestamp &&
      ['ready', 'available'].includes(stateOf(h)) &&
      !h.status?.errorMessage &&
      !h.spec?.externallyProvisioned &&
      selectorMatches(selector, h.metadata.labels),
  );
  return free[Math.floor(Math.random() * free.length)];
}

/** provisionHost: what CAPBM writes on the chosen host. */
function provisionHost(api: MachineApi, host: BareMetalHost, machine: Machine): BareMetalHost {
  const ps = machine.spec?.providerSpec?.value ?? {};
  const next = structuredClone(host);
  const spec = (next.spec ??= {});
  if (ps.image?.url) {
    spec.image = { url: ps.image.url, checksum: ps.image.checksum ?? '' };
    if (ps.image.checksumType) spec.image.checksumType = ps.image.checksumType;
    if (ps.image.format) spec.image.format = ps.image.format;
  } else if (ps.customDeploy?.method) {
    spec.customDeploy = { method: ps.customDeploy.method };
  }
  if (ps.userData?.name) {
    spec.userData = {
      name: ps.userData.name,
      namespace: ps.userData.namespace || machine.metadata.namespace,
    };
  }
  spec.consumerRef = {
    apiVersion: MACHINE_API_VERSION,
    kind: 'Machine',
    name: machine.metadata.name,
    namespace: machine.metadata.namespace,
  };
  spec.online = true;
  return writeChanges(api, api.types.hosts, host, next) as BareMetalHost;
}

function addressesOf(host: BareMetalHost): MachineAddress[] {
  const hw = host.status?.hardware;
  const out: MachineAddress[] = [];
  for (const nic of hw?.nics ?? []) if (nic.ip) out.push({ type: 'InternalIP', address: nic.ip });
  if (hw?.hostname) {
    out.push({ type: 'Hostname', address: hw.hostname });
    out.push({ type: 'InternalDNS', address: hw.hostname });
  }
  return out;
}

export function reconcileMachine(api: MachineApi, namespace: string | undefined, name: string): void {
  const store = api.ctx.store;
  const current = store.get(api.types.machines, namespace, name) as Machine | undefined;
  if (!current || current.metadata.deletionTimestamp) return;
  const machine = structuredClone(current);
  const key = objectKeyOf(namespace, name);
  const annotations = (machine.metadata.annotations ??= {});
  const status = (machine.status ??= {});
  const linked = annotations[ANNOTATION_HOST];
  let host: BareMetalHost | undefined;
  if (linked) {
    const ref = splitKey(linked);
    host = store.get(api.types.hosts, ref.namespace, ref.name) as BareMetalHost | undefined;
  }
  if (!host) {
    // Create: the machine controller marks it Provisioning, then the actuator looks for a host.
    status.phase ??= 'Provisioning';
    const chosen = chooseHost(api, machine);
    if (!chosen) {
      status.errorReason = 'InsufficientResources';
      status.errorMessage = 'No available BareMetalHost found';
      api.waitingForHost.add(key);
      if (status.phase !== current.status?.phase || status.errorReason !== current.status?.errorReason) {
        logJson(api.log, 'info', LOGGER, `${name}: No available BareMetalHost found`, { namespace });
      }
      writeChanges(api, api.types.machines, current, machine, { stampStatus: true });
      return;
    }
    api.waitingForHost.delete(key);
    host = consumesAlready(chosen, machine) ? chosen : provisionHost(api, chosen, machine);
    annotations[ANNOTATION_HOST] = objectKeyOf(host.metadata.namespace, host.metadata.name);
    annotations[ANNOTATION_INSTANCE_STATE] = stateOf(host);
    delete status.errorReason;
    delete status.errorMessage;
    logJson(api.log, 'info', LOGGER, `${name}: associated with host ${host.metadata.name}`, { namespace });
    writeChanges(api, api.types.machines, current, machine, { stampStatus: true });
    api.queue.add(machineKey(key));
    return;
  }
  // Update: state annotation, providerID, addresses, and the node link.
  annotations[ANNOTATION_INSTANCE_STATE] = stateOf(host);
  const spec = (machine.spec ??= {});
  spec.providerID = providerIdFor(host.metadata.namespace ?? '', host.metadata.name, host.metadata.uid ?? '');
  const addresses = addressesOf(host);
  if (addresses.length > 0) status.addresses = addresses;
  if (!status.nodeRef) linkMachineToNode(api, machine);
  status.phase = status.nodeRef ? 'Running' : 'Provisioned';
  writeChanges(api, api.types.machines, current, machine, { stampStatus: true });
  if (status.nodeRef) copyProviderIdToNode(api, status.nodeRef.name, spec.providerID);
}

function consumesAlready(host: BareMetalHost, machine: Machine): boolean {
  return (
    consumes(host, machine) && (Boolean(host.spec?.image?.url) || Boolean(host.spec?.customDeploy?.method))
  );
}

function copyProviderIdToNode(api: MachineApi, nodeName: string, providerID: string): void {
  const node = api.ctx.store.get(api.types.nodes, undefined, nodeName);
  const spec = (node?.spec ?? {}) as Record<string, unknown>;
  if (!node || spec.providerID === providerID) return;
  writeChanges(api, api.types.nodes, node, { ...node, spec: { ...spec, providerID } });
}

/**
 * Machine deletion (CAPBM Delete): the host loses its image, userData and online; once it is
 * deprovisioned its consumerRef is cleared. The simulated store has already removed the Machine
 * (no finalizers), so the wait for deprovisioning is kept here.
 */
export function releaseHost(api: MachineApi, machine: Machine): void {
  const store = api.ctx.store;
  const linked = machine.metadata.annotations?.[ANNOTATION_HOST];
  const hosts = store.list(api.types.hosts, { namespace: machine.metadata.namespace })
    .items as BareMetalHost[];
  const host =
    hosts.find(
      (h) => linked === objectKeyOf(h.metadata.namespace, h.metadata.name) && consumes(h, machine),
    ) ?? hosts.find((h) => consumes(h, machine));
  if (!host) return;
  const next = structuredClone(host);
  const spec = (next.spec ??= {});
  delete spec.image;
  delete spec.customDeploy;
  delete spec.userData;
  spec.online = false;
  writeChanges(api, api.types.hosts, host, next);
  const key = objectKeyOf(host.metadata.namespace, host.metadata.name);
  api.releasing.set(key, machine.metadata.name);
  finishRelease(api, key);
}

const STILL_PROVISIONED = ['provisioning', 'provisioned', 'externally provisioned', 'deprovisioning'];

/** Clears the consumerRef of a released host once it is no longer provisioned. */
export function finishRelease(api: MachineApi, hostKey: string): void {
  const machineName = api.releasing.get(hostKey);
  if (machineName === undefined) return;
  const { namespace, name } = splitKey(hostKey);
  const host = api.ctx.store.get(api.types.hosts, namespace, name) as BareMetalHost | undefined;
  if (!host || host.spec?.consumerRef?.name !== machineName) {
    api.releasing.delete(hostKey);
    return;
  }
  if (STILL_PROVISIONED.includes(stateOf(host))) return;
  const next = structuredClone(host);
  delete next.spec?.consumerRef;
  writeChanges(api, api.types.hosts, host, next);
  api.releasing.delete(hostKey);
}

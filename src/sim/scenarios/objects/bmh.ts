/**
 * BareMetalHosts and their BMC credentials secrets (metal3-redfish-csr.md §1-3). Masters are
 * externally provisioned; workers go registering -> inspecting -> available -> provisioning ->
 * provisioned. Hardware data is what inspection reported; the Machine controller copies its
 * NIC IPs and hostname into the Machine's addresses.
 */
import { hardwareInventory } from '../../controllers/metal3/hardware.js';
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../kube/types.js';
import type { SimNetwork } from '../../network.js';
import { b64, iso, MACHINE_API_NS, meta } from './meta.js';

/** The System of the DMTF public-rackmount1 mockup the simulated BMCs serve. */
export const REDFISH_SYSTEM_ID = '437XR1138R2';

export type BmhState =
  'externally provisioned' | 'provisioned' | 'provisioning' | 'available' | 'registering';

export interface BmhPlan {
  name: string;
  role: 'master' | 'worker';
  /** Network-plan index (workers) or master index. */
  index: number;
  ip: string;
  mac: string;
  /** `hardware.hostname` as inspection reported it. */
  inspectedHostname: string;
  state: BmhState;
  poweredOn: boolean;
  online: boolean;
  consumer?: KubeObject;
  userDataSecret?: string;
  /** The BMC refused the credentials in the secret (BMO: registration error). */
  registrationError?: boolean;
  created: Date;
  /** When the current operation started (provisioning) or ended (provisioned). */
  stateSince: Date;
}

export function bmcAddress(network: SimNetwork, index: number): string {
  return `redfish-virtualmedia://${network.bmcIp(index)}:${network.bmcPort}/redfish/v1/Systems/${REDFISH_SYSTEM_ID}`;
}

export function bootMac(role: 'master' | 'worker', octet: number, index: number): string {
  const h = (n: number): string => n.toString(16).padStart(2, '0');
  return `52:54:${role === 'master' ? '01' : '00'}:${h(octet)}:${h((index >> 8) & 0xff)}:${h(index & 0xff)}`;
}

export function bmcSecret(name: string, username: string, password: string, created: Date): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(`${name}-bmc-secret`, created, { namespace: MACHINE_API_NS }),
    data: { password: b64(password), username: b64(username) },
    type: 'Opaque',
  };
}

/** Ironic's message when the BMC refuses the credentials (sushy AccessError wrapped by the power interface). */
export function registrationAuthError(network: SimNetwork, index: number, nodeId: string): string {
  const url = `https://${network.bmcIp(index)}:${network.bmcPort}/redfish/v1/Systems/${REDFISH_SYSTEM_ID}`;
  return (
    `Failed to get power state for node ${nodeId}. Error: Redfish exception occurred. ` +
    `Error: HTTP GET ${url} returned code 401. Base.1.0.GeneralError: ` +
    `While attempting to establish a connection to /redfish/v1/Systems/${REDFISH_SYSTEM_ID}, the service denied access.`
  );
}

export function bareMetalHost(plan: BmhPlan, network: SimNetwork, credentialsVersion: string): KubeObject {
  const external = plan.state === 'externally provisioned';
  const inspected = plan.state !== 'registering';
  const credentials = {
    credentials: { name: `${plan.name}-bmc-secret`, namespace: MACHINE_API_NS },
    credentialsVersion,
  };
  const registered = new Date(plan.created.getTime() + 5_000);
  const inspectedAt = new Date(plan.created.getTime() + 65_000);
  const op = (start: Date | null, end: Date | null): Record<string, string | null> => ({
    end: end ? iso(end) : null,
    start: start ? iso(start) : null,
  });
  const provisioned = plan.state === 'provisioned';
  const nodeId = randomUUID();
  const errorMessage = plan.registrationError ? registrationAuthError(network, plan.index, nodeId) : '';
  const status: Record<string, unknown> = {
    errorCount: plan.registrationError ? 3 : 0,
    errorMessage,
    ...(plan.registrationError ? { errorType: 'registration error' } : {}),
    ...(inspected && !plan.registrationError ? { goodCredentials: credentials } : {}),
    ...(inspected
      ? {
          hardware: hardwareInventory({
            hostname: plan.inspectedHostname,
            ip: plan.ip,
            mac: plan.mac,
            index: plan.index,
          }),
        }
      : {}),
    hardwareProfile: inspected ? 'unknown' : '',
    lastUpdated: iso(plan.stateSince),
    operationHistory: {
      deprovision: op(null, null),
      inspect: external || !inspected ? op(null, null) : op(registered, inspectedAt),
      provision:
        plan.state === 'provisioning'
          ? op(plan.stateSince, null)
          : provisioned
            ? op(new Date(plan.stateSince.getTime() - 120_000), plan.stateSince)
            : op(null, null),
      register: op(plan.created, plan.registrationError ? null : registered),
    },
    operationalStatus: plan.registrationError ? 'error' : 'OK',
    poweredOn: plan.poweredOn,
    provisioning: {
      ID: nodeId,
      bootMode: 'UEFI',
      image: { url: '' },
      ...(plan.state === 'provisioning' || provisioned ? { customDeploy: { method: 'install_coreos' } } : {}),
      rootDeviceHints: { deviceName: '/dev/sda' },
      state: plan.state,
    },
    triedCredentials: credentials,
  };
  return {
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: meta(plan.name, plan.created, {
      namespace: MACHINE_API_NS,
      finalizers: ['baremetalhost.metal3.io'],
      generation: 1,
      ...(plan.role === 'master' ? { labels: { 'installer.openshift.io/role': 'control-plane' } } : {}),
    }),
    spec: {
      architecture: 'x86_64',
      automatedCleaningMode: 'metadata',
      bmc: {
        address: bmcAddress(network, plan.index),
        credentialsName: `${plan.name}-bmc-secret`,
        disableCertificateVerification: true,
      },
      bootMACAddress: plan.mac,
      bootMode: 'UEFI',
      ...(plan.consumer
        ? {
            consumerRef: {
              apiVersion: plan.consumer.apiVersion,
              kind: plan.consumer.kind,
              name: plan.consumer.metadata.name,
              namespace: plan.consumer.metadata.namespace,
            },
          }
        : {}),
      ...(plan.consumer && !external ? { customDeploy: { method: 'install_coreos' } } : {}),
      ...(external ? { externallyProvisioned: true } : {}),
      hardwareProfile: 'unknown',
      online: plan.online,
      rootDeviceHints: { deviceName: '/dev/sda' },
      ...(plan.userDataSecret ? { userData: { name: plan.userDataSecret, namespace: MACHINE_API_NS } } : {}),
    },
    status,
  };
}

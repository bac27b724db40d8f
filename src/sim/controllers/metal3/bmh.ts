/** The BareMetalHost fields the simulated BMO and CAPBM read and write (metal3.io/v1alpha1). */
import type { KubeObject } from '../../kube/types.js';

export type ProvisioningState =
  | ''
  | 'unmanaged'
  | 'registering'
  | 'match profile'
  | 'preparing'
  | 'ready'
  | 'available'
  | 'provisioning'
  | 'provisioned'
  | 'externally provisioned'
  | 'deprovisioning'
  | 'inspecting'
  | 'powering off before delete'
  | 'deleting';

export type OperationalStatus = '' | 'OK' | 'discovered' | 'error' | 'delayed' | 'detached' | 'servicing';

export type ErrorType =
  | 'provisioned registration error'
  | 'registration error'
  | 'inspection error'
  | 'preparation error'
  | 'provisioning error'
  | 'power management error'
  | 'servicing error';

export interface BmhImage {
  url: string;
  checksum?: string;
  checksumType?: string;
  format?: string;
}

export interface SecretRef {
  name: string;
  namespace?: string;
}

export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
}

export interface BmhSpec {
  online?: boolean;
  bmc?: { address?: string; credentialsName?: string; disableCertificateVerification?: boolean };
  bootMACAddress?: string;
  consumerRef?: ObjectRef;
  image?: BmhImage;
  customDeploy?: { method: string };
  userData?: SecretRef;
  externallyProvisioned?: boolean;
  inspectionMode?: string;
  [key: string]: unknown;
}

export interface CredentialsStatus {
  credentials?: { name: string; namespace: string };
  credentialsVersion?: string;
}

export interface BmhNic {
  name: string;
  mac: string;
  ip: string;
  [key: string]: unknown;
}

export interface BmhHardware {
  hostname?: string;
  nics?: BmhNic[];
  [key: string]: unknown;
}

export interface BmhStatus {
  operationalStatus?: OperationalStatus;
  errorType?: ErrorType;
  errorMessage?: string;
  errorCount?: number;
  poweredOn?: boolean;
  lastUpdated?: string;
  hardwareProfile?: string;
  hardware?: BmhHardware;
  goodCredentials?: CredentialsStatus;
  triedCredentials?: CredentialsStatus;
  provisioning?: {
    state?: ProvisioningState;
    ID?: string;
    image?: BmhImage;
    bootMode?: string;
    rootDeviceHints?: Record<string, unknown>;
    customDeploy?: { method: string };
    [key: string]: unknown;
  };
  operationHistory?: Record<string, { start?: string | null; end?: string | null }>;
  [key: string]: unknown;
}

export interface BareMetalHost extends KubeObject {
  spec?: BmhSpec;
  status?: BmhStatus;
}

export const BMH_NAMESPACE = 'openshift-machine-api';
export const EVENT_COMPONENT = 'metal3-baremetal-controller';

export const ANNOTATION_PAUSED = 'baremetalhost.metal3.io/paused';
export const ANNOTATION_DETACHED = 'baremetalhost.metal3.io/detached';
export const ANNOTATION_INSPECT = 'inspect.metal3.io';
export const ANNOTATION_REBOOT = 'reboot.metal3.io';
export const FINALIZER = 'baremetalhost.metal3.io';

export function asBmh(obj: KubeObject): BareMetalHost {
  return obj as BareMetalHost;
}

export function stateOf(bmh: BareMetalHost): ProvisioningState {
  return bmh.status?.provisioning?.state ?? '';
}

export function inspectionDisabled(bmh: BareMetalHost): boolean {
  return (
    bmh.spec?.inspectionMode === 'disabled' || bmh.metadata.annotations?.[ANNOTATION_INSPECT] === 'disabled'
  );
}

/** An image or customDeploy is requested (what makes an available host provision). */
export function wantsProvisioning(bmh: BareMetalHost): boolean {
  return Boolean(bmh.spec?.image?.url) || Boolean(bmh.spec?.customDeploy?.method);
}

export function hasBmcDetails(bmh: BareMetalHost): boolean {
  return Boolean(bmh.spec?.bmc?.address) || Boolean(bmh.spec?.bmc?.credentialsName);
}

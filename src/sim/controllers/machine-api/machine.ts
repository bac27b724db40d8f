/** Machine and MachineSet fields (machine.openshift.io/v1beta1) and the CAPBM providerSpec. */
import type { KubeObject } from '../../kube/types.js';

export const MACHINE_API_VERSION = 'machine.openshift.io/v1beta1';
export const ANNOTATION_HOST = 'metal3.io/BareMetalHost';
export const ANNOTATION_INSTANCE_STATE = 'machine.openshift.io/instance-state';
export const ANNOTATION_NODE_MACHINE = 'machine.openshift.io/machine';
export const ANNOTATION_DELETE_MACHINE = 'machine.openshift.io/delete-machine';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface BaremetalProviderSpec {
  image?: { url?: string; checksum?: string; checksumType?: string; format?: string };
  customDeploy?: { method?: string };
  userData?: { name?: string; namespace?: string };
  hostSelector?: LabelSelector;
  [key: string]: unknown;
}

export interface MachineAddress {
  type: 'InternalIP' | 'ExternalIP' | 'Hostname' | 'InternalDNS' | 'ExternalDNS';
  address: string;
}

export interface Machine extends KubeObject {
  spec?: {
    providerID?: string;
    providerSpec?: { value?: BaremetalProviderSpec };
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    taints?: { key: string; value?: string; effect: string }[];
    [key: string]: unknown;
  };
  status?: {
    phase?: string;
    errorReason?: string;
    errorMessage?: string;
    addresses?: MachineAddress[];
    nodeRef?: { kind: string; name: string; uid?: string };
    lastUpdated?: string;
    [key: string]: unknown;
  };
}

export interface MachineSet extends KubeObject {
  spec?: {
    replicas?: number;
    deletePolicy?: 'Random' | 'Newest' | 'Oldest';
    selector?: LabelSelector;
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: Machine['spec'];
    };
  };
  status?: Record<string, unknown>;
}

/** metav1.LabelSelector semantics (matchLabels AND matchExpressions). An empty selector matches all. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function providerIdFor(namespace: string, name: string, uid: string): string {
  return `baremetalhost:///${namespace}/${name}/${uid}`;
}

export function internalIps(addresses: MachineAddress[] | undefined): string[] {
  return (addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
}

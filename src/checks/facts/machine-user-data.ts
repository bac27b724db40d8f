/**
 * Which user-data secret a MachineSet (or a Machine) hands to the machines it creates, on every
 * platform. Two shapes exist in `spec[.template.spec].providerSpec.value`:
 *
 * - `userDataSecret`: AWS, GCP, vSphere (openshift/api machine/v1beta1 types_awsprovider.go,
 *   types_gcpprovider.go, types_vsphereprovider.go: `*corev1.LocalObjectReference`, `{name}`),
 *   Azure (types_azureprovider.go: `*corev1.SecretReference`, `{name, namespace}`), Nutanix and
 *   Alibaba (machine/v1: LocalObjectReference), PowerVS (machine/v1 `PowerVSSecretReference`,
 *   `{name}`), OpenStack (machine/v1alpha1 types_openstack.go: SecretReference).
 * - `userData`: bare metal (openshift/cluster-api-provider-baremetal
 *   pkg/apis/baremetal/v1alpha1/baremetalmachineproviderspec_types.go: `*corev1.SecretReference`,
 *   `{name, namespace}`).
 *
 * A reference without a namespace means the Machine's own namespace (openshift-machine-api).
 */
import type { KubeObject } from '../../sources/types.js';
import { MACHINE_API_NAMESPACE } from '../snapshot.js';

export type UserDataField = 'userData' | 'userDataSecret';

export interface MachineUserDataRef {
  name: string;
  namespace: string;
  /** The providerSpec field it was read from. */
  field: UserDataField;
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `providerSpec.value` of a Machine, or of a MachineSet's machine template. */
export function providerSpecValue(obj: KubeObject): Obj {
  const spec = o(obj['spec']);
  const machineSpec = obj.kind === 'MachineSet' || 'template' in spec ? o(o(spec['template'])['spec']) : spec;
  return o(o(machineSpec['providerSpec'])['value']);
}

/** The user-data secret a providerSpec value names, from whichever of the two fields holds it. */
export function userDataRefOf(value: Obj, defaultNamespace: string): MachineUserDataRef | undefined {
  for (const field of ['userDataSecret', 'userData'] as const) {
    const ref = o(value[field]);
    const name = s(ref['name']);
    if (name) return { name, namespace: s(ref['namespace']) ?? defaultNamespace, field };
  }
  return undefined;
}

/** The user-data secret a Machine or MachineSet names, if any. */
export function machineUserDataRef(obj: KubeObject): MachineUserDataRef | undefined {
  return userDataRefOf(providerSpecValue(obj), obj.metadata.namespace ?? MACHINE_API_NAMESPACE);
}

/** The platform a providerSpec value is for, from its `kind` (`AWSMachineProviderConfig` -> `AWS`). */
export function providerKind(obj: KubeObject): string | undefined {
  const kind = s(providerSpecValue(obj)['kind']);
  return kind?.replace(/Machine(Provider(Spec|Config))?$|ProviderSpec$|ProviderConfig$/, '') || undefined;
}

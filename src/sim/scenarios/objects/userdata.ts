/**
 * Pointer Ignition configs and the user-data secrets that carry them (mco.md §3).
 *  - The installer's `<role>-user-data` is compact JSON (only the fields set).
 *  - The MCO's `<role>-user-data-managed` is a marshalled ign3types.Config, so every struct
 *    field appears, empty ones as `{}`.
 *  - Old (4.5-era) installs wrote spec 2 stubs with `config.append`.
 * On bare metal the source host is the API VIP, not the api-int name.
 */
import type { KubeObject } from '../../kube/types.js';
import type { SimNetwork } from '../../network.js';
import { b64, MACHINE_API_NS, meta } from './meta.js';

export type PointerStyle = 'installer' | 'mco-managed' | 'spec2';

export function caDataUrl(pem: string): string {
  return `data:text/plain;charset=utf-8;base64,${b64(pem)}`;
}

export function pointerSourceUrl(network: SimNetwork, role: string, host: 'vip' | 'api-int' = 'vip'): string {
  const name = host === 'vip' ? network.apiVip : network.apiIntName;
  return `https://${name}:${network.mcsPort}/config/${role}`;
}

export function pointerConfig(source: string, caPems: string[], style: PointerStyle): string {
  const cas = caPems.map((pem) => caDataUrl(pem));
  switch (style) {
    case 'installer':
      return JSON.stringify({
        ignition: {
          config: { merge: [{ source }] },
          security: { tls: { certificateAuthorities: cas.map((s) => ({ source: s })) } },
          version: '3.2.0',
        },
      });
    case 'mco-managed':
      return JSON.stringify({
        ignition: {
          config: { merge: [{ source, verification: {} }], replace: { verification: {} } },
          proxy: {},
          security: { tls: { certificateAuthorities: cas.map((s) => ({ source: s, verification: {} })) } },
          timeouts: {},
          version: '3.2.0',
        },
        passwd: {},
        storage: {},
        systemd: {},
      });
    case 'spec2':
      return JSON.stringify({
        ignition: {
          config: { append: [{ source, verification: {} }] },
          security: { tls: { certificateAuthorities: cas.map((s) => ({ source: s, verification: {} })) } },
          timeouts: {},
          version: '2.2.0',
        },
        networkd: {},
        passwd: {},
        storage: {},
        systemd: {},
      });
  }
}

/** `disableTemplating` as the installer and the MCO write it: base64 "true\n". */
const DISABLE_TEMPLATING = 'true\n';

export function installerUserDataSecret(
  role: 'master' | 'worker',
  pointer: string,
  created: Date,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(`${role}-user-data`, created, { namespace: MACHINE_API_NS }),
    data: { disableTemplating: b64(DISABLE_TEMPLATING), userData: b64(pointer) },
    type: 'Opaque',
  };
}

/** A user-data secret written by hand (`oc create secret generic NAME --from-file=userData=...`). */
export function userDataSecret(name: string, pointer: string, created: Date): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(name, created, { namespace: MACHINE_API_NS }),
    data: { userData: b64(pointer) },
    type: 'Opaque',
  };
}

export const MANAGED_CA_LABEL = 'machineconfiguration.openshift.io/managed-ca-bundle-derived-from-configmap';

export function managedUserDataSecret(
  pool: KubeObject,
  pointer: string,
  created: Date,
  caFromConfigMap: boolean,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(`${pool.metadata.name}-user-data-managed`, created, {
      namespace: MACHINE_API_NS,
      ...(caFromConfigMap ? { labels: { [MANAGED_CA_LABEL]: 'true' } } : {}),
      ownerReferences: [
        {
          apiVersion: pool.apiVersion,
          kind: pool.kind,
          name: pool.metadata.name,
          uid: pool.metadata.uid ?? '',
        },
      ],
    }),
    data: { disableTemplating: b64(DISABLE_TEMPLATING), userData: b64(pointer) },
    type: 'Opaque',
  };
}

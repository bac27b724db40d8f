/**
 * Facts from a handful of objects, as buildFacts makes them from any source: a ClusterSource
 * over an in-memory list (every read is a list by type and namespace) and pod logs by pod name.
 */
import { buildFacts, type DiagnoseOptions, type Facts } from '../../src/checks/facts/index.js';
import { gatherSnapshot } from '../../src/checks/snapshot.js';
import type { IssuedCert } from '../../src/pki/issue.js';
import type { ClusterSource, KubeObject } from '../../src/sources/types.js';

export const MAPI = 'openshift-machine-api';
export const MCO = 'openshift-machine-config-operator';
export const DAY = 86_400_000;

export interface FakeCluster {
  objects: KubeObject[];
  logs?: Record<string, string>;
  kind?: 'live' | 'must-gather';
  now: Date;
  options?: Partial<DiagnoseOptions>;
}

export function objectSource(c: FakeCluster): ClusterSource {
  return {
    kind: c.kind ?? 'must-gather',
    location: 'test objects',
    redactsSecrets: false,
    collectedAt: c.now,
    stats: () => ({ requests: 0 }),
    close: async () => {},
    list: async (ref, ns) => ({
      ok: true,
      value: c.objects.filter(
        (o) => o.kind === ref.kind && (ns === undefined || !ref.namespaced || o.metadata.namespace === ns),
      ),
    }),
    podLog: async (_ns, pod) =>
      c.logs?.[pod] !== undefined
        ? { ok: true, value: c.logs[pod]! }
        : { ok: false, reason: 'not-collected', message: `no log of ${pod}` },
  };
}

export async function factsOf(c: FakeCluster): Promise<Facts> {
  return buildFacts(await gatherSnapshot(objectSource(c)), {
    bmc: 'never',
    probe: false,
    expiryWarningDays: 30,
    now: c.now,
    probeTimeoutMs: 1000,
    ...c.options,
  });
}

export function clusterVersion(version: string): KubeObject {
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterVersion',
    metadata: { name: 'version' },
    status: { history: [{ state: 'Completed', version }] },
  };
}

export function tlsSecret(
  namespace: string,
  name: string,
  cert: IssuedCert,
  annotations: Record<string, string> = {},
  type = 'kubernetes.io/tls',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, annotations },
    type,
    data: {
      'tls.crt': Buffer.from(cert.certPem).toString('base64'),
      'tls.key': Buffer.from(cert.keyPem).toString('base64'),
    },
  };
}

export function opaqueSecret(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** A BareMetalHost being provisioned as a worker: diagnose selects it. */
export function provisioningHost(name: string, ip = '192.0.2.20'): KubeObject {
  return {
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: { name, namespace: MAPI },
    spec: {
      online: true,
      bmc: { address: `redfish://192.0.2.200/redfish/v1/Systems/${name}`, credentialsName: `${name}-bmc` },
      userData: { name: 'worker-user-data-managed', namespace: MAPI },
      image: { url: 'http://images.example/rhcos.qcow2' },
    },
    status: { provisioning: { state: 'provisioning' }, hardware: { nics: [{ ip }] } },
  };
}

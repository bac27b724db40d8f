/** A simulated API server on its own 127.x address with a few realistic objects, and a kubeconfig for it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate } from '../../../src/pki/issue.js';
import { startApiServer, type ApiServer } from '../../../src/sim/apiserver/api-server.js';
import { writeKubeconfig } from '../../../src/sim/apiserver/kubeconfig-file.js';
import type { ApiFaults } from '../../../src/sim/apiserver/faults.js';
import { ObjectStore } from '../../../src/sim/kube/store.js';
import { RESOURCE_TYPES } from '../../../src/sim/kube/resources.js';
import type { KubeObject } from '../../../src/sim/kube/types.js';
import { LogBook } from '../../../src/sim/linelog.js';

export const MCO_NS = 'openshift-machine-config-operator';
export const MAPI_NS = 'openshift-machine-api';

export interface ApiFixture {
  store: ObjectStore;
  server: ApiServer;
  podLogs: LogBook;
  kubeconfig: string;
  dir: string;
  caPem: string;
  tokens: { admin: string; readOnly: string };
  close(): Promise<void>;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function seed(store: ObjectStore, podLogs: LogBook): void {
  const t = (n: string, g?: string) => store.type(n, g);
  for (const name of [MCO_NS, MAPI_NS, 'kube-system']) {
    store.create(t('namespaces', ''), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  for (const [i, suffix] of ['h79dr', 'lcksm', 'smptr'].entries()) {
    const name = `machine-config-server-${suffix}`;
    store.apply(t('pods', ''), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: MCO_NS, labels: { 'k8s-app': 'machine-config-server' } },
      spec: { nodeName: `master-${i}`, containers: [{ name: 'machine-config-server', image: 'mcs' }] },
      status: {
        phase: 'Running',
        podIP: `127.0.0.${10 + i}`,
        containerStatuses: [
          { name: 'machine-config-server', ready: true, restartCount: i, state: { running: {} } },
        ],
      },
    });
    const log = podLogs.log(LogBook.podKey(MCO_NS, name, 'machine-config-server'));
    log.append('I1123 10:00:00.000000       1 api.go:65] Launching server on :22623');
    if (i === 0) {
      log.restart();
      log.append('I1123 10:05:00.000000       1 api.go:65] Launching server on :22623');
      log.append(
        'I1123 10:06:00.000000       1 api.go:110] Pool worker requested by address:"127.0.1.10:43210"',
      );
    }
  }
  store.create(t('pods', ''), {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'machine-config-operator-abc',
      namespace: MCO_NS,
      labels: { 'k8s-app': 'machine-config-operator' },
    },
    spec: { containers: [{ name: 'machine-config-operator' }, { name: 'kube-rbac-proxy' }] },
  });
  store.create(t('secrets', ''), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'worker-0-bmc-secret', namespace: MAPI_NS },
    type: 'Opaque',
    data: { username: b64('admin'), password: b64('s3cret') },
  });
  store.create(t('secrets', ''), {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'worker-user-data', namespace: MAPI_NS },
    type: 'Opaque',
    data: { userData: b64('{"ignition":{"version":"3.2.0"}}') },
  });
  for (const name of ['worker-0', 'worker-1', 'worker-2', 'worker-3', 'worker-4']) {
    store.apply(t('baremetalhosts', 'metal3.io'), {
      apiVersion: 'metal3.io/v1alpha1',
      kind: 'BareMetalHost',
      metadata: { name, namespace: MAPI_NS, labels: { role: name === 'worker-0' ? 'new' : 'old' } },
      spec: {
        online: true,
        bmc: {
          address: 'redfish://127.0.0.1:8000/redfish/v1/Systems/1',
          credentialsName: `${name}-bmc-secret`,
        },
      },
      status: {
        provisioning: { state: name === 'worker-0' ? 'provisioning' : 'provisioned' },
        errorType: '',
        operationalStatus: 'OK',
      },
    });
  }
  for (const name of ['master-0', 'worker-1']) {
    store.apply(t('nodes', ''), {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { [`node-role.kubernetes.io/${name.startsWith('master') ? 'master' : 'worker'}`]: '' },
      },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.29.14' } },
    });
  }
  store.create(t('certificatesigningrequests', 'certificates.k8s.io'), {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: 'csr-abcde' },
    spec: {
      signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
      username: 'system:serviceaccount:openshift-machine-config-operator:node-bootstrapper',
      usages: ['digital signature', 'client auth'],
      request: b64('not a real request'),
    },
  });
}

export async function startApiFixture(
  opts: { faults?: ApiFaults; historyLimit?: number } = {},
): Promise<ApiFixture> {
  const host = `127.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 250)}.1`;
  const now = Date.now();
  const ca = await issueCertificate({
    subject: 'CN=kube-apiserver-lb-signer, OU=openshift',
    isCA: true,
    keyAlgorithm: 'ecdsa-p256',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
  });
  const serving = await issueCertificate({
    subject: 'CN=api.sim.example.test',
    keyAlgorithm: 'ecdsa-p256',
    issuer: ca,
    ipAddresses: [host],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
  });
  const store = new ObjectStore(RESOURCE_TYPES, () => new Date(), opts.historyLimit);
  const podLogs = new LogBook();
  seed(store, podLogs);
  const tokens = { admin: 'admin-token-0123456789abcdef', readOnly: 'readonly-token-0123456789abcdef' };
  const server = await startApiServer({
    store,
    host,
    port: 0,
    tls: { certPem: serving.certPem, keyPem: serving.keyPem },
    tokens,
    podLogs,
    faults: opts.faults,
  });
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-api-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, {
    server: server.url,
    caPem: ca.certPem,
    adminToken: tokens.admin,
    readOnlyToken: tokens.readOnly,
    clusterName: 'sim',
  });
  return {
    store,
    server,
    podLogs,
    kubeconfig,
    dir,
    caPem: ca.certPem,
    tokens,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function bmhOf(fx: ApiFixture, name: string): KubeObject | undefined {
  return fx.store.get(fx.store.type('bmh'), MAPI_NS, name);
}

/**
 * List latency of every BareMetalHost from the simulated API over HTTPS (keep-alive, as a real
 * client), with 1000 realistic hosts (about 2 KB each, like a provisioned BMH).
 */
import { Agent, request } from 'node:https';
import { issueCertificate } from '../src/pki/issue.js';
import { startApiServer } from '../src/sim/apiserver/api-server.js';
import { ObjectStore } from '../src/sim/kube/store.js';
import { LogBook } from '../src/sim/linelog.js';

function bmh(i: number): Record<string, unknown> {
  const name = `worker-${i}`;
  const mac = `52:54:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
  return {
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: {
      name,
      namespace: 'openshift-machine-api',
      labels: { 'installer.openshift.io/role': 'worker' },
    },
    spec: {
      automatedCleaningMode: 'metadata',
      bmc: {
        address: `redfish-virtualmedia://127.1.${128 + Math.floor(i / 200)}.${10 + (i % 200)}:8000/redfish/v1/Systems/437XR1138R2`,
        credentialsName: `${name}-bmc-secret`,
        disableCertificateVerification: true,
      },
      bootMACAddress: mac,
      consumerRef: {
        apiVersion: 'machine.openshift.io/v1beta1',
        kind: 'Machine',
        name: `sim-worker-0-${i}`,
        namespace: 'openshift-machine-api',
      },
      customDeploy: { method: 'install_coreos' },
      online: true,
      userData: { name: 'worker-user-data-managed', namespace: 'openshift-machine-api' },
    },
    status: {
      errorCount: 0,
      errorMessage: '',
      goodCredentials: {
        credentials: { name: `${name}-bmc-secret`, namespace: 'openshift-machine-api' },
        credentialsVersion: '1234',
      },
      hardware: {
        cpu: {
          arch: 'x86_64',
          clockMegahertz: 2100,
          count: 40,
          model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
        },
        hostname: name,
        nics: [
          {
            ip: `127.1.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`,
            mac,
            model: '0x8086 0x1572',
            name: 'eno1',
            pxe: true,
            speedGbps: 10,
          },
        ],
        ramMebibytes: 196608,
        storage: [
          {
            name: '/dev/sda',
            model: 'INTEL SSDSC2KB48',
            rotational: false,
            sizeBytes: 480103981056,
            type: 'SSD',
          },
        ],
        systemVendor: { manufacturer: 'Contoso', productName: '3500', serialNumber: '437XR1138R2' },
      },
      hardwareProfile: 'unknown',
      lastUpdated: '2026-11-23T10:00:00Z',
      operationalStatus: 'OK',
      poweredOn: true,
      provisioning: {
        ID: `0b3e3f6e-8d1c-4c7a-9a55-${String(i).padStart(12, '0')}`,
        bootMode: 'UEFI',
        image: { url: '' },
        state: 'provisioned',
      },
      triedCredentials: {
        credentials: { name: `${name}-bmc-secret`, namespace: 'openshift-machine-api' },
        credentialsVersion: '1234',
      },
    },
  };
}

export async function benchSimApiList(
  hosts = 1000,
): Promise<{ hosts: number; medianMs: number; p95Ms: number; bytes: number }> {
  const now = Date.now();
  const ca = await issueCertificate({
    subject: 'CN=bench-ca',
    isCA: true,
    keyAlgorithm: 'ecdsa-p256',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3_600_000),
  });
  const cert = await issueCertificate({
    subject: 'CN=bench',
    keyAlgorithm: 'ecdsa-p256',
    issuer: ca,
    ipAddresses: ['127.0.0.1'],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3_600_000),
  });
  const store = new ObjectStore();
  store.create(store.type('namespaces', ''), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'openshift-machine-api' },
  });
  const t = store.type('bmh');
  for (let i = 0; i < hosts; i += 1) store.apply(t, bmh(i) as never);
  const server = await startApiServer({
    store,
    host: '127.0.0.1',
    tls: { certPem: cert.certPem, keyPem: cert.keyPem },
    tokens: { admin: 'bench-admin', readOnly: 'bench-ro' },
    podLogs: new LogBook(),
  });
  const agent = new Agent({ keepAlive: true, ca: ca.certPem });
  const once = (): Promise<{ ms: number; bytes: number }> =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = request(
        `${server.url}/apis/metal3.io/v1alpha1/baremetalhosts`,
        {
          agent,
          headers: { authorization: 'Bearer bench-admin', accept: 'application/json' },
          timeout: 10_000,
        },
        (res) => {
          let bytes = 0;
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            chunks.push(c);
          });
          res.on('end', () => {
            const items = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { items: unknown[] }).items
              .length;
            if (items !== hosts) reject(new Error(`listed ${items} of ${hosts}`));
            resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('list timed out')));
      req.on('error', reject);
      req.end();
    });
  try {
    for (let i = 0; i < 3; i += 1) await once();
    const runs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 20; i += 1) {
      const r = await once();
      runs.push(r.ms);
      bytes = r.bytes;
    }
    runs.sort((a, b) => a - b);
    const round = (x: number): number => Math.round(x * 10) / 10;
    return { hosts, medianMs: round(runs[10] as number), p95Ms: round(runs[18] as number), bytes };
  } finally {
    agent.destroy();
    await server.close();
  }
}

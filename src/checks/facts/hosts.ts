/** Each BareMetalHost linked to its Machine, Node, CSRs, events, user-data and BMC. */
import { KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER } from '../../openshift/node-csrs.js';
import { csrSubject } from '../../pki/csr.js';
import type { KubeObject } from '../../sources/types.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** How long a newly registered Node may stay NotReady (its network plugin starting) before it counts as a failure. */
export const NODE_READY_GRACE_MS = 10 * 60_000;

/** Whether the host's Node registered less than NODE_READY_GRACE_MS before `now`. */
export function nodeRegisteredRecently(host: HostFacts, now: Date): boolean {
  return (
    !!host.node &&
    now.getTime() - Date.parse(host.node.metadata.creationTimestamp ?? '') < NODE_READY_GRACE_MS
  );
}

export interface CsrFacts {
  name: string;
  kind: 'client' | 'serving' | 'other';
  commonName?: string;
  username: string;
  signerName: string;
  state: 'pending' | 'approved' | 'issued' | 'denied' | 'failed';
  created?: string;
}

export interface HostFacts {
  name: string;
  namespace: string;
  bmh: KubeObject;
  state: string;
  operationalStatus?: string;
  errorType?: string;
  errorMessage?: string;
  errorCount: number;
  online: boolean;
  poweredOn?: boolean;
  consumer?: { kind?: string; name: string; namespace?: string };
  userDataRef?: { name: string; namespace: string };
  imageUrl?: string;
  bmcAddress?: string;
  credentialsName?: string;
  disableCertificateVerification: boolean;
  ips: string[];
  nodeNameCandidates: string[];
  machine?: KubeObject;
  machineSetName?: string;
  node?: KubeObject;
  nodeReady?: boolean;
  nodeReadyMessage?: string;
  csrs: CsrFacts[];
  events: KubeObject[];
  role: 'master' | 'worker' | 'unknown';
}

export function csrFacts(csr: KubeObject): CsrFacts {
  const spec = o(csr['spec']);
  const status = o(csr['status']);
  const conditions = arr(status['conditions']).map(o);
  const has = (t: string) => conditions.some((c) => c['type'] === t && (c['status'] ?? 'True') === 'True');
  const state: CsrFacts['state'] = has('Denied')
    ? 'denied'
    : has('Failed')
      ? 'failed'
      : s(status['certificate'])
        ? 'issued'
        : has('Approved')
          ? 'approved'
          : 'pending';
  const signerName = s(spec['signerName']) ?? '';
  const username = s(spec['username']) ?? '';
  let commonName: string | undefined;
  const request = s(spec['request']);
  if (request) {
    commonName = csrSubject(Buffer.from(request, 'base64').toString('utf8'))?.commonName;
  }
  const kind =
    signerName === KUBELET_SERVING_SIGNER
      ? 'serving'
      : signerName === KUBELET_CLIENT_SIGNER
        ? 'client'
        : 'other';
  return {
    name: csr.metadata.name,
    kind,
    commonName,
    username,
    signerName,
    state,
    created: csr.metadata.creationTimestamp,
  };
}

function nodeReady(node: KubeObject): { ready: boolean; message?: string } {
  const c = arr(o(node['status'])['conditions'])
    .map(o)
    .find((x) => x['type'] === 'Ready');
  return { ready: c?.['status'] === 'True', message: s(c?.['message']) ?? s(c?.['reason']) };
}

export function hostFacts(
  bmhs: KubeObject[],
  machines: KubeObject[],
  nodes: KubeObject[],
  csrs: KubeObject[],
  events: KubeObject[],
): HostFacts[] {
  // Indexes, so that linking 1000 hosts is linear, not quadratic.
  const parsedCsrs = csrs.map(csrFacts);
  const machineByKey = new Map(machines.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m]));
  const machineByHost = new Map(
    machines.flatMap((m) => {
      const h = m.metadata.annotations?.['metal3.io/BareMetalHost'];
      return h ? [[h, m] as const] : [];
    }),
  );
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const nodeByMachine = new Map(
    nodes.flatMap((n) => {
      const m = n.metadata.annotations?.['machine.openshift.io/machine'];
      return m ? [[m, n] as const] : [];
    }),
  );
  const csrsByNode = new Map<string, CsrFacts[]>();
  for (const c of parsedCsrs) {
    const name =
      c.kind === 'client'
        ? c.commonName?.replace(/^system:node:/, '')
        : c.kind === 'serving'
          ? c.username.replace(/^system:node:/, '')
          : undefined;
    if (name !== undefined) csrsByNode.set(name, [...(csrsByNode.get(name) ?? []), c]);
  }
  const eventsByBmh = new Map<string, KubeObject[]>();
  for (const e of events) {
    const io = o(e['involvedObject']);
    if (io['kind'] !== 'BareMetalHost' || typeof io['name'] !== 'string') continue;
    eventsByBmh.set(io['name'], [...(eventsByBmh.get(io['name']) ?? []), e]);
  }
  return bmhs.map((bmh) => {
    const spec = o(bmh['spec']);
    const status = o(bmh['status']);
    const provisioning = o(status['provisioning']);
    const bmc = o(spec['bmc']);
    const consumerRef = o(spec['consumerRef']);
    const userData = o(spec['userData']);
    const namespace = bmh.metadata.namespace ?? 'openshift-machine-api';
    const consumer = s(consumerRef['name'])
      ? {
          kind: s(consumerRef['kind']),
          name: s(consumerRef['name'])!,
          namespace: s(consumerRef['namespace']) ?? namespace,
        }
      : undefined;
    const machine =
      (consumer && machineByKey.get(`${consumer.namespace}/${consumer.name}`)) ??
      machineByHost.get(`${namespace}/${bmh.metadata.name}`);
    const hardware = o(status['hardware']);
    const ips = new Set<string>();
    for (const nic of arr(hardware['nics']).map(o)) if (s(nic['ip'])) ips.add(s(nic['ip'])!);
    const names = new Set<string>();
    const machineStatus = o(machine?.['status']);
    for (const a of arr(machineStatus['addresses']).map(o)) {
      const addr = s(a['address']);
      if (!addr) continue;
      if (a['type'] === 'InternalIP' || a['type'] === 'ExternalIP') ips.add(addr);
      if (a['type'] === 'Hostname' || a['type'] === 'InternalDNS') names.add(addr);
    }
    const nodeRef = s(o(machineStatus['nodeRef'])['name']);
    if (nodeRef) names.add(nodeRef);
    if (s(hardware['hostname'])) names.add(s(hardware['hostname'])!);
    names.add(bmh.metadata.name);
    const machineKey = machine ? `${machine.metadata.namespace}/${machine.metadata.name}` : undefined;
    const node =
      (nodeRef ? nodeByName.get(nodeRef) : undefined) ??
      (machineKey ? nodeByMachine.get(machineKey) : undefined) ??
      [...names].map((n) => nodeByName.get(n)).find((n) => n !== undefined);
    const nodeNames = node ? new Set([node.metadata.name, ...names]) : names;
    const ready = node ? nodeReady(node) : undefined;
    const hostCsrs = [...new Set([...nodeNames].flatMap((n) => csrsByNode.get(n) ?? []))];
    const role =
      machine?.metadata.labels?.['machine.openshift.io/cluster-api-machine-role'] === 'master' ||
      (consumer?.name ?? '').includes('master') ||
      bmh.metadata.name.includes('master')
        ? 'master'
        : machine || consumer || s(userData['name'])
          ? 'worker'
          : 'unknown';
    return {
      name: bmh.metadata.name,
      namespace,
      bmh,
      state: s(provisioning['state']) ?? '',
      operationalStatus: s(status['operationalStatus']),
      errorType: s(status['errorType']),
      errorMessage: s(status['errorMessage']),
      errorCount: typeof status['errorCount'] === 'number' ? (status['errorCount'] as number) : 0,
      online: spec['online'] === true,
      poweredOn: typeof status['poweredOn'] === 'boolean' ? (status['poweredOn'] as boolean) : undefined,
      consumer,
      userDataRef: s(userData['name'])
        ? { name: s(userData['name'])!, namespace: s(userData['namespace']) ?? namespace }
        : undefined,
      imageUrl: s(o(spec['image'])['url']),
      bmcAddress: s(bmc['address']),
      credentialsName: s(bmc['credentialsName']),
      disableCertificateVerification: bmc['disableCertificateVerification'] === true,
      ips: [...ips],
      nodeNameCandidates: [...nodeNames],
      machine,
      machineSetName: machine?.metadata.ownerReferences?.find((r) => r.kind === 'MachineSet')?.name,
      node: node || undefined,
      nodeReady: ready?.ready,
      nodeReadyMessage: ready?.message,
      csrs: hostCsrs,
      events: eventsByBmh.get(bmh.metadata.name) ?? [],
      role,
    };
  });
}

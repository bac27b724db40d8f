import type { KubeObject } from '../../../core/kube.js';
import type { Finding } from '../../../core/report.js';
import { approverRefusal } from '../../../openshift/machine-approver.js';
import {
  countRecentPendingNodeCsrs,
  maxPendingCsrs,
  NODE_BOOTSTRAPPER_USERNAME,
} from '../../../openshift/node-csrs.js';
import type { HostFacts } from '../../facts/hosts.js';
import { itemsOf } from '../../snapshot.js';
import { finding } from '../../types.js';
import type { PreflightCheck, PreflightFacts } from '../types.js';

/** hardware.hostname as inspection reported it, or undefined before inspection. */
export function inspectedHostname(h: HostFacts): string | undefined {
  const hw = (h.bmh as { status?: { hardware?: { hostname?: unknown } } }).status?.hardware;
  if (!hw) return undefined;
  return typeof hw.hostname === 'string' ? hw.hostname : '';
}

/** RHCOS's node-valid-hostname and the kubelet never register as these: the name changes at boot. */
const PLACEHOLDERS = new Set(['localhost', 'localhost.localdomain', 'localhost6', 'localhost6.localdomain6']);
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The Machine the actuator will make for this host, as CAPBM fills its addresses from inspection
 * (InternalIP per NIC, Hostname and InternalDNS from hardware.hostname).
 */
function futureMachine(h: HostFacts, hostname: string, now: Date): KubeObject {
  const addresses = [
    ...h.ips.map((ip) => ({ type: 'InternalIP', address: ip })),
    ...(hostname
      ? [
          { type: 'Hostname', address: hostname },
          { type: 'InternalDNS', address: hostname },
        ]
      : []),
  ];
  return {
    apiVersion: 'machine.openshift.io/v1beta1',
    kind: 'Machine',
    metadata: { name: `(the Machine for ${h.name})`, creationTimestamp: now.toISOString() },
    status: { addresses },
  };
}

/**
 * Why the machine-approver would refuse the client CSR of this host's kubelet registering as
 * `nodeName`, with the Machine it will get and the backlog as it is now.
 */
export function predictedRefusal(
  pf: PreflightFacts,
  h: HostFacts,
  hostname: string,
  nodeName: string,
): string | undefined {
  const { snapshot, now } = pf.facts;
  const machines = [
    ...itemsOf(snapshot.machines).filter((m) => m.metadata.name !== h.machine?.metadata.name),
    futureMachine(h, hostname, now),
  ];
  // Its own Machine and Node (a --host that joined already) are what a re-provision replaces.
  const nodes = itemsOf(snapshot.nodes).filter((n) => n.metadata.name !== h.node?.metadata.name);
  const csrs = itemsOf(snapshot.csrs);
  return approverRefusal(
    {
      name: '(its client CSR)',
      kind: 'client',
      commonName: `system:node:${nodeName}`,
      username: NODE_BOOTSTRAPPER_USERNAME,
      created: now.toISOString(),
    },
    machines,
    nodes,
    { pending: countRecentPendingNodeCsrs(csrs, now), limit: maxPendingCsrs(machines.length, nodes.length) },
  );
}

export interface CsrPrediction {
  /** status.hardware.hostname ('' when inspection reported none). */
  hostname: string;
  problem?: 'missing' | 'placeholder' | 'invalid';
  /** The name its kubelet is taken to register with: the hostname, else its BareMetalHost's name. */
  nodeName: string;
  /** The machine-approver's refusal of its client CSR, or undefined when it would approve it. */
  refusal?: string;
}

/** What the machine-approver will do with the host's client CSR; undefined before inspection. */
export function predictCsr(pf: PreflightFacts, h: HostFacts): CsrPrediction | undefined {
  const hostname = inspectedHostname(h);
  if (hostname === undefined) return undefined;
  const placeholder = PLACEHOLDERS.has(hostname.toLowerCase().replace(/\.$/, ''));
  const problem =
    hostname === ''
      ? 'missing'
      : placeholder
        ? 'placeholder'
        : !DNS1123_SUBDOMAIN.test(hostname)
          ? 'invalid'
          : undefined;
  // Without a usable hostname the node takes the name the network gives it: its BMH's, as a rule.
  const nodeName = problem ? h.name : hostname;
  return { hostname, problem, nodeName, refusal: predictedRefusal(pf, h, hostname, nodeName) };
}

export const hostnameValid: PreflightCheck = {
  meta: {
    id: 'hostname-valid',
    assistedServiceId: 'hostname-valid',
    title: 'The hostname inspection reported lets the host’s CSRs be approved',
    docs: "The machine-approver approves a new node's client CSR only when a Machine has its node name as an InternalDNS address, and the Machine takes that address from the hostname inspection reported (status.hardware.hostname). So for every waiting host it must be there, be a valid DNS-1123 name, and not be a placeholder (localhost, localhost.localdomain) that the node will not keep: the node registers under another name (its BareMetalHost's, where the network names it so) and its CSR stays Pending. The finding gives the machine-approver's own refusal for that name.",
    needs: [
      'baremetalhosts.metal3.io',
      'machines.machine.openshift.io in openshift-machine-api',
      'nodes',
      'certificatesigningrequests.certificates.k8s.io',
    ],
  },
  run(pf) {
    const out: Finding[] = [];
    for (const w of pf.waiting) {
      const h = w.host;
      const csr = predictCsr(pf, h);
      if (!csr) {
        out.push(
          finding('skip', `${h.name} (${h.state || 'no state'}): not inspected yet`, { host: h.name }),
        );
        continue;
      }
      const evidence = [
        {
          text: `status.hardware.hostname ${JSON.stringify(csr.hostname)}`,
          source: `baremetalhost ${h.namespace}/${h.name}`,
        },
      ];
      if (csr.problem) {
        const what =
          csr.problem === 'missing'
            ? 'no hostname; its Machine will get no InternalDNS address'
            : `hostname ${csr.hostname}, ${csr.problem === 'placeholder' ? 'a placeholder the node will not keep' : 'not a valid DNS-1123 name'}; its Machine will get InternalDNS ${csr.hostname}`;
        out.push(
          finding(
            'fail',
            `${h.name}: inspection reported ${what}. If it registers as ${csr.nodeName}, the machine-approver leaves its client CSR Pending: ${csr.refusal ?? 'it would approve it'}`,
            { host: h.name, cause: 'csr-pending', evidence },
          ),
        );
        continue;
      }
      out.push(
        finding(
          csr.refusal ? 'fail' : 'pass',
          `${h.name}: hostname ${csr.hostname}${csr.refusal ? `: the machine-approver would leave its client CSR Pending: ${csr.refusal}` : ', the machine-approver would approve its client CSR'}`,
          { host: h.name, cause: csr.refusal ? 'csr-pending' : undefined, evidence },
        ),
      );
    }
    if (out.length === 0) out.push(finding('skip', 'no BareMetalHost waits for its first boot'));
    return out;
  },
};

export const hostnameUnique: PreflightCheck = {
  meta: {
    id: 'hostname-unique',
    assistedServiceId: 'hostname-unique',
    title: 'No other host or Node has the same hostname',
    docs: 'Two hosts reporting the same hostname register the same node name: the second client CSR is refused (a Node of that name already exists) or one Machine matches both. Each waiting host’s inspected hostname must differ from every other BareMetalHost’s and from every existing Node.',
    needs: ['baremetalhosts.metal3.io', 'nodes'],
  },
  run(pf) {
    const out: Finding[] = [];
    const nodes = itemsOf(pf.facts.snapshot.nodes);
    for (const w of pf.waiting) {
      const h = w.host;
      const name = inspectedHostname(h);
      if (!name) continue;
      const key = name.toLowerCase().replace(/\.$/, '');
      const others = pf.facts.hosts.filter(
        (o) => o !== h && inspectedHostname(o)?.toLowerCase().replace(/\.$/, '') === key,
      );
      const node = nodes.find((n) => n.metadata.name.toLowerCase() === key && n !== h.node);
      out.push(
        finding(
          others.length || node ? 'fail' : 'pass',
          others.length || node
            ? `${h.name}: hostname ${name} is also ${[...others.map((o) => `BareMetalHost ${o.name}'s`), ...(node ? [`Node ${node.metadata.name}`] : [])].join(' and ')}`
            : `${h.name}: hostname ${name} is unique`,
          { host: h.name, cause: others.length || node ? 'csr-pending' : undefined },
        ),
      );
    }
    if (out.length === 0) out.push(finding('skip', 'no inspected BareMetalHost waits for its first boot'));
    return out;
  },
};

/**
 * Whether a kubelet CSR belongs to the host we expect, checked as the machine-approver checks
 * identity (reference/metal3-redfish-csr.md §6) but against this host only: the requester and
 * groups of the node-bootstrapper (client) or of the node itself (serving), the subject
 * `O=system:nodes, CN=system:node:<name>` with a name the host may register as, the usages, and
 * for serving CSRs every SAN among the Machine's and the BareMetalHost's addresses. A CSR that
 * fails any check is never approved; each refusal says why.
 */
import * as x509 from '@peculiar/x509';
import '../pki/issue.js'; // sets @peculiar/x509's crypto provider
import {
  KUBELET_CLIENT_SIGNER,
  KUBELET_SERVING_SIGNER,
  NODE_BOOTSTRAPPER_USERNAME,
  NODE_GROUP,
} from '../openshift/node-csrs.js';
import type { KubeObject } from '../sources/types.js';

const BOOTSTRAPPER_GROUP = 'system:serviceaccounts:openshift-machine-config-operator';
const CLIENT_USAGES = new Set(['digital signature', 'key encipherment', 'client auth']);
const SERVING_USAGES = new Set(['digital signature', 'key encipherment', 'server auth']);

export interface ExpectedNode {
  host: string;
  /** Names the host may register its Node as. */
  names: string[];
  /** DNS names and IPs a serving certificate of this host may carry. */
  dnsNames: string[];
  ips: string[];
}

export interface CsrVerdict {
  name: string;
  kind: 'client' | 'serving' | 'other';
  requester: string;
  commonName?: string;
  approve: boolean;
  /** Why it was refused (empty when approved). */
  reasons: string[];
}

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Hostnames inspection reports when it learned nothing: never a node name. */
function isPlaceholderHostname(name: string): boolean {
  return /^localhost(\.localdomain)?$/i.test(name);
}

const norm = (name: string) => name.toLowerCase().replace(/\.$/, '');

export function expectedNodeOf(bmh: KubeObject, machine: KubeObject | undefined): ExpectedNode {
  const names = new Set<string>([bmh.metadata.name]);
  const dns = new Set<string>([bmh.metadata.name]);
  const ips = new Set<string>();
  const hardware = o(o(bmh['status'])['hardware']);
  const hostname = str(hardware['hostname']);
  if (hostname && !isPlaceholderHostname(hostname)) {
    names.add(hostname);
    dns.add(hostname);
  }
  for (const nic of arr(hardware['nics']).map(o)) {
    const ip = str(nic['ip']);
    if (ip) ips.add(ip);
  }
  for (const a of arr(o(machine?.['status'])['addresses']).map(o)) {
    const address = str(a['address']);
    if (!address) continue;
    if (a['type'] === 'InternalIP' || a['type'] === 'ExternalIP') ips.add(address);
    if (a['type'] === 'InternalDNS' || a['type'] === 'Hostname' || a['type'] === 'ExternalDNS') {
      dns.add(address);
      if (a['type'] !== 'ExternalDNS' && !isPlaceholderHostname(address)) names.add(address);
    }
  }
  return { host: bmh.metadata.name, names: [...names], dnsNames: [...dns], ips: [...ips] };
}

interface Request {
  commonName?: string;
  organizations: string[];
  dnsNames: string[];
  ips: string[];
  emails: number;
  uris: number;
}

function parseRequest(requestB64: string | undefined): Request | string {
  if (!requestB64) return 'the CSR has no request';
  try {
    const pem = Buffer.from(requestB64, 'base64').toString('utf8');
    const csr = new x509.Pkcs10CertificateRequest(pem);
    const subject = new x509.Name(csr.subject);
    const field = (oid: string) => subject.getField(oid);
    const san = csr.getExtension('2.5.29.17');
    const names = san ? new x509.SubjectAlternativeNameExtension(san.rawData).names.items : [];
    return {
      commonName: field('2.5.4.3')[0],
      organizations: field('2.5.4.10'),
      dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
      ips: names.filter((n) => n.type === 'ip').map((n) => n.value),
      emails: names.filter((n) => n.type === 'email').length,
      uris: names.filter((n) => n.type === 'url').length,
    };
  } catch (err) {
    return `the request does not parse as PKCS#10: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function canonicalIp(ip: string): string {
  return ip.toLowerCase().replace(/^::ffff:/, '');
}

/** The verdict on one CSR for the expected host; `existingNodes` are the Node names that exist now. */
export function judgeCsr(
  csr: KubeObject,
  expected: ExpectedNode,
  existingNodes: ReadonlySet<string>,
): CsrVerdict {
  const spec = o(csr['spec']);
  const signer = str(spec['signerName']) ?? '';
  const username = str(spec['username']) ?? '';
  const groups = arr(spec['groups']).filter((g): g is string => typeof g === 'string');
  const usages = arr(spec['usages']).filter((u): u is string => typeof u === 'string');
  const kind =
    signer === KUBELET_CLIENT_SIGNER ? 'client' : signer === KUBELET_SERVING_SIGNER ? 'serving' : 'other';
  const verdict: CsrVerdict = {
    name: csr.metadata.name,
    kind,
    requester: username,
    approve: false,
    reasons: [],
  };
  const reasons = verdict.reasons;
  if (kind === 'other') {
    reasons.push(`signer ${signer || '(none)'} is not a kubelet signer`);
    return verdict;
  }
  const request = parseRequest(str(spec['request']));
  if (typeof request === 'string') {
    reasons.push(request);
    return verdict;
  }
  verdict.commonName = request.commonName;
  const cn = request.commonName ?? '';
  const nodeName = cn.startsWith('system:node:') ? cn.slice('system:node:'.length) : undefined;
  if (!nodeName) reasons.push(`CN "${cn}" is not system:node:<name>`);
  else if (!expected.names.some((n) => norm(n) === norm(nodeName))) {
    reasons.push(`CN ${cn} is not a name host ${expected.host} registers as (${expected.names.join(', ')})`);
  }
  if (request.organizations.length !== 1 || request.organizations[0] !== NODE_GROUP) {
    reasons.push(`organization is [${request.organizations.join(', ')}], not [${NODE_GROUP}]`);
  }
  if (kind === 'client') {
    if (username !== NODE_BOOTSTRAPPER_USERNAME) {
      reasons.push(
        `requested by ${username || '(nobody)'}, not the node-bootstrapper (${NODE_BOOTSTRAPPER_USERNAME})`,
      );
    }
    if (!groups.includes(BOOTSTRAPPER_GROUP)) reasons.push(`requester groups lack ${BOOTSTRAPPER_GROUP}`);
    const bad = usages.filter((u) => !CLIENT_USAGES.has(u));
    if (bad.length || !usages.includes('client auth')) {
      reasons.push(
        `usages [${usages.join(', ')}] are not client usages (client auth, digital signature, key encipherment)`,
      );
    }
    if (request.dnsNames.length + request.ips.length + request.emails + request.uris > 0) {
      reasons.push('a client CSR must carry no subject alternative names');
    }
    if (nodeName && existingNodes.has(nodeName)) {
      reasons.push(`Node ${nodeName} already exists: a bootstrap CSR for it would take over its identity`);
    }
  } else {
    if (username !== cn)
      reasons.push(`requested by ${username || '(nobody)'}, not by ${cn || 'the node'} itself`);
    if (!groups.includes(NODE_GROUP)) reasons.push(`requester groups lack ${NODE_GROUP}`);
    const bad = usages.filter((u) => !SERVING_USAGES.has(u));
    if (bad.length || !usages.includes('server auth')) {
      reasons.push(
        `usages [${usages.join(', ')}] are not serving usages (server auth, digital signature, key encipherment)`,
      );
    }
    const dns = new Set(expected.dnsNames.map(norm));
    const ips = new Set(expected.ips.map(canonicalIp));
    const strangeDns = request.dnsNames.filter((d) => !dns.has(norm(d)));
    const strangeIps = request.ips.filter((ip) => !ips.has(canonicalIp(ip)));
    if (strangeDns.length)
      reasons.push(`DNS SANs ${strangeDns.join(', ')} are not addresses of ${expected.host}`);
    if (strangeIps.length)
      reasons.push(`IP SANs ${strangeIps.join(', ')} are not addresses of ${expected.host}`);
    if (request.emails + request.uris > 0)
      reasons.push('email or URI SANs are not allowed in a kubelet serving CSR');
  }
  verdict.approve = reasons.length === 0;
  return verdict;
}

export function isPendingCsr(csr: KubeObject): boolean {
  const conditions = arr(o(csr['status'])['conditions']).map(o);
  return !conditions.some(
    (c) => c['type'] === 'Approved' || c['type'] === 'Denied' || c['type'] === 'Failed',
  );
}

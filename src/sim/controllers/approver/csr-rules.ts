/**
 * The cluster-machine-approver's decision on one CSR, as openshift/cluster-machine-approver
 * (@a9edd695) pkg/controller/{controller.go,csr_check.go,node_client.go} makes it: the reconcile
 * filter, the pending-CSR limit, the node client flow (bootstrapper, no Node yet, a Machine with
 * that InternalDNS and no nodeRef, created within [-10 s, +2 h] of the Machine) and the serving
 * flow (a Machine whose nodeRef is the node, every SAN among its addresses). Each refusal carries
 * the klog line the real approver writes (file:line of that commit), or none where it stays silent
 * at its -v=2. The serving-cert renewal flow (fetching the kubelet's current certificate) is not
 * modelled: first serving certificates never take it.
 */
import * as x509 from '@peculiar/x509';
import '../../../pki/issue.js'; // sets @peculiar/x509's crypto provider
import type { KubeObject } from '../../kube/types.js';
import {
  KUBELET_CLIENT_SIGNER,
  KUBELET_SERVING_SIGNER,
  NODE_BOOTSTRAPPER_GROUPS,
  NODE_BOOTSTRAPPER_USERNAME,
} from '../host/csr-request.js';

import {
  countRecentPendingNodeCsrs,
  isPendingNodeCsr as isPendingNode,
  MAX_DIFF_PENDING_CSRS_AND_MACHINES,
  MAX_MACHINE_CLOCK_SKEW_MS,
  MAX_PENDING_DELTA_MS,
  maxPendingCsrs,
  NODE_GROUP,
} from '../../../openshift/node-csrs.js';

export {
  countRecentPendingNodeCsrs,
  MAX_DIFF_PENDING_CSRS_AND_MACHINES,
  MAX_MACHINE_CLOCK_SKEW_MS,
  MAX_PENDING_DELTA_MS,
};

const NODE_USER_PREFIX = 'system:node:';
export const MAX_MACHINE_DELTA_MS = 2 * 3600_000;

export const APPROVE_REASON = 'NodeCSRApprove';
export const APPROVE_MESSAGE = 'This CSR was approved by the Node CSR Approver (cluster-machine-approver)';

export interface ApproverConfig {
  nodeClientCert: { disabled: boolean };
}

export interface CsrEvaluationInput {
  machines: KubeObject[];
  nodes: KubeObject[];
  now: Date;
  /** Recent pending node CSRs (countRecentPendingNodeCsrs). */
  pendingCount: number;
  config: ApproverConfig;
}

/** One klog line the real approver writes while deciding. */
export interface ApproverLogLine {
  severity: 'I' | 'E';
  source: string;
  message: string;
}

export interface CsrDecision {
  approve: boolean;
  /** Why, in words for people (what `fix` and `verify` show). */
  reason: string;
  /** The real approver returns an error here, so controller-runtime requeues it with back-off. */
  retry: boolean;
  /** What the approver logs for this decision, in order (may be empty: it stays quiet at -v=2). */
  log: ApproverLogLine[];
}

interface CsrSpec {
  request?: string;
  signerName?: string;
  usages?: string[];
  username?: string;
  groups?: string[];
}

interface Condition {
  type?: string;
  status?: string;
}

interface ParsedRequest {
  commonName: string;
  organization: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
}

function spec(csr: KubeObject): CsrSpec {
  return (csr.spec ?? {}) as CsrSpec;
}

function conditions(csr: KubeObject): Condition[] {
  return ((csr.status as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
}

export function hasCondition(csr: KubeObject, type: string): boolean {
  return conditions(csr).some((c) => c.type === type);
}

/** The Go %q of a sets.String (a map printed with sorted keys). */
function goSet(values: string[]): string {
  return `map[${[...new Set(values)]
    .sort()
    .map((v) => `${JSON.stringify(v)}:{}`)
    .join(' ')}]`;
}

/** Go's time.Time.String() for a UTC time with whole seconds: `2026-01-02 15:04:05 +0000 UTC`. */
export function goTimeString(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}

/** controller.go pendingNodeCertFilter: which CSRs the approver looks at at all. */
export function isPendingNodeCsr(csr: KubeObject, _now?: Date): boolean {
  return isPendingNode(csr);
}

/** parseCSR: the PEM in spec.request (base64 in JSON) must be a CERTIFICATE REQUEST. */
export function parseCsrRequest(csr: KubeObject): ParsedRequest | undefined {
  const b64 = spec(csr).request;
  if (!b64) return undefined;
  const pem = Buffer.from(b64, 'base64').toString('utf8');
  const m = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]*?)-----END CERTIFICATE REQUEST-----/.exec(pem);
  if (!m?.[1]) return undefined;
  try {
    const req = new x509.Pkcs10CertificateRequest(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
    const san = req.getExtension('2.5.29.17');
    const names = san ? new x509.SubjectAlternativeNameExtension(san.rawData).names.items : [];
    const of = (type: string): string[] => names.filter((n) => n.type === type).map((n) => n.value);
    return {
      commonName: req.subjectName.getField('CN')[0] ?? '',
      organization: req.subjectName.getField('O'),
      dnsNames: of('dns'),
      ipAddresses: of('ip'),
      emailAddresses: of('email'),
      uris: of('url'),
    };
  } catch {
    return undefined;
  }
}

interface MachineAddress {
  type?: string;
  address?: string;
}

function machineAddresses(machine: KubeObject): MachineAddress[] {
  return ((machine.status as { addresses?: MachineAddress[] } | undefined)?.addresses ??
    []) as MachineAddress[];
}

function nodeRefOf(machine: KubeObject): Record<string, string> | undefined {
  return (machine.status as { nodeRef?: Record<string, string> } | undefined)?.nodeRef;
}

/** Go's generated String() of *corev1.ObjectReference, as `%v` prints it. */
function goObjectReference(ref: Record<string, string>): string {
  const f = (k: string): string => ref[k] ?? '';
  return `&ObjectReference{Kind:${f('kind')},Namespace:${f('namespace')},Name:${f('name')},UID:${f('uid')},APIVersion:${f('apiVersion')},ResourceVersion:${f('resourceVersion')},FieldPath:${f('fieldPath')},}`;
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function hasExactUsages(usages: string[], want: string[]): boolean {
  return usages.length === want.length && usages.every((u) => want.includes(u));
}

/** node_client.go isNodeClientCert. */
function isNodeClientCert(csr: KubeObject, req: ParsedRequest): boolean {
  const usages = spec(csr).usages ?? [];
  return (
    req.organization.length === 1 &&
    req.organization[0] === NODE_GROUP &&
    req.dnsNames.length === 0 &&
    req.emailAddresses.length === 0 &&
    req.ipAddresses.length === 0 &&
    (hasExactUsages(usages, ['key encipherment', 'digital signature', 'client auth']) ||
      hasExactUsages(usages, ['digital signature', 'client auth'])) &&
    req.commonName.startsWith(NODE_USER_PREFIX)
  );
}

/**
 * The approver's verdict on one CSR. `pendingCount` is what countRecentPendingNodeCsrs gives for
 * all CSRs; above max(#machines, #nodes) + 100 the approver approves nothing at all.
 */
export function evaluateCsr(csr: KubeObject, input: CsrEvaluationInput): CsrDecision {
  const name = csr.metadata.name;
  const log: ApproverLogLine[] = [];
  const info = (source: string, message: string): void => void log.push({ severity: 'I', source, message });
  const error = (source: string, message: string): void => void log.push({ severity: 'E', source, message });
  const no = (reason: string, retry = false): CsrDecision => ({ approve: false, reason, retry, log });
  const s = spec(csr);

  if (hasCondition(csr, 'Approved')) return no('the CSR is already approved');
  if (hasCondition(csr, 'Denied')) return no('the CSR is denied; a denied CSR can never be approved');
  if (hasCondition(csr, 'Failed')) return no('the CSR failed; it cannot be approved');
  if (s.signerName === KUBELET_SERVING_SIGNER) {
    if (!(s.groups ?? []).includes(NODE_GROUP))
      return no('ignored: a kubelet-serving CSR whose requester is not in the system:nodes group');
  } else if (s.signerName === KUBELET_CLIENT_SIGNER) {
    if (s.username !== NODE_BOOTSTRAPPER_USERNAME)
      return no(
        `ignored: a kubelet client CSR not requested by ${NODE_BOOTSTRAPPER_USERNAME} (requester ${s.username ?? 'unknown'})`,
      );
  } else {
    return no(`ignored: signer ${s.signerName ?? '(none)'} is not one the approver handles`);
  }

  info('controller.go:165', `Reconciling CSR: ${name}`);
  const maxPending = maxPendingCsrs(input.machines.length, input.nodes.length);
  if (input.pendingCount > maxPending) {
    error(
      'controller.go:229',
      `${name}: Pending CSRs: ${input.pendingCount}; Max pending allowed: ${maxPending}. Difference between pending CSRs and machines > ${MAX_DIFF_PENDING_CSRS_AND_MACHINES}. Ignoring all CSRs as too many recent pending CSRs seen`,
    );
    return no(
      `too many recent pending node CSRs (${input.pendingCount} > max(#machines, #nodes) + 100 = ${maxPending}): the approver ignores all CSRs`,
    );
  }

  const req = parseCsrRequest(csr);
  if (!req) {
    error('controller.go:273', `${name}: Failed to parse csr: PEM block type must be CERTIFICATE REQUEST`);
    return no('spec.request is not a PEM CERTIFICATE REQUEST', true);
  }
  const notAuthorized = (reason: string, retry = false): CsrDecision => {
    info('controller.go:286', `${name}: CSR not authorized`);
    return no(reason, retry);
  };

  if (isNodeClientCert(csr, req)) {
    if (input.config.nodeClientCert.disabled) {
      error('csr_check.go:167', `${name}: CSR rejected as the flow is disabled`);
      return notAuthorized(
        'node client CSR approval is disabled (machine-approver-config nodeClientCert.disabled)',
        true,
      );
    }
    if (!(s.username === NODE_BOOTSTRAPPER_USERNAME && sameSet(s.groups ?? [], NODE_BOOTSTRAPPER_GROUPS))) {
      info(
        'csr_check.go:249',
        `${name}: CSR does not appear to be a valid node bootstrapper client cert request`,
      );
      return notAuthorized(
        `the requester is not the node bootstrapper with exactly the groups ${NODE_BOOTSTRAPPER_GROUPS.join(', ')}`,
      );
    }
    const nodeName = req.commonName.slice(NODE_USER_PREFIX.length);
    if (nodeName === '') {
      error(
        'csr_check.go:256',
        `${name}: CSR does not appear to be a valid node bootstrapper client cert request`,
      );
      return notAuthorized('the CN names no node');
    }
    if (input.nodes.some((n) => n.metadata.name === nodeName)) {
      error('csr_check.go:266', `${name}: node ${nodeName} already exists, cannot approve`);
      return notAuthorized(`node ${nodeName} already exists`);
    }
    const machine = input.machines.find((m) =>
      machineAddresses(m).some(
        (a) =>
          a.type === 'InternalDNS' &&
          (a.address ?? '').replace(/\.$/, '').toLowerCase() === nodeName.toLowerCase(),
      ),
    );
    if (!machine) {
      error(
        'csr_check.go:273',
        `${name}: failed to find machine with InternalDNS matching ${nodeName}, cannot approve`,
      );
      return notAuthorized(`no Machine has an InternalDNS address ${nodeName}`, true);
    }
    const nodeRef = nodeRefOf(machine);
    if (nodeRef) {
      error(
        'csr_check.go:279',
        `${name}: machine for node ${goObjectReference(nodeRef)} already has node ref, cannot approve`,
      );
      return notAuthorized(`Machine ${machine.metadata.name} already has a nodeRef (${nodeRef.name ?? ''})`);
    }
    const machineCreated = Date.parse(machine.metadata.creationTimestamp ?? '');
    const csrCreated = Date.parse(csr.metadata.creationTimestamp ?? '');
    const start = machineCreated - MAX_MACHINE_CLOCK_SKEW_MS;
    const end = machineCreated + MAX_MACHINE_DELTA_MS;
    if (!(csrCreated > start && csrCreated < end)) {
      error(
        'csr_check.go:287',
        `${name}: CSR creation time ${goTimeString(new Date(csrCreated))} not in range (${goTimeString(new Date(start))}, ${goTimeString(new Date(end))})`,
      );
      return notAuthorized(
        `the CSR was created outside [Machine ${machine.metadata.name} creation - 10s, + 2h]`,
      );
    }
    info('controller.go:293', `CSR ${name} approved`);
    return {
      approve: true,
      reason: `Machine ${machine.metadata.name} has InternalDNS ${nodeName} and no nodeRef yet`,
      retry: false,
      log,
    };
  }

  info('csr_check.go:173', `${name}: CSR does not appear to be client csr`);
  const username = s.username ?? '';
  if (!username.startsWith(NODE_USER_PREFIX) || username === NODE_USER_PREFIX) {
    info('csr_check.go:69', `${name}: CSR does not appear to be a node serving cert`);
    return notAuthorized(
      'neither a node client CSR (O=system:nodes, CN=system:node:<name>, no SANs, client usages) nor a serving CSR from system:node:<name>',
    );
  }
  const contentError = servingContentError(csr, req, username);
  if (contentError) {
    error('csr_check.go:180', `${name}: Unrecoverable serving cert error, cannot approve: ${contentError}`);
    return notAuthorized(`invalid serving CSR: ${contentError}`);
  }
  const nodeAsking = username.slice(NODE_USER_PREFIX.length);
  info('csr_check.go:218', `Falling back to machine-api authorization for ${nodeAsking}`);
  const machineError = servingMachineError(input.machines, name, nodeAsking, req, error);
  if (machineError) {
    info('csr_check.go:221', `Could not use Machine for serving cert authorization: ${machineError}`);
    return notAuthorized(
      `could not authorize CSR: exhausted all authorization methods: ${machineError}`,
      true,
    );
  }
  info('controller.go:293', `CSR ${name} approved`);
  return {
    approve: true,
    reason: `the Machine whose nodeRef is ${nodeAsking} has every requested SAN`,
    retry: false,
    log,
  };
}

/** csr_check.go validateCSRContents (errors only; the serving path). */
function servingContentError(csr: KubeObject, req: ParsedRequest, username: string): string | undefined {
  const s = spec(csr);
  const groups = s.groups ?? [];
  if (groups.length < 2) return 'too few groups';
  if (!(groups.includes(NODE_GROUP) && groups.includes('system:authenticated')))
    return `${goSet(groups)} not in "system:authenticated" and "system:nodes"`;
  const usages = s.usages ?? [];
  if (usages.length !== 3 && usages.length !== 2) return 'too few usages';
  const has = (want: string[]): boolean => want.every((u) => usages.includes(u));
  if (
    !has(['digital signature', 'server auth']) &&
    !has(['digital signature', 'key encipherment', 'server auth'])
  )
    return `${goSet(usages)} is missing usages`;
  if (req.commonName !== username) return `mismatched CommonName ${req.commonName} != ${username}`;
  if (!req.organization.includes(NODE_GROUP))
    return `organization [${req.organization.join(' ')}] doesn't include ${NODE_GROUP}`;
  return undefined;
}

/** csr_check.go authorizeServingCertWithMachine. */
function servingMachineError(
  machines: KubeObject[],
  name: string,
  nodeAsking: string,
  req: ParsedRequest,
  error: (source: string, message: string) => void,
): string | undefined {
  const machine = machines.find((m) => nodeRefOf(m)?.name === nodeAsking);
  if (!machine) {
    error(
      'csr_check.go:376',
      `${name}: Serving Cert: No target machine for node ${JSON.stringify(nodeAsking)}`,
    );
    return 'unable to find machine for node';
  }
  const addresses = machineAddresses(machine);
  for (const san of req.dnsNames) {
    if (san === '') continue;
    const names = addresses.filter((a) => ['InternalDNS', 'ExternalDNS', 'Hostname'].includes(a.type ?? ''));
    const found = names.some((a) => san.toLowerCase() === (a.address ?? '').replace(/\.$/, '').toLowerCase());
    if (!found) {
      const attempted = names.map((a) => a.address ?? '').join(' ');
      error('csr_check.go:409', `${name}: DNS name '${san}' not in machine names: ${attempted}`);
      return `DNS name '${san}' not in machine names: ${attempted}`;
    }
  }
  for (const san of req.ipAddresses) {
    const ips = addresses.filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP');
    if (!ips.some((a) => a.address === san)) {
      const attempted = ips.map((a) => a.address ?? '').join(' ');
      error('csr_check.go:438', `${name}: IP address '${san}' not in machine addresses: ${attempted}`);
      return `IP address '${san}' not in machine addresses: ${attempted}`;
    }
  }
  return undefined;
}

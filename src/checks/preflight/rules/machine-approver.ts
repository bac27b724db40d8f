import { parse as parseYaml } from 'yaml';
import type { Finding } from '../../../core/report.js';
import {
  countRecentPendingNodeCsrs,
  MAX_DIFF_PENDING_CSRS_AND_MACHINES,
  maxPendingCsrs,
} from '../../../openshift/node-csrs.js';
import { configMapValue } from '../../facts/secret-data.js';
import { containerStatus, itemsOf } from '../../snapshot.js';
import { finding, unreadable } from '../../types.js';
import { APPROVER_NAMESPACE } from '../gather.js';
import type { PreflightCheck } from '../types.js';

export const APPROVER_CONTAINER = 'machine-approver-controller';
export const APPROVER_CONFIG_MAP = 'machine-approver-config';

/** Whether machine-approver-config turns node client CSR approval off (`nodeClientCert.disabled: true`). */
export function clientApprovalDisabled(configYaml: string | undefined): boolean {
  if (!configYaml) return false;
  try {
    const parsed = parseYaml(configYaml) as { nodeClientCert?: { disabled?: unknown } } | null;
    return parsed?.nodeClientCert?.disabled === true;
  } catch {
    return false; // the approver falls back to its defaults
  }
}

export const machineApprover: PreflightCheck = {
  meta: {
    id: 'machine-approver',
    title: 'The machine-approver runs and the pending node-CSR backlog is under its limit',
    docs: "A new node's kubelet CSRs are approved by cluster-machine-approver: its pod (openshift-cluster-machine-approver, app=machine-approver) must be Ready, its config must not turn client approval off (machine-approver-config nodeClientCert.disabled), and the node CSRs pending for less than an hour must not exceed max(Machines, Nodes) + 100, above which it approves none.",
    needs: [
      'pods and configmaps in openshift-cluster-machine-approver',
      'certificatesigningrequests.certificates.k8s.io',
      'machines.machine.openshift.io in openshift-machine-api',
      'nodes',
    ],
  },
  run(pf) {
    const out: Finding[] = [];
    if (!pf.approverPods.ok) out.push(unreadable(`Pods in ${APPROVER_NAMESPACE}`, pf.approverPods));
    else {
      const pods = pf.approverPods.value.filter((p) => p.metadata.labels?.['app'] === 'machine-approver');
      const ready = pods.filter((p) => containerStatus(p, APPROVER_CONTAINER)?.ready === true);
      out.push(
        finding(
          ready.length > 0 ? 'pass' : 'fail',
          ready.length > 0
            ? `machine-approver running: ${ready.map((p) => p.metadata.name).join(', ')} Ready`
            : pods.length > 0
              ? `machine-approver not Ready: ${pods.map((p) => p.metadata.name).join(', ')}; no node CSR is approved`
              : `no machine-approver pod in ${APPROVER_NAMESPACE}: no node CSR is approved`,
          { cause: ready.length > 0 ? undefined : 'csr-pending' },
        ),
      );
    }
    if (pf.approverConfigMaps.ok) {
      const cm = pf.approverConfigMaps.value.find((c) => c.metadata.name === APPROVER_CONFIG_MAP);
      if (cm && clientApprovalDisabled(configMapValue(cm, 'config.yaml')))
        out.push(
          finding(
            'fail',
            `${APPROVER_CONFIG_MAP} sets nodeClientCert.disabled: new nodes' client CSRs wait for a person`,
            {
              cause: 'csr-pending',
              evidence: [
                {
                  text: 'nodeClientCert: {disabled: true}',
                  source: `configmap ${APPROVER_NAMESPACE}/${APPROVER_CONFIG_MAP}`,
                },
              ],
            },
          ),
        );
    }
    const csrs = pf.facts.snapshot.csrs;
    if (!csrs.ok) out.push(unreadable('CertificateSigningRequests', csrs));
    else {
      const machines = itemsOf(pf.facts.snapshot.machines).length;
      const nodes = itemsOf(pf.facts.snapshot.nodes).length;
      const recent = countRecentPendingNodeCsrs(csrs.value, pf.facts.now);
      const limit = maxPendingCsrs(machines, nodes);
      // Each new host adds two (client, serving) before they are approved.
      const room = limit - recent;
      out.push(
        finding(
          recent > limit ? 'fail' : room < 2 * Math.max(1, pf.waiting.length) ? 'warn' : 'pass',
          `${recent} node CSR(s) pending within the last hour; the approver stops above ${limit} (max(${machines} Machines, ${nodes} Nodes) + ${MAX_DIFF_PENDING_CSRS_AND_MACHINES})`,
          { cause: recent > limit ? 'csr-pending' : undefined },
        ),
      );
    }
    return out;
  },
};

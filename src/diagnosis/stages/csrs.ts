/**
 * Stages 7 and 8: the kubelet's client and serving CSRs. A pending CSR is a cause only when the
 * machine-approver's rules refuse it (and then the reason is the decisive fact) or when it has
 * waited far longer than the approver takes; otherwise the host is still joining.
 */
import { itemsOf } from '../../checks/snapshot.js';
import { approverRefusal } from '../../openshift/machine-approver.js';
import { countRecentPendingNodeCsrs, maxPendingCsrs } from '../../openshift/node-csrs.js';
import type { Evidence } from '../../core/report.js';
import { outcome, type CauseDraft, type HostContext, type StageOutcome, type StageVerdict } from './types.js';

/** The approver acts within seconds of a CSR; a minute without it is no longer "still joining". */
export const APPROVAL_GRACE_MS = 60_000;

export function judgeCsrs(ctx: HostContext): StageOutcome {
  const { facts, host, fetched } = ctx;
  const machines = itemsOf(facts.snapshot.machines);
  const nodes = itemsOf(facts.snapshot.nodes);
  const allCsrs = itemsOf(facts.snapshot.csrs);
  const backlog = {
    pending: countRecentPendingNodeCsrs(allCsrs, facts.now),
    limit: maxPendingCsrs(machines.length, nodes.length),
  };
  const verdicts: StageVerdict[] = [];
  const causes: CauseDraft[] = [];
  for (const [id, kind] of [
    ['client-csr', 'client'],
    ['serving-csr', 'serving'],
  ] as const) {
    const mine = host.csrs.filter((c) => c.kind === kind);
    const ev: Evidence[] = mine.map((c) => ({
      text: `${c.name}: ${c.state} (${c.commonName ?? c.username})`,
      source: 'certificatesigningrequests',
    }));
    const pending = mine.filter((c) => c.state === 'pending');
    if (mine.some((c) => c.state === 'issued' || c.state === 'approved')) {
      verdicts.push({ id, status: 'pass', detail: `${mine.length - pending.length} approved`, evidence: ev });
    } else if (pending.length > 0) {
      const csr = pending[pending.length - 1]!;
      const age = facts.now.getTime() - Date.parse(csr.created ?? '');
      const ageText = Number.isFinite(age) ? `${Math.max(0, Math.round(age / 1000))} s` : 'an unknown time';
      const refusal = approverRefusal(csr, machines, nodes, backlog);
      if (!refusal && !(age > APPROVAL_GRACE_MS)) {
        verdicts.push({
          id,
          status: 'in-progress',
          detail: `${csr.name} pending ${ageText}: the machine-approver normally approves within seconds`,
          evidence: ev,
        });
        continue;
      }
      const decisive: Evidence = refusal
        ? {
            text: `${csr.name} (${kind}, ${csr.commonName ?? csr.username}) pending ${ageText}: the machine-approver refuses it: ${refusal}`,
            source: 'certificatesigningrequests, machines',
          }
        : {
            text: `${csr.name} (${kind}) pending ${ageText}, though it passes the machine-approver's rules: is the approver running? (oc -n openshift-cluster-machine-approver get pods)`,
            source: 'certificatesigningrequests',
          };
      verdicts.push({
        id,
        status: 'fail',
        detail: `${pending.length} pending${refusal ? ': the machine-approver refuses it' : ''}`,
        evidence: [decisive, ...ev],
      });
      causes.push({
        id: 'csr-pending',
        confidence: refusal ? 'confirmed' : 'likely',
        summary: refusal
          ? `${host.name} fetched its config; the machine-approver will not approve its ${kind} CSR: ${refusal}`
          : `${host.name} fetched its config; its ${kind} CSR has waited ${ageText} for approval`,
        stage: id,
        decisive,
        evidence: ev,
        approverRefusal: refusal,
      });
      break;
    } else if (mine.some((c) => c.state === 'denied' || c.state === 'failed')) {
      const decisive = ev.find((e) => /denied|failed/.test(e.text)) ?? ev[0]!;
      verdicts.push({ id, status: 'fail', detail: 'denied', evidence: ev });
      causes.push({
        id: 'csr-pending',
        confidence: 'likely',
        summary: `${host.name}'s ${kind} CSR was denied`,
        stage: id,
        decisive,
        evidence: ev,
      });
      break;
    } else if (host.node && host.nodeReady) {
      verdicts.push({
        id,
        status: 'pass',
        detail: 'the Node is Ready, so its certificate was issued',
        evidence: [],
      });
    } else if (fetched) verdicts.push({ id, status: 'in-progress', detail: 'no CSR yet', evidence: [] });
    else verdicts.push({ id, status: 'not-reached', detail: '', evidence: [] });
  }
  return outcome(verdicts, causes);
}

/**
 * The plan for one root cause on this cluster and version: which steps, in which order, and
 * which pitfalls are refused (deleting machine-config-server-tls where nothing recreates it).
 */
import { isJoined, type Facts } from '../checks/facts/index.js';
import type { HostFacts } from '../checks/facts/hosts.js';
import type { CauseId } from '../core/causes.js';
import { MAPI_NAMESPACE, MCO_NAMESPACE, MCS_CA_NAME, MCS_TLS_SECRET } from '../core/names.js';
import { versionAtLeast } from '../openshift/version.js';
import { approveCsrsStep } from './steps/csrs.js';
import {
  bmcAccessStep,
  bmhRegisteredStep,
  endpointStep,
  mcsAnswersStep,
  mcsPodsReadyStep,
} from './steps/checks.js';
import { chronyStep } from './steps/chrony.js';
import { bmcClockStep, powerCycleStep, reprovisionStep } from './steps/host.js';
import { caBundleStep, servingCertStep, signingCaPem, signingCaStep } from './steps/mcs-pki.js';
import { mcsServingStep } from './steps/mcs-pods.js';
import { deleteTlsSecretStep, verifyingCaPem } from './steps/rotation.js';
import { pointerSpec3Step } from './steps/pointer.js';
import { managedUserDataStep, rootCaStep, userDataSecretStep, type CaSupplier } from './steps/user-data.js';
import { FixRefused, type FixPlan, type FixStep } from './types.js';
import { approverAdvice } from '../causes/csr-pending.js';
import { approverRefusal } from '../openshift/machine-approver.js';
import { countRecentPendingNodeCsrs, maxPendingCsrs } from '../openshift/node-csrs.js';
import { itemsOf } from '../checks/snapshot.js';

/**
 * Why the machine-approver leaves each host's CSRs pending, and what makes it approve the next
 * hosts by itself: approving here (after the identity checks) is the last resort for this host.
 */
function approverReasons(facts: Facts, hosts: HostFacts[]): string[] {
  const machines = itemsOf(facts.snapshot.machines);
  const nodes = itemsOf(facts.snapshot.nodes);
  const backlog = {
    pending: countRecentPendingNodeCsrs(itemsOf(facts.snapshot.csrs), facts.now),
    limit: maxPendingCsrs(machines.length, nodes.length),
  };
  const out: string[] = [];
  for (const h of hosts) {
    for (const csr of h.csrs.filter((c) => c.state === 'pending')) {
      const reason = approverRefusal(csr, machines, nodes, backlog);
      if (!reason) continue;
      out.push(`${h.name}: the machine-approver refuses ${csr.name}: ${reason}. ${approverAdvice(reason)}`);
      break;
    }
  }
  return out;
}

export const FIXABLE: readonly CauseId[] = [
  'mcs-cert-expired',
  'mcs-cert-expiring',
  'mcs-cert-corrupt',
  'mcs-san-mismatch',
  'mcs-ca-mismatch',
  'worker-clock-skew',
  'mcs-not-running',
  'mcs-unreachable',
  'csr-pending',
  'bmh-stuck',
  'pointer-unsupported-version',
];

export type Strategy = 'regenerate' | 'delete-secret';

export interface PlanOptions {
  cause: CauseId;
  /** `--host`: the host the fix is for; otherwise every selected host the cause affects. */
  hosts: HostFacts[];
  strategy?: Strategy;
  /** `--ntp-server`: also create a chrony MachineConfig for these servers. */
  ntpServers: string[];
  expiryWarningDays: number;
  /** Decisions of the fix being resumed. */
  decisions?: Record<string, string[]>;
  /** When the fix started (a resumed one: when it first started). */
  startedAt: () => string;
}

function servingSecretSound(facts: Facts): boolean {
  const sc = facts.servingCert;
  return sc.present && sc.chain.length > 0 && !sc.certProblem && sc.keyState === 'matches';
}

function rotatorRuns(facts: Facts): boolean {
  const v = facts.cluster.version;
  const machineSets = facts.snapshot.machineSets;
  return !!v && versionAtLeast(v, '4.19') && machineSets.ok && machineSets.value.length > 0;
}

/** Hosts that were provisioned with the old pointer and must be provisioned again. */
function provisionedHosts(hosts: HostFacts[]): HostFacts[] {
  return hosts.filter(
    (h) => !isJoined(h) && h.role !== 'master' && ['provisioning', 'provisioned'].includes(h.state),
  );
}

/**
 * The user-data secrets the MCO does not manage, and the managed ones the affected hosts use.
 * `rootCa`: also write kube-system/root-ca, as oc does on BareMetal (every node then rolls out
 * a new rendered config).
 */
function userDataSteps(
  facts: Facts,
  hosts: HostFacts[],
  supply: CaSupplier,
  { rootCa }: { rootCa: boolean },
): FixStep[] {
  const steps: FixStep[] = [];
  const secrets = [...facts.userData.values()].filter((u) => u.namespace === MAPI_NAMESPACE);
  for (const u of secrets.filter((u) => !u.managed)) {
    steps.push(userDataSecretStep(u.name, supply, u.pointer?.certificateAuthorities.length ?? 1));
  }
  const version = facts.cluster.version ?? '';
  const managedFrom = versionAtLeast(version, '4.19')
    ? `configmap ${MCO_NAMESPACE}/${MCS_CA_NAME}`
    : 'configmap kube-system/root-ca';
  if (rootCa) steps.push(rootCaStep(supply));
  const used = new Set(hosts.map((h) => h.userDataRef?.name).filter((n): n is string => !!n));
  for (const u of secrets.filter((u) => u.managed && (used.size === 0 || used.has(u.name)))) {
    steps.push(managedUserDataStep(u.name, supply, managedFrom));
  }
  return steps;
}

/** Hosts provisioned with the old pointer, chosen once (kept in the manifest), re-provisioned one by one. */
function reprovisionSteps(
  facts: Facts,
  hosts: HostFacts[],
  opts: PlanOptions,
  decisions: Record<string, string[]>,
): FixStep[] {
  const reprovision = decisions['reprovision'] ?? provisionedHosts(hosts).map((h) => h.name);
  decisions['reprovision'] = reprovision;
  const byName = new Map(facts.hosts.map((h) => [h.name, h]));
  return reprovision.flatMap((n) => {
    const h = byName.get(n);
    return h ? [reprovisionStep(h, opts.startedAt)] : [];
  });
}

function regenerateSteps(
  facts: Facts,
  hosts: HostFacts[],
  opts: PlanOptions,
  decisions: Record<string, string[]>,
): FixStep[] {
  return [
    signingCaStep(),
    caBundleStep(),
    servingCertStep(facts, opts.expiryWarningDays * 86_400_000),
    mcsServingStep(facts),
    ...userDataSteps(facts, hosts, signingCaPem, { rootCa: facts.cluster.platform === 'BareMetal' }),
    ...reprovisionSteps(facts, hosts, opts, decisions),
  ];
}

function regeneratePlan(
  facts: Facts,
  hosts: HostFacts[],
  opts: PlanOptions,
  decisions: Record<string, string[]>,
): Pick<FixPlan, 'strategy' | 'notes' | 'summary' | 'steps'> {
  const version = facts.cluster.version ?? 'unknown';
  const notes = [
    versionAtLeast(version, '4.19')
      ? 'This cluster (4.19+) reloads the serving certificate: no MCS restart.'
      : `Before 4.19 the MCS reads its certificate only at start: its pods are restarted. Deleting ${MCS_TLS_SECRET} "to let it be recreated" is refused on this version: nothing recreates it.`,
    'A new CA means every pointer config must trust it: the user-data secrets are updated and hosts provisioned with the old pointer are re-provisioned (their config drive is written again).',
  ];
  if (facts.cluster.platform === 'BareMetal') {
    notes.push(
      'On BareMetal kube-system/root-ca is updated too, as oc does; oc warns that nodes then roll out a new rendered config.',
    );
  }
  return {
    strategy: 'regenerate',
    notes,
    summary:
      'Regenerate the MCS serving certificate, as oc adm ocp-certificates regenerate-machine-config-server-serving-cert does',
    steps: regenerateSteps(facts, hosts, opts, decisions),
  };
}

export function planFix(facts: Facts, opts: PlanOptions): FixPlan {
  const { cause, hosts } = opts;
  const version = facts.cluster.version ?? 'unknown';
  const decisions: Record<string, string[]> = { ...(opts.decisions ?? {}) };
  const host = hosts.length === 1 ? (hosts[0]?.name ?? null) : null;
  const base = { cause, host, decisions, notes: [] as string[] };
  const strategy = opts.strategy ?? 'regenerate';
  if (strategy === 'delete-secret') {
    if (!['mcs-cert-expired', 'mcs-cert-expiring', 'mcs-cert-corrupt', 'mcs-san-mismatch'].includes(cause)) {
      throw new FixRefused(
        `--strategy delete-secret applies to the serving certificate causes, not ${cause}`,
      );
    }
    if (!versionAtLeast(version, '4.19')) {
      throw new FixRefused(
        `refusing to delete secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET} on ${version}: before 4.19 nothing recreates it, and MCS pods that restart cannot mount it (no new worker could join)`,
        'use the default strategy (regenerate), which replaces the certificate in place',
      );
    }
    if (!rotatorRuns(facts)) {
      throw new FixRefused(
        `refusing to delete secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET}: the 4.19 certificate rotator that would recreate it is not running (the MCO adds it only when MachineSets exist)`,
        'use the default strategy (regenerate)',
      );
    }
    return {
      ...base,
      strategy,
      summary: `Let the MCO (4.19+ certificate rotator) recreate ${MCS_TLS_SECRET}`,
      steps: [deleteTlsSecretStep(facts), mcsServingStep(facts)],
    };
  }
  switch (cause) {
    case 'mcs-not-running':
      if (servingSecretSound(facts)) {
        // The secret is fine: regenerating would change every pointer for nothing. Say what is wrong instead.
        return {
          ...base,
          strategy: 'checks',
          notes: [
            `Secret ${MCS_TLS_SECRET} holds a certificate and a matching key: the pods fail for another reason (their events and logs say which).`,
          ],
          summary: 'Check the MCS pods; the secret is sound, so nothing is regenerated',
          steps: [mcsPodsReadyStep()],
        };
      }
      // The secret is missing or broken, and before 4.19 nothing recreates it.
      return {
        ...base,
        ...regeneratePlan(facts, hosts, opts, decisions),
        summary: `Recreate ${MCS_TLS_SECRET} (nothing recreates it before 4.19) so the MCS pods can start`,
      };
    case 'mcs-cert-expired':
    case 'mcs-cert-expiring':
    case 'mcs-cert-corrupt':
    case 'mcs-san-mismatch':
      return { ...base, ...regeneratePlan(facts, hosts, opts, decisions) };
    case 'mcs-ca-mismatch': {
      // Before 4.19 the MCO renders the -managed user-data from root-ca; from 4.19 from the
      // machine-config-server-ca bundle, which already holds the CA: rewriting root-ca there
      // would only roll every node.
      const baremetal = facts.cluster.platform === 'BareMetal';
      const fromBundle = versionAtLeast(version, '4.19');
      const rootCa = baremetal && !fromBundle;
      return {
        ...base,
        strategy: 'update-ca',
        notes: [
          'A power cycle alone keeps the old pointer on the config drive: the host is re-provisioned.',
          'A pointer with one CA has it replaced (as oc does); one with several gets the CA first and keeps the others.',
          ...(baremetal && fromBundle
            ? [
                'kube-system/root-ca is left alone: from 4.19 the MCO renders the -managed user-data from the machine-config-server-ca bundle.',
              ]
            : []),
        ],
        summary:
          'Put the CA that verifies the serving certificate into the user-data, then re-provision the host',
        steps: [
          ...userDataSteps(facts, hosts, verifyingCaPem, { rootCa }),
          ...reprovisionSteps(facts, hosts, opts, decisions),
        ],
      };
    }
    case 'worker-clock-skew':
      return {
        ...base,
        strategy: 'bmc-clock',
        notes: [
          'Ignition does not sync the clock before it fetches: the BMC clock is what the host boots with.',
          opts.ntpServers.length
            ? 'The chrony MachineConfig only helps hosts that have joined; it does not help this one boot.'
            : 'To keep joined nodes on time, rerun with --ntp-server NAME (your own NTP servers; there is no default): it adds a chrony MachineConfig, which only helps hosts that have joined.',
        ],
        summary: 'Set the host clock in its BMC over Redfish, then power-cycle the host',
        steps: [
          ...hosts.flatMap((h) => [bmcClockStep(h, facts), powerCycleStep(h)]),
          ...(opts.ntpServers.length ? [chronyStep(opts.ntpServers)] : []),
        ],
      };
    case 'mcs-unreachable':
      return {
        ...base,
        strategy: 'checks',
        notes: ['Each check narrows where the connection fails; nothing is restarted blindly.'],
        summary:
          'Check the MCS pods, each master, then the address the pointer uses; power-cycle the host once it answers',
        steps: [
          mcsPodsReadyStep(),
          mcsAnswersStep(facts),
          endpointStep(facts),
          ...hosts.map((h) => powerCycleStep(h)),
        ],
      };
    case 'csr-pending':
      return {
        ...base,
        strategy: 'approve-csrs',
        notes: [
          ...approverReasons(facts, hosts),
          'Only CSRs whose requester, CN, usages and SANs match the host are approved; the others are listed with the reason.',
        ],
        summary: 'Approve the kubelet CSRs that belong to the host',
        steps: hosts.map((h) => approveCsrsStep(h)),
      };
    case 'bmh-stuck':
      return {
        ...base,
        strategy: 'checks',
        notes: [
          'mcs-doctor does not know the right BMC password: it checks access and tells you what to change.',
        ],
        summary:
          'Check that the BMC accepts the credentials in the secret, then wait for Metal3 to register the host',
        steps: hosts.flatMap((h) => [bmcAccessStep(h, facts), bmhRegisteredStep(h)]),
      };
    case 'pointer-unsupported-version': {
      const secrets = [...new Set(hosts.map((h) => h.userDataRef?.name).filter((n): n is string => !!n))];
      return {
        ...base,
        strategy: 'pointer-spec3',
        notes: ['The MCO boot-image controller does the same conversion on newer versions.'],
        summary: 'Rewrite the spec-2 pointer as spec 3 (same URL and CAs), then re-provision the host',
        steps: [
          ...secrets.map((s) => pointerSpec3Step(s)),
          ...reprovisionSteps(facts, hosts, opts, decisions),
        ],
      };
    }
    default:
      throw new FixRefused(
        `mcs-doctor has no automatic fix for ${cause}`,
        `run mcs-doctor diagnose: its report lists the manual steps for ${cause}`,
      );
  }
}

/**
 * preflight's checks, in report order. Ids are stable; where assisted-service validates the same
 * thing, its validation id is used (models/host_validation_id.go). Checks diagnose already has
 * are called, not copied: mcs-serving-cert, bmc-clock and mcs-pods' findings come from diagnose's
 * modules, judged here for hosts still to come.
 */
import type { CheckResult, CheckStatus } from '../../core/report.js';
import { bmcClock } from '../rules/bmc-clock.js';
import { apiIntResolved } from './rules/api-int.js';
import { bmcAccess } from './rules/bmc-access.js';
import { clusterOperators } from './rules/cluster-operators.js';
import { firstBootIgnition } from './rules/first-boot.js';
import { hostnameUnique, hostnameValid } from './rules/hostname.js';
import { ignitionDownloadable } from './rules/ignition-downloadable.js';
import { machineApprover } from './rules/machine-approver.js';
import { mcsDaemonSetReady } from './rules/mcs-daemonset.js';
import { mcsHealthz } from './rules/mcs-healthz.js';
import { machineConfigPools } from './rules/pools.js';
import { preflightServingCert } from './rules/serving-cert.js';
import type { PreflightCheck, PreflightFacts } from './types.js';

/** diagnose's bmc-clock, over the waiting hosts' BMC clocks. */
const waitingBmcClock: PreflightCheck = {
  meta: bmcClock.meta,
  run: (pf) => bmcClock.run(pf.facts),
};

export const PREFLIGHT_CHECKS: readonly PreflightCheck[] = [
  clusterOperators,
  mcsDaemonSetReady,
  mcsHealthz,
  apiIntResolved,
  preflightServingCert,
  machineConfigPools,
  ignitionDownloadable,
  bmcAccess,
  waitingBmcClock,
  firstBootIgnition,
  machineApprover,
  hostnameValid,
  hostnameUnique,
];

const WORST: CheckStatus[] = ['fail', 'unknown', 'warn', 'pass', 'skip'];

export type PreflightCheckResult = CheckResult & { assistedServiceId?: string };

export function runPreflightChecks(pf: PreflightFacts): PreflightCheckResult[] {
  return PREFLIGHT_CHECKS.map((check) => {
    const started = Date.now();
    const findings = check.run(pf);
    const status = WORST.find((s) => findings.some((f) => f.status === s)) ?? 'skip';
    return {
      id: check.meta.id,
      title: check.meta.title,
      ...(check.meta.assistedServiceId ? { assistedServiceId: check.meta.assistedServiceId } : {}),
      status,
      findings,
      durationMs: Date.now() - started,
    };
  });
}

export { gatherPreflight, isWaiting, WAITING_STATES } from './gather.js';
export type * from './types.js';

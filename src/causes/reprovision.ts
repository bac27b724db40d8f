/** Re-provisioning by hand: a provisioned host keeps the pointer on its config drive until Metal3 writes a new one. */
import { versionAtLeast } from '../openshift/version.js';
import type { FixContext } from './types.js';

export function reprovisionByHand(ctx: FixContext): string[] {
  if (!ctx.host) return [];
  if (ctx.role === 'master') {
    return [`# ${ctx.host} is a control-plane host: it is never re-provisioned to take a new pointer`];
  }
  const bmh = `oc -n ${ctx.namespace} patch bmh ${ctx.host} --type merge -p`;
  return [
    `# re-provision ${ctx.host} so its config drive is rewritten (a power cycle keeps the old pointer):`,
    `oc -n ${ctx.namespace} get bmh ${ctx.host} -o jsonpath='{.spec.customDeploy}'   # keep it (or .spec.image)`,
    `${bmh} '{"spec":{"image":null,"customDeploy":null}}'   # Metal3 deprovisions it; wait for state available`,
    `${bmh} '{"spec":{"customDeploy":<the value kept>}}'   # Metal3 provisions it again`,
  ];
}

/** Before 4.19 the MCS reads its certificate only when it starts. */
export function restartMcsByHand(ctx: FixContext): string[] {
  return ctx.version && versionAtLeast(ctx.version, '4.19')
    ? []
    : [
        'oc -n openshift-machine-config-operator delete pod -l k8s-app=machine-config-server   # before 4.19 the MCS loads its certificate only at start',
      ];
}

/** Ignition has no switch to skip verification; people look for one (the runbook's solution 5). */
export const NO_SKIP_VERIFY_NOTE =
  'There is no "skip certificate verification": Ignition has no such switch. The only equivalent is a pointer to the plain-HTTP port 22624, which serves the node\'s bootstrap credentials in clear; mcs-doctor never does it.';

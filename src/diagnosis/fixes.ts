/** The fix for each cause: the mcs-doctor command and the same by hand, with the version's pitfalls. */
import { bmcClockCommands, type BmcTarget } from '../metal3/bmc-commands.js';
import { versionAtLeast } from '../openshift/version.js';
import type { CauseId } from './causes.js';
import type { Fix } from './model.js';

export interface FixContext {
  host: string | null;
  namespace: string;
  version: string | null;
  /** The host's BMC, for the exact clock commands. */
  bmc?: BmcTarget;
  userDataSecret?: string;
  /** How many certificateAuthorities entries that pointer has (oc replaces only a lone one). */
  pointerCaEntries?: number;
  mcsPods?: string[];
}

const MCO = 'openshift-machine-config-operator';

function reprovision(ctx: FixContext): string[] {
  if (!ctx.host) return [];
  const bmh = `oc -n ${ctx.namespace} patch bmh ${ctx.host} --type merge -p`;
  return [
    `# re-provision ${ctx.host} so its config drive is rewritten (a power cycle keeps the old pointer):`,
    `oc -n ${ctx.namespace} get bmh ${ctx.host} -o jsonpath='{.spec.customDeploy}'   # keep it (or .spec.image)`,
    `${bmh} '{"spec":{"image":null,"customDeploy":null}}'   # Metal3 deprovisions it; wait for state available`,
    `${bmh} '{"spec":{"customDeploy":<the value kept>}}'   # Metal3 provisions it again`,
  ];
}

export function fixFor(cause: CauseId, ctx: FixContext): Fix {
  const hostFlag = ctx.host ? ` --host ${ctx.host}` : '';
  const command = `mcs-doctor fix ${cause}${hostFlag}`;
  const reloads = ctx.version ? versionAtLeast(ctx.version, '4.19') : false;
  const restartMcs = reloads
    ? []
    : [
        `oc -n ${MCO} delete pod -l k8s-app=machine-config-server   # before 4.19 the MCS loads its certificate only at start`,
      ];
  switch (cause) {
    case 'mcs-cert-expired':
    case 'mcs-cert-expiring':
    case 'mcs-cert-corrupt':
      return {
        command,
        manual: [
          'oc adm ocp-certificates regenerate-machine-config-server-serving-cert',
          ...restartMcs,
          'oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server',
          ...reprovision(ctx),
        ],
        notes: [
          reloads
            ? 'This cluster (4.19+) reloads the serving certificate without a restart.'
            : `Do not delete secret ${MCO}/machine-config-server-tls to "let it be recreated": before 4.19 nothing recreates it and new MCS pods cannot start.`,
          'The new CA must reach every pointer config: the user-data secrets, and hosts already provisioned only after re-provisioning.',
        ],
      };
    case 'mcs-ca-mismatch': {
      const secret = ctx.userDataSecret ?? 'the pointer';
      const entries = ctx.pointerCaEntries ?? 1;
      return {
        command,
        manual: [
          entries > 1
            ? `# ${secret} trusts ${entries} CAs: oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server refuses it; add the CA that signs the serving certificate to its certificateAuthorities by hand`
            : secret.startsWith('secret ') && !secret.startsWith('secret openshift-machine-api/')
              ? `# ${secret} is outside openshift-machine-api, where oc does not look: put the CA that signs the serving certificate in its userData by hand`
              : 'oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server',
          ...reprovision(ctx),
        ],
        notes: [
          'Compare CAs by key, not by name: a regenerated CA keeps the subject "root-ca" with a new key.',
          'A provisioned host keeps the pointer it was provisioned with; fixing the secret alone does not fix it.',
        ],
      };
    }
    case 'worker-clock-skew':
      return {
        command,
        manual: [
          ...(ctx.bmc
            ? bmcClockCommands(ctx.bmc)
            : [
                '# set the host clock in its BMC (Redfish: PATCH /redfish/v1/Managers/<id> {"DateTime": ...}) or its firmware setup',
              ]),
          ctx.host
            ? `oc -n ${ctx.namespace} annotate bmh ${ctx.host} 'reboot.metal3.io={"mode":"hard"}'   # power-cycle so Ignition runs again`
            : '# then power-cycle the host',
        ],
        notes: [
          'Ignition does not sync the clock before it fetches; a chrony MachineConfig only helps hosts that have joined.',
        ],
      };
    case 'mcs-san-mismatch':
      return {
        command,
        manual: [
          'oc get infrastructure cluster -o jsonpath={.status.apiServerInternalURI}',
          '# either point the user-data URL at a name or VIP the certificate covers, or regenerate the certificate:',
          'oc adm ocp-certificates regenerate-machine-config-server-serving-cert',
          ...restartMcs,
        ],
        notes: ['The serving certificate covers the api-int name and the API VIPs from Infrastructure.'],
      };
    case 'mcs-unreachable':
      return {
        command,
        manual: [
          `oc -n ${MCO} get pods -l k8s-app=machine-config-server -o wide`,
          'curl -kv https://<api-int or API VIP>:22623/healthz   # from the worker network',
          '# check DNS for api-int, the API VIP owner (keepalived), the load balancer and firewalls for port 22623',
        ],
        notes: [
          'Probe from the worker network: a success from the admin host does not prove the worker can reach it.',
        ],
      };
    case 'mcs-not-running':
      return {
        command,
        manual: [
          `oc -n ${MCO} get ds machine-config-server`,
          `oc -n ${MCO} describe pod -l k8s-app=machine-config-server`,
          `oc -n ${MCO} logs -l k8s-app=machine-config-server --previous`,
          `oc -n ${MCO} get secret machine-config-server-tls`,
        ],
        notes: [
          'Restarting pods blindly does not help when the secret is missing or its key does not match.',
        ],
      };
    case 'csr-pending':
      return {
        command,
        manual: [
          'oc get csr --sort-by=.metadata.creationTimestamp',
          '# approve only the CSRs of this host, after checking requester, CN system:node:<name> and SANs:',
          'oc adm certificate approve <csr-name>',
        ],
        notes: ['Never approve every pending CSR: a rogue CSR would get a node identity.'],
      };
    case 'bmh-stuck':
      return {
        command,
        manual: ctx.host
          ? [
              `oc -n ${ctx.namespace} get bmh ${ctx.host} -o yaml`,
              `oc -n ${ctx.namespace} get events --field-selector involvedObject.name=${ctx.host}`,
            ]
          : [],
        notes: [
          'Check the BMC address, credentials secret and reachability of the BMC from the provisioning network.',
        ],
      };
    default:
      return { command, manual: [], notes: [] };
  }
}

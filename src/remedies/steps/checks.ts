/**
 * Checks that narrow down a cause mcs-doctor cannot repair by itself (a VIP or firewall, a BMC
 * password). Each reads one thing; a failing one stops the fix with the manual step to take,
 * and rerunning the fix after that step goes on from there.
 */
import { bmcRequestOf, bmcTargetOf, type Facts } from '../../checks/facts/index.js';
import type { HostFacts } from '../../checks/facts/hosts.js';
import { itemsOf } from '../../checks/snapshot.js';
import { MCO_NAMESPACE, MCS_APP_LABEL, MCS_NAME } from '../../core/names.js';
import { bmcCredentialsCommands, bmcLoginCommand } from '../../metal3/bmc-commands.js';
import { readBmcClock } from '../../probes/redfish.js';
import { servedLeaf } from '../../probes/served-leaf.js';
import { RESOURCES } from '../../sources/resources.js';
import type { KubeObject } from '../../sources/types.js';
import { endpointByHand, mastersAnswerByHand } from '../by-hand.js';
import { StepFailed, type FixStep, type StepContext } from '../types.js';
import { bmhKey, waitFor } from '../util.js';
import { mcsEndpoint } from './mcs-pods.js';

const SELECTOR = `${MCS_APP_LABEL}=${MCS_NAME}`;
const PROBE_TIMEOUT_MS = 5_000;

function readOnly(
  step: Pick<FixStep, 'id' | 'title' | 'manual' | 'access'> & {
    check: (ctx: StepContext) => Promise<string>;
  },
): FixStep {
  const { check, ...rest } = step;
  return {
    ...rest,
    kind: 'check',
    touches: [],
    async isDone() {
      return undefined;
    },
    async apply() {
      return 'read only';
    },
    verify: check,
  };
}

function ready(pod: KubeObject): boolean {
  const conditions = ((pod['status'] ?? {}) as { conditions?: Array<{ type?: string; status?: string }> })
    .conditions;
  return (conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** ` (CrashLoopBackOff: ...)`: why the pod's container is not running, as kubectl shows it. */
function waiting(pod: KubeObject): string {
  const statuses = (
    (pod['status'] ?? {}) as { containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }> }
  ).containerStatuses;
  const reason = statuses?.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  return reason ? ` (${reason})` : '';
}

export function mcsPodsReadyStep(): FixStep {
  return readOnly({
    id: 'check:mcs-pods-ready',
    title: 'Check that every machine-config-server pod is Ready',
    manual: [`oc -n ${MCO_NAMESPACE} get pods -l ${SELECTOR} -o wide`],
    access: [{ verb: 'list', ref: RESOURCES.pods, namespace: MCO_NAMESPACE }],
    async check(ctx) {
      const pods = await ctx.api.list(RESOURCES.pods, MCO_NAMESPACE, SELECTOR);
      const notReady = pods.filter((p) => !ready(p)).map((p) => `${p.metadata.name}${waiting(p)}`);
      if (pods.length === 0 || notReady.length) {
        throw new StepFailed(
          pods.length === 0 ? 'no machine-config-server pods exist' : `not Ready: ${notReady.join(', ')}`,
          `oc -n ${MCO_NAMESPACE} describe pod -l ${SELECTOR} (events: FailedMount, image pulls); oc -n ${MCO_NAMESPACE} logs -l ${SELECTOR} --previous (why the server exits); fix that, then rerun`,
        );
      }
      return `${pods.length} MCS pods Ready`;
    },
  });
}

export function mcsAnswersStep(facts: Facts): FixStep {
  const { port, serverName } = mcsEndpoint(facts);
  return readOnly({
    id: 'check:mcs-answers',
    title: `Check that each master answers TLS on port ${port}`,
    manual: [mastersAnswerByHand(port, serverName)],
    access: [{ verb: 'list', ref: RESOURCES.pods, namespace: MCO_NAMESPACE }],
    async check(ctx) {
      const pods = await ctx.api.list(RESOURCES.pods, MCO_NAMESPACE, SELECTOR);
      const results = await Promise.all(
        pods.map(async (p) => {
          const ip = ((p['status'] ?? {}) as { hostIP?: string }).hostIP;
          if (!ip) return `${p.metadata.name}: no host IP`;
          const r = await servedLeaf(ip, port, serverName, PROBE_TIMEOUT_MS);
          return r.ok ? undefined : `${p.metadata.name} (${ip}:${port}): ${r.message}`;
        }),
      );
      const failed = results.filter((r): r is string => !!r);
      if (failed.length) {
        throw new StepFailed(
          `masters that do not answer: ${failed.join('; ')}`,
          `check the host firewall of those masters for TCP ${port} (iptables/nftables), from the worker network`,
        );
      }
      return `${pods.length} masters answer on ${port}`;
    },
  });
}

export function endpointStep(facts: Facts): FixStep {
  const { port, serverName } = mcsEndpoint(facts);
  return readOnly({
    id: 'check:endpoint',
    title: `Check that ${serverName}:${port}, the address the pointer uses, answers TLS`,
    manual: [endpointByHand(port, serverName)],
    access: [],
    async check() {
      const r = await servedLeaf(serverName, port, serverName, PROBE_TIMEOUT_MS);
      if (!r.ok) {
        throw new StepFailed(
          `${serverName}:${port} does not answer (${r.message}) while the masters do: the VIP, load balancer or a firewall in front of them is at fault`,
          `check which master holds the API VIP (keepalived: oc -n openshift-kni-infra get pods -o wide), its haproxy/load balancer rule for ${port}, DNS for api-int, and firewalls between the worker network and ${serverName}:${port}; rerun this fix when it answers`,
        );
      }
      return `${serverName}:${port} answers TLS`;
    },
  });
}

export function bmcAccessStep(host: HostFacts, facts: Facts): FixStep {
  return readOnly({
    id: `check:bmc-access:${host.name}`,
    title: `Check that the BMC of ${host.name} accepts the credentials in secret ${host.credentialsName ?? '(none)'}`,
    manual: [bmcLoginCommand(bmcTargetOf(host, facts)), ...bmcCredentialsCommands(bmcTargetOf(host, facts))],
    access: [{ verb: 'get', ref: RESOURCES.secrets, namespace: host.namespace }],
    async check(ctx) {
      // Read the secret again: the person may just have corrected it.
      const secret = host.credentialsName
        ? await ctx.api.get({ ref: RESOURCES.secrets, namespace: host.namespace, name: host.credentialsName })
        : undefined;
      const secrets = secret ? [secret, ...itemsOf(facts.snapshot.secrets)] : itemsOf(facts.snapshot.secrets);
      const request = bmcRequestOf(host, secrets, facts.cluster.version, 10_000);
      if (!('access' in request)) throw new StepFailed(request.message);
      const clock = await readBmcClock(request);
      if (!clock.ok) {
        throw new StepFailed(
          `the BMC of ${host.name} (${host.bmcAddress ?? ''}) answers: ${clock.message}`,
          clock.status === 401 || clock.status === 403
            ? `put the right username and password in secret ${host.namespace}/${host.credentialsName}: oc -n ${host.namespace} create secret generic ${host.credentialsName} --from-literal=username=USER --from-literal=password=PASSWORD --dry-run=client -o yaml | oc replace -f -; then rerun this fix`
            : 'check that the BMC address is right and reachable from the provisioning network',
        );
      }
      return `the BMC of ${host.name} accepts the credentials`;
    },
  });
}

export function bmhRegisteredStep(host: HostFacts): FixStep {
  const key = bmhKey(host.namespace, host.name);
  return readOnly({
    id: `check:bmh-registered:${host.name}`,
    title: `Wait for Metal3 to register ${host.name} and clear its error`,
    manual: [
      `oc -n ${host.namespace} wait bmh/${host.name} --for=jsonpath='{.status.operationalStatus}'=OK --timeout=30m`,
    ],
    access: [{ verb: 'get', ref: RESOURCES.bareMetalHosts, namespace: host.namespace }],
    async check(ctx) {
      return waitFor(ctx, `${host.name} to be registered`, async () => {
        const bmh = await ctx.api.get(key);
        const status = (bmh?.['status'] ?? {}) as { errorType?: string; provisioning?: { state?: string } };
        const state = status.provisioning?.state ?? '';
        return !status.errorType && state && !['registering', 'unmanaged', ''].includes(state)
          ? `${host.name} is ${state}`
          : undefined;
      });
    },
  });
}

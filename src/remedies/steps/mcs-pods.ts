/**
 * Making the MCS serve what the secret holds. Before 4.19 the MCS loads its certificate only at
 * start, so its pods are deleted and the DaemonSet recreates them; from 4.19 it reloads the
 * file, so the step only waits. Either way the check is the served certificate itself, read
 * from every MCS pod's host address.
 */
import { versionAtLeast } from '../../openshift/version.js';
import { MCO_NAMESPACE, MCS_APP_LABEL, MCS_NAME, MCS_TLS_SECRET } from '../../core/names.js';
import { servedLeaf } from '../../probes/served-leaf.js';
import { RESOURCES } from '../../sources/resources.js';
import type { KubeObject } from '../../sources/types.js';
import type { Facts } from '../../checks/facts/index.js';
import { keyOf, type KubeApi } from '../kube-api.js';
import { StepFailed, type FixStep, type StepContext } from '../types.js';
import { certsIn, secretKey, secretText, waitFor } from '../util.js';

const SELECTOR = `${MCS_APP_LABEL}=${MCS_NAME}`;
const PROBE_TIMEOUT_MS = 5_000;

function podReady(pod: KubeObject): boolean {
  const status = (pod['status'] ?? {}) as { conditions?: Array<{ type?: string; status?: string }> };
  return (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function hostIp(pod: KubeObject): string | undefined {
  return ((pod['status'] ?? {}) as { hostIP?: string }).hostIP || undefined;
}

export interface ServedState {
  pods: KubeObject[];
  /** Pods serving the secret's certificate, and the others with what they serve. */
  current: string[];
  stale: string[];
}

/** What each MCS pod serves, read from its host address, against the secret's certificate. */
export async function servedState(api: KubeApi, port: number, serverName: string): Promise<ServedState> {
  const secret = await api.get(secretKey(MCO_NAMESPACE, MCS_TLS_SECRET));
  const want = certsIn(secretText(secret, 'tls.crt'), 'tls.crt')[0]?.fingerprintSha256;
  const pods = await api.list(RESOURCES.pods, MCO_NAMESPACE, SELECTOR);
  const current: string[] = [];
  const stale: string[] = [];
  await Promise.all(
    pods.map(async (pod) => {
      const name = pod.metadata.name;
      const ip = hostIp(pod);
      if (!podReady(pod) || !ip) {
        stale.push(`${name}: not Ready`);
        return;
      }
      const served = await servedLeaf(ip, port, serverName, PROBE_TIMEOUT_MS);
      if (!served.ok) stale.push(`${name} (${ip}:${port}): ${served.message}`);
      else if (served.fingerprint256 !== want)
        stale.push(`${name} (${ip}:${port}) serves another certificate`);
      else current.push(name);
    }),
  );
  return { pods, current, stale };
}

/** The state when every MCS pod serves the secret's certificate; undefined while one does not. */
export async function servedEverywhere(
  api: KubeApi,
  port: number,
  serverName: string,
): Promise<ServedState | undefined> {
  const s = await servedState(api, port, serverName);
  return s.pods.length > 0 && s.stale.length === 0 ? s : undefined;
}

/** The MCS port and the name Ignition sends as SNI, from the pointer the hosts use. */
export function mcsEndpoint(facts: Facts): { port: number; serverName: string } {
  for (const host of facts.selected) {
    const url = facts.pointerFor(host).pointer?.sources[0]?.url;
    if (!url) continue;
    try {
      const u = new URL(url);
      return { port: Number(u.port || 443), serverName: u.hostname.replace(/^\[|\]$/g, '') };
    } catch {
      // not a URL: fall back below
    }
  }
  return { port: 22623, serverName: facts.cluster.apiIntHost ?? '' };
}

export function mcsServingStep(facts: Facts): FixStep {
  const reloads = facts.cluster.version ? versionAtLeast(facts.cluster.version, '4.19') : false;
  const { port, serverName } = mcsEndpoint(facts);
  const describe = (s: ServedState) =>
    `${s.current.length} of ${s.pods.length} MCS pods serve the new certificate${s.stale.length ? ` (${s.stale.join('; ')})` : ''}`;
  const served = (ctx: StepContext) => servedEverywhere(ctx.api, port, serverName);
  return {
    id: 'mcs-serving',
    title: reloads
      ? 'Wait until every MCS pod serves the new certificate (4.19+ reloads it without a restart)'
      : 'Restart the MCS pods so they load the new certificate (before 4.19 the MCS reads it only at start)',
    kind: reloads ? 'check' : 'change',
    touches: reloads ? [] : [`pods -l ${SELECTOR} in ${MCO_NAMESPACE} (recreated by daemonset ${MCS_NAME})`],
    manual: reloads
      ? [`oc -n ${MCO_NAMESPACE} get pods -l ${SELECTOR}`]
      : [`oc -n ${MCO_NAMESPACE} delete pod -l ${SELECTOR}`],
    access: [
      { verb: 'list', ref: RESOURCES.pods, namespace: MCO_NAMESPACE },
      ...(reloads ? [] : [{ verb: 'delete', ref: RESOURCES.pods, namespace: MCO_NAMESPACE }]),
    ],
    async isDone(ctx) {
      const s = await served(ctx);
      return s ? describe(s) : undefined;
    },
    async apply(ctx) {
      if (reloads) return 'nothing to restart';
      const s = await servedState(ctx.api, port, serverName);
      const stale = s.pods.filter((p) => !s.current.includes(p.metadata.name));
      for (const pod of stale) {
        const key = keyOf(RESOURCES.pods, pod);
        await ctx.backupObject(key, {
          restorable: false,
          note: `recreated by daemonset ${MCO_NAMESPACE}/${MCS_NAME}`,
        });
        await ctx.api.delete(key);
      }
      return `deleted ${stale.length} MCS pod(s): ${stale.map((p) => p.metadata.name).join(', ') || 'none'}`;
    },
    async verify(ctx) {
      try {
        return describe(await waitFor(ctx, 'the MCS pods to serve the new certificate', () => served(ctx)));
      } catch (err) {
        if (!(err instanceof StepFailed)) throw err;
        const s = await servedState(ctx.api, port, serverName);
        throw new StepFailed(
          `${err.message}: ${describe(s)}`,
          `oc -n ${MCO_NAMESPACE} get pods -l ${SELECTOR}; oc -n ${MCO_NAMESPACE} logs -l ${SELECTOR}`,
        );
      }
    },
  };
}

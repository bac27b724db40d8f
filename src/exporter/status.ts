/**
 * The exporter's status object (`--status-configmap NAMESPACE/NAME`): after each collection it
 * writes the current findings into the `data` of one ConfigMap, with a JSON merge patch. It is
 * for policy engines that judge objects, not metrics: an RHACM ConfigurationPolicy `musthave`
 * `data.verdict: ok` (manifests/fleet/acm) turns a failing pointer or an expiring MCS certificate
 * into non-compliance. The exporter only patches that object: the ConfigMap is created by the
 * manifests, and its Role allows `get` and `patch` on that one name (manifests/fleet/exporter).
 */
import type { LiveSource } from '../sources/live.js';
import { statusMessage } from '../sources/live.js';
import { COLLECTED, type Collected } from './metrics.js';

/** The MCS serving certificate counts as expiring with fewer days left than this (as McsServingCertificateExpiring's warning). */
export const STATUS_EXPIRY_DAYS = 30;

export interface StatusRef {
  namespace: string;
  name: string;
}

/** `NAMESPACE/NAME` as the flag takes it. */
export function parseStatusRef(value: string): StatusRef | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(value.trim());
  if (!m || m[1]!.length > 63 || m[3]!.length > 253) return undefined;
  return { namespace: m[1]!, name: m[3]! };
}

const days = (seconds: number): string => `${Math.floor(seconds / 86400)}d`;

/**
 * What the ConfigMap says, from one collection's samples. `verdict` is `ok` (a successful
 * collection found no failing pointer and no MCS serving certificate within the threshold),
 * `fail` (it found one), or `unknown` (the collection could not read everything and found
 * nothing failing). `findings` has one line per finding, most severe first.
 */
export function statusData(collected: Collected, now: Date, success: boolean): Record<string, string> {
  const findings: string[] = [];
  let failingPointers = 0;
  for (const s of collected.get(COLLECTED.workerFetch) ?? []) {
    if (s.value !== 0) continue;
    failingPointers += 1;
    const l = s.labels;
    findings.push(
      `worker-fetch-fail ${l['secret_namespace']}/${l['secret_name']} endpoint=${l['endpoint']} reason=${l['reason']} cause=${l['cause']}`,
    );
  }
  let expiring = 0;
  const limit = now.getTime() / 1000 + STATUS_EXPIRY_DAYS * 86400;
  for (const s of collected.get(COLLECTED.servingNotAfter) ?? []) {
    if (s.value >= limit) continue;
    expiring += 1;
    const l = s.labels;
    const where =
      l['source'] === 'served'
        ? `served ${l['endpoint']}`
        : `secret ${l['secret_namespace']}/${l['secret_name']}`;
    const left = s.value - now.getTime() / 1000;
    findings.push(
      `${left <= 0 ? 'mcs-cert-expired' : 'mcs-cert-expiring'} ${where} serial=${l['serial_number']} ${left <= 0 ? 'expired' : `left=${days(left)}`}`,
    );
  }
  const verdict = failingPointers + expiring > 0 ? 'fail' : success ? 'ok' : 'unknown';
  return {
    verdict,
    failingPointers: String(failingPointers),
    expiringCertificates: String(expiring),
    findings: findings.join('\n'),
    collectionSuccess: success ? 'true' : 'false',
    lastCollection: now.toISOString(),
  };
}

/** Patches the ConfigMap's data; throws with the API's message when the API refuses. */
export async function writeStatus(
  live: LiveSource,
  ref: StatusRef,
  data: Record<string, string>,
): Promise<void> {
  const path = `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/configmaps/${encodeURIComponent(ref.name)}?fieldManager=mcs-doctor-exporter`;
  const answer = await live.send({
    method: 'PATCH',
    path,
    body: { data },
    contentType: 'application/merge-patch+json',
  });
  if (answer.status >= 200 && answer.status < 300) return;
  const hint =
    answer.status === 404
      ? ' (create it first: manifests/fleet/exporter ships it)'
      : answer.status === 403
        ? ' (its Role must allow get and patch on this ConfigMap)'
        : '';
  throw new Error(
    `configmap ${ref.namespace}/${ref.name}: ${answer.status} ${statusMessage(answer.body)}${hint}`,
  );
}

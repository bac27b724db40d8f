/**
 * The operator's syncMachineConfigPools part: one `<pool>-user-data-managed` secret per
 * MachineConfigPool in openshift-machine-api, re-rendered when its CA source changes
 * (4.10–4.18: kube-system/root-ca ca.crt; 4.19+: the machine-config-server-ca bundle, falling
 * back to root-ca). Applied like resourceapply.ApplySecret: an unchanged secret is not written.
 */
import type { SimContext } from '../../context.js';
import type { KubeObject } from '../../kube/types.js';
import { versionAtLeast } from '../../seed.js';
import { configMapValue, encodeData, getConfigMap } from './kube-util.js';
import { MANAGED_CA_LABEL, MAPI_NAMESPACE, MCO_NAMESPACE, MCS_CA_NAME } from './names.js';
import { pointerConfigJson } from './pointer.js';

/** getIgnitionHost: on BareMetal the first API VIP, else the apiServerInternalURI host; port 22623. */
export function ignitionHost(ctx: SimContext): string {
  const s = ctx.store;
  const infra = s.get(s.type('infrastructures', 'config.openshift.io'), undefined, 'cluster');
  const status = (infra?.status ?? {}) as {
    apiServerInternalURI?: string;
    platformStatus?: { type?: string; baremetal?: { apiServerInternalIPs?: string[] } };
  };
  const port = 22623;
  const vip = status.platformStatus?.baremetal?.apiServerInternalIPs?.[0];
  if (vip) return vip.includes(':') ? `[${vip}]:${port}` : `${vip}:${port}`;
  if (status.apiServerInternalURI) return `${new URL(status.apiServerInternalURI).hostname}:${port}`;
  return `${ctx.network.apiVip}:${port}`;
}

/** The CA bundle the operator puts in pointer configs, or undefined when its source is missing. */
export function pointerCaBundle(ctx: SimContext): string | undefined {
  const rootCa = configMapValue(getConfigMap(ctx.store, 'kube-system', 'root-ca'), 'ca.crt');
  if (!versionAtLeast(ctx.version, '4.19')) return rootCa;
  return configMapValue(getConfigMap(ctx.store, MCO_NAMESPACE, MCS_CA_NAME), 'ca-bundle.crt') ?? rootCa;
}

function sameData(a: unknown, b: unknown): boolean {
  const x = (a ?? {}) as Record<string, string>;
  const y = (b ?? {}) as Record<string, string>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  return [...keys].every((k) => x[k] === y[k]);
}

export function syncManagedUserData(ctx: SimContext): void {
  const s = ctx.store;
  const ca = pointerCaBundle(ctx);
  // The real sync fails (and retries) when root-ca is missing; nothing is written.
  if (ca === undefined) return;
  const host = ignitionHost(ctx);
  const secrets = s.type('secrets', '');
  const pools = s.list(s.type('machineconfigpools', 'machineconfiguration.openshift.io')).items;
  for (const pool of pools) {
    const name = `${pool.metadata.name}-user-data-managed`;
    const wanted: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name,
        namespace: MAPI_NAMESPACE,
        ...(versionAtLeast(ctx.version, '4.19') ? { labels: { [MANAGED_CA_LABEL]: '' } } : {}),
        ownerReferences: [
          {
            apiVersion: 'machineconfiguration.openshift.io/v1',
            kind: 'MachineConfigPool',
            name: pool.metadata.name,
            uid: pool.metadata.uid ?? '',
          },
        ],
      },
      type: 'Opaque',
      data: encodeData({
        // manifests/userdata_secret.yaml: "dHJ1ZQo=" is "true\n".
        disableTemplating: 'true\n',
        userData: pointerConfigJson(ctx.version, host, pool.metadata.name, ca),
      }),
    };
    const current = s.get(secrets, MAPI_NAMESPACE, name);
    if (!current) {
      s.create(secrets, wanted);
      continue;
    }
    const labels = { ...(current.metadata.labels ?? {}), ...(wanted.metadata.labels ?? {}) };
    const same =
      sameData(current.data, wanted.data) &&
      current.type === wanted.type &&
      JSON.stringify(current.metadata.labels ?? {}) === JSON.stringify(labels) &&
      JSON.stringify(current.metadata.ownerReferences ?? []) ===
        JSON.stringify(wanted.metadata.ownerReferences);
    if (same) continue;
    s.mutate(secrets, MAPI_NAMESPACE, name, (secret) => {
      secret.data = wanted.data;
      secret.type = wanted.type;
      secret.metadata.labels = labels;
      secret.metadata.ownerReferences = wanted.metadata.ownerReferences;
    });
  }
}

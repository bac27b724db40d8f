/**
 * Where everything of one simulated cluster listens: a private 127.N.0.0/16 per cluster, so
 * several simulated clusters (parallel tests) never collide and every simulated machine has
 * its own address, seen as the client address in the MCS's logs.
 *   127.N.0.5          API VIP: kube-apiserver :6443 and the MCS VIP :22623/:22624
 *   127.N.0.10+i       master i (its MCS pod serves :22623 and :22624 there)
 *   127.N.(1+i/200).(10+i%200)    worker host i (source address of its fetches)
 *   127.N.(128+i/200).(10+i%200)  BMC of worker host i (Redfish on :8000)
 */
export interface SimNetwork {
  /** Second octet N. */
  octet: number;
  clusterName: string;
  baseDomain: string;
  apiVip: string;
  ingressVip: string;
  apiPort: number;
  mcsPort: number;
  mcsInsecurePort: number;
  bmcPort: number;
  masterIps: string[];
  /** `api-int.<cluster>.<domain>` */
  apiIntName: string;
  /** `api.<cluster>.<domain>` */
  apiName: string;
  /** The names the simulated DNS resolves (api, api-int -> API VIP). */
  dns: Map<string, string>;
  hostIp(index: number): string;
  bmcIp(index: number): string;
}

export const MAX_SIM_HOSTS = 25_000;

export function planNetwork(opts: {
  octet: number;
  clusterName?: string;
  baseDomain?: string;
  masters?: number;
  apiPort?: number;
  mcsPort?: number;
  mcsInsecurePort?: number;
  bmcPort?: number;
}): SimNetwork {
  const { octet } = opts;
  if (!Number.isInteger(octet) || octet < 1 || octet > 254)
    throw new RangeError(`octet must be 1..254, got ${octet}`);
  const clusterName = opts.clusterName ?? 'sim';
  const baseDomain = opts.baseDomain ?? 'example.test';
  const apiVip = `127.${octet}.0.5`;
  const apiIntName = `api-int.${clusterName}.${baseDomain}`;
  const apiName = `api.${clusterName}.${baseDomain}`;
  const slot = (base: number, index: number): string => {
    if (!Number.isInteger(index) || index < 0 || index >= MAX_SIM_HOSTS)
      throw new RangeError(`host index out of range: ${index}`);
    return `127.${octet}.${base + Math.floor(index / 200)}.${10 + (index % 200)}`;
  };
  return {
    octet,
    clusterName,
    baseDomain,
    apiVip,
    ingressVip: `127.${octet}.0.6`,
    apiPort: opts.apiPort ?? 6443,
    mcsPort: opts.mcsPort ?? 22623,
    mcsInsecurePort: opts.mcsInsecurePort ?? 22624,
    bmcPort: opts.bmcPort ?? 8000,
    masterIps: Array.from({ length: opts.masters ?? 3 }, (_, i) => `127.${octet}.0.${10 + i}`),
    apiIntName,
    apiName,
    dns: new Map([
      [apiIntName, apiVip],
      [apiName, apiVip],
    ]),
    hostIp: (i) => slot(1, i),
    bmcIp: (i) => slot(128, i),
  };
}

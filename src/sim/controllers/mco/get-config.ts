/**
 * The cluster MCS's GetConfig lookups (MCO pkg/server/cluster_server.go, the same on release-4.12
 * to release-4.19), read from the store on each request as the real server reads its informer
 * listers:
 *  1. the MachineConfigPool named by the URL (`could not fetch pool. err: ...` when missing);
 *  2. its rendered MachineConfig: `spec.configuration.name` once at least one node of the pool
 *     runs it (`status.updatedMachineCount > 0`), else `status.configuration.name`, so a new
 *     node never gets a config no node has proven (`could not fetch config <name>, err: ...`).
 * 4.16+ also reads ControllerConfig `machine-config-controller`; the operator keeps that object,
 * and the simulator does not serve ControllerConfigs, so that lookup is not modelled.
 */
import type { ObjectStore } from '../../kube/store.js';
import { poolNotFound, type ConfigLookup } from '../../mcs/handler.js';
import { goQuote } from '../../../pki/goquote.js';

interface PoolShape {
  spec?: { configuration?: { name?: string } };
  status?: { configuration?: { name?: string }; updatedMachineCount?: number };
}

/** The rendered config GetConfig picks for a pool (cluster_server.go: `currConf`). */
export function servedRenderedConfig(pool: PoolShape): string {
  return (pool.status?.updatedMachineCount ?? 0) > 0
    ? (pool.spec?.configuration?.name ?? '')
    : (pool.status?.configuration?.name ?? '');
}

export function clusterGetConfig(store: ObjectStore, poolName: string): ConfigLookup {
  const pool = store.get(
    store.type('machineconfigpools', 'machineconfiguration.openshift.io'),
    undefined,
    poolName,
  );
  if (!pool) return { ok: false, error: poolNotFound(poolName) };
  const current = servedRenderedConfig(pool as PoolShape);
  const mc = store.get(store.type('machineconfigs', 'machineconfiguration.openshift.io'), undefined, current);
  if (!mc) {
    return {
      ok: false,
      error: `could not fetch config ${current}, err: machineconfig.machineconfiguration.openshift.io ${goQuote(current)} not found`,
    };
  }
  return { ok: true, rendered: current };
}

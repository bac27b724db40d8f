/** What `sim start` prints once everything serves: what runs where, and what to try. */
import type { SimCluster } from './cluster.js';

export function describeCluster(cluster: SimCluster): string {
  const { network, scenario, version, seed } = cluster;
  const hosts = [...cluster.ctx.hosts.values()];
  const redfish = hosts.filter((h) => h.bmcUrl);
  const problem = scenario.host;
  const lines = [
    `Simulated OpenShift ${version} cluster "${network.clusterName}.${network.baseDomain}", scenario ${scenario.name}:`,
    `  ${scenario.description}`,
    ...(scenario.notes?.[version] ? [`  ${scenario.notes[version]}`] : []),
    '',
    `  Kubernetes API   ${cluster.apiUrl}  (contexts: admin, read-only)`,
    `  kubeconfig       ${cluster.kubeconfigPath}`,
    `  MCS via API VIP  https://${network.apiVip}:${network.mcsPort}/config/worker  (plain HTTP :${network.mcsInsecurePort})`,
    `  MCS pods         ${network.masterIps.map((ip) => `${ip}:${network.mcsPort}`).join(', ')}`,
    `  api-int name     ${network.apiIntName} -> ${network.apiVip} (simulated DNS, used by the hosts)`,
    `  worker hosts     ${seed.hosts.length}${redfish.length > 0 ? `, Redfish BMCs e.g. ${redfish[0]?.bmcUrl}` : ''}`,
  ];
  if (problem && scenario.latent) {
    lines.push(
      `  spare host       ${problem} (available; nothing has failed yet)`,
      `  after scale-up   ${scenario.latent.afterScaleUp}${scenario.expectedCause ? ` (cause: ${scenario.expectedCause})` : ''}`,
    );
  } else if (problem) {
    lines.push(
      `  problem host     ${problem} (expected cause: ${scenario.expectedCause ?? 'none, healthy'})`,
    );
  }
  lines.push(
    '',
    'Try:',
    `  export KUBECONFIG=${cluster.kubeconfigPath}`,
    '  kubectl get bmh -n openshift-machine-api',
    '  kubectl get pods -n openshift-machine-config-operator -l k8s-app=machine-config-server',
    '  kubectl get csr',
  );
  if (problem && scenario.latent) {
    lines.push(
      `  mcs-doctor preflight --kubeconfig ${cluster.kubeconfigPath}`,
      ...seed.objects
        .filter((o) => o.kind === 'MachineSet')
        .map(
          (ms) =>
            `  kubectl -n openshift-machine-api scale machineset ${ms.metadata.name} --replicas=${((ms.spec as { replicas?: number } | undefined)?.replicas ?? 0) + 1}`,
        ),
    );
  }
  if (problem) lines.push(`  mcs-doctor sim console ${problem}`);
  lines.push('', 'Ready. Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

// `npm run demo`: the main job on the built-in simulated cluster. It starts the cluster with a
// failing scenario (an OpenShift 4.16 cluster whose installer-made MCS serving certificate has
// expired, and a new worker, worker-0, being added through its BareMetalHost), waits until the
// worker's Ignition has failed on its console, and then works it out from outside, through the
// kubeconfig, exactly as a user would from a shell: `mcs-doctor diagnose` (the whole join
// pipeline, the root cause, its evidence and the fix), then the same piece by piece: the
// worker's pointer config from the cluster, `mcs-doctor probe` with it, and `mcs-doctor
// explain` on the worker's console. Then it fixes it: the plan, `fix --apply` with a backup,
// `verify` until the worker's Node is Ready, and `diagnose` once more (healthy).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run.js';
import { startSimCluster } from '../sim/cluster.js';
import { waitForHostOutcome } from '../sim/settle.js';

const SCENARIO = 'mcs-cert-expired';

async function readSecretThroughKubeconfig(
  kubeconfig: string,
  namespace: string,
  name: string,
): Promise<string> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const secret = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ name, namespace });
  return JSON.stringify(secret, null, 2);
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-demo-'));
  const kubeconfig = join(dir, 'kubeconfig');
  console.log(`mcs-doctor demo: starting the simulated cluster, scenario ${SCENARIO} ...`);
  const cluster = await startSimCluster({ scenario: SCENARIO, speed: 100, kubeconfigOut: kubeconfig });
  try {
    const host = cluster.scenario.host ?? 'worker-0';
    console.log(`  ${cluster.scenario.description}`);
    console.log(`  API ${cluster.apiUrl}, kubeconfig ${kubeconfig}`);
    console.log(`  waiting for ${host} to be provisioned and boot ...`);
    const outcome = await waitForHostOutcome(cluster.ctx, host, 60_000);
    console.log(`  ${host}: ${outcome ?? 'still booting after 60 s'}`);
    console.log('');

    const diagnoseArgs = ['diagnose', '--kubeconfig', kubeconfig];
    console.log(`$ mcs-doctor ${diagnoseArgs.join(' ')}`);
    console.log('');
    const diagnoseCode = await runCli(diagnoseArgs);
    console.log('');
    console.log('The same, piece by piece:');
    console.log('');

    // The BareMetalHost names the user-data secret its config drive was written from.
    const bmh = cluster.ctx.store.get(cluster.ctx.store.type('bmh'), 'openshift-machine-api', host);
    const userData =
      (bmh?.spec as { userData?: { name?: string } } | undefined)?.userData?.name ??
      'worker-user-data-managed';
    const secretPath = join(dir, `${userData}.json`);
    writeFileSync(
      secretPath,
      await readSecretThroughKubeconfig(kubeconfig, 'openshift-machine-api', userData),
      { mode: 0o600 },
    );
    console.log(`$ oc get secret ${userData} -n openshift-machine-api -o json > ${secretPath}`);
    console.log('');

    const consoleArgs = ['sim', 'console', host, '--kubeconfig', kubeconfig];
    const consoleText = cluster.console(host) ?? '';
    const consolePath = join(dir, `${host}.console.log`);
    writeFileSync(consolePath, consoleText);
    console.log(`$ mcs-doctor ${consoleArgs.join(' ')} | grep ignition | tail -4`);
    for (const line of consoleText
      .split('\n')
      .filter((l) => l.includes('ignition'))
      .slice(-4))
      console.log(line);
    console.log('');

    const probeArgs = ['probe', '--pointer', secretPath];
    console.log(`$ mcs-doctor ${probeArgs.join(' ')}`);
    console.log('');
    const probeCode = await runCli(probeArgs);
    console.log('');
    const explainArgs = ['explain', consolePath];
    console.log(`$ mcs-doctor ${explainArgs.join(' ')}`);
    console.log('');
    const explainCode = await runCli(explainArgs);
    console.log('');
    console.log(
      `(diagnose exited ${diagnoseCode}, probe ${probeCode} and explain ${explainCode}: 1 = the worker cannot fetch its config)`,
    );
    console.log('');
    console.log('Now the fix: first the plan (nothing changes), then --apply with a backup, then verify.');
    console.log('');
    const backupDir = join(dir, 'backup');
    const steps: Array<[string, string[]]> = [
      ['plan', ['fix', '--host', host, '--kubeconfig', kubeconfig]],
      [
        'apply',
        ['fix', '--host', host, '--apply', '--yes', '--backup-dir', backupDir, '--kubeconfig', kubeconfig],
      ],
      [
        'verify',
        [
          'verify',
          '--host',
          host,
          '--watch',
          '--timeout',
          '5m',
          '--interval',
          '1s',
          '--approve-csrs',
          '--kubeconfig',
          kubeconfig,
        ],
      ],
      ['diagnose', ['diagnose', '--kubeconfig', kubeconfig]],
    ];
    const codes: Record<string, number> = {};
    for (const [name, args] of steps) {
      console.log(`$ mcs-doctor ${args.join(' ')}`);
      console.log('');
      codes[name] = await runCli(args);
      console.log('');
    }
    console.log(
      `(fix exited ${codes['apply']}, verify ${codes['verify']} and the last diagnose ${codes['diagnose']}: 0 = fixed, joined, healthy; mcs-doctor restore ${backupDir} would undo the fix)`,
    );
    // The scenario is broken on purpose: the three must find the problem, the fix must make the worker join.
    return diagnoseCode === 1 &&
      probeCode === 1 &&
      explainCode === 1 &&
      codes['plan'] === 0 &&
      codes['apply'] === 0 &&
      codes['verify'] === 0 &&
      codes['diagnose'] === 0
      ? 0
      : 1;
  } finally {
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();

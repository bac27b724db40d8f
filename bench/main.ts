// `npm run bench`: every benchmark the issues ask for, printed as figures. Nothing here asserts;
// targets are read by people against the goals in the README.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCertsLive } from './certs.js';
import { benchDiagnoseLive, benchDiagnoseOffline } from './diagnose.js';
import { benchExplain } from './explain.js';
import { benchExporter, deployedEnv } from './exporter.js';
import { benchFleet } from './fleet.js';
import { benchSimApiList } from './sim-api.js';
import { benchSimStart } from './sim-start.js';

function print(figures: object): void {
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(28)} ${String(value)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-bench-'));
// `BENCH_ONLY=fleet npm run bench`: one benchmark alone (the others take many minutes).
const only = process.env.BENCH_ONLY;
try {
  if (only && only !== 'fleet') throw new Error(`BENCH_ONLY=${only}: only "fleet" can be run alone`);
  if (!only) await everyOtherBench();
  if (!only || only === 'fleet') {
    const clusters = Number(process.env.BENCH_FLEET_CLUSTERS ?? 50);
    console.log(
      `== fleet diagnose over ${clusters} simulated clusters (sim start --clusters ${clusters}, its start measured apart; goal: fleet < 15 s on 2 cores)`,
    );
    print(await benchFleet(clusters, dir));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function everyOtherBench(): Promise<void> {
  const sizeMb = Number(process.env.BENCH_EXPLAIN_MB ?? 500);
  // A run at a tenth of the size first: flat memory means the same peak RSS at both sizes.
  for (const size of [Math.max(1, Math.round(sizeMb / 10)), sizeMb]) {
    console.log(`== explain: ${size} MB generated journal vs grep -E (same patterns, same file)`);
    print(await benchExplain({ sizeMb: size, dir }));
  }
  for (const hosts of [3, 1000]) {
    console.log(
      `== sim start --scenario healthy --hosts ${hosts}: until "Ready." (goal at 1000: < 10 s, < 500 MB)`,
    );
    print(await benchSimStart(hosts));
  }
  console.log('== simulated API: list of every BareMetalHost over HTTPS (goal at 1000: < 200 ms)');
  print(await benchSimApiList(1000));
  for (const hosts of [1, 100, 1000]) {
    console.log(
      `== diagnose, live, mcs-cert-expired --hosts ${hosts}, vs the manual quick diagnostic (goal at 1000: < 1.5 s, < 20 API requests, >= 5x faster)`,
    );
    print(await benchDiagnoseLive(hosts, dir));
  }
  console.log('== diagnose, offline, a must-gather directory padded to 1 GB (goal: < 2 s)');
  print(await benchDiagnoseOffline(dir));
  // Flat memory: past V8's young-generation growth, about the same peak RSS at every size.
  for (const secrets of [1000, 10_000, 30_000]) {
    console.log(
      `== certs -A, live, sim start --scenario healthy --tls-secrets ${secrets} (goal at 10000: < 3 s, pages of 500, memory flat)`,
    );
    print(await benchCertsLive(secrets, dir));
  }
  const window = Number(process.env.BENCH_EXPORTER_SECONDS ?? 60);
  // As manifests/exporter deploys it (its environment), the collections in their worker thread
  // and then on the main thread; then with Node's and glibc's defaults.
  for (const [how, env, thread] of [
    ['as deployed', deployedEnv(), 'worker'],
    ['as deployed, --collector-thread main', deployedEnv(), 'main'],
    ["Node's and glibc's defaults", {}, 'worker'],
  ] as const) {
    console.log(
      `== exporter (${how}), healthy --hosts 1000, --interval 15s, a scrape every 100 ms for ${window} s after 3 collections (goals: API requests flat, /metrics p95 < 20 ms, RSS < 150 MB)`,
    );
    print(await benchExporter(1000, window, '15s', env, thread));
  }
}

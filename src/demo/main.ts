// `npm run demo`: a self-contained run of the main job. It starts a Machine Config Server
// endpoint on loopback that serves a certificate which expired three days ago (a cluster
// installed ten years and three days ago, whose installer-made 10-year certificates ran out),
// writes the pointer Ignition config a new worker would boot with, and runs `mcs-doctor probe`
// on it exactly as a user would from a shell.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate } from '../pki/issue.js';
import { startMcsEndpoint } from '../sim/mcs/index.js';
import { runCli } from '../cli/run.js';

const DAY_MS = 86_400_000;
const API_INT_HOST = 'api-int.demo.mcs-doctor.test';

function tenYearsAfter(date: Date): Date {
  const end = new Date(date);
  end.setUTCFullYear(end.getUTCFullYear() + 10);
  return end;
}

async function main(): Promise<number> {
  const installedAt = new Date(Date.now() - 3 * DAY_MS);
  installedAt.setUTCFullYear(installedAt.getUTCFullYear() - 10);
  installedAt.setUTCMilliseconds(0);
  const rootCa = await issueCertificate({
    subject: 'CN=root-ca, OU=openshift',
    isCA: true,
    notBefore: installedAt,
    notAfter: tenYearsAfter(installedAt),
  });
  const serving = await issueCertificate({
    subject: `CN=${API_INT_HOST}`,
    issuer: rootCa,
    dnsNames: [API_INT_HOST],
    notBefore: installedAt,
    notAfter: tenYearsAfter(installedAt),
  });

  const endpoint = await startMcsEndpoint({
    host: '127.0.0.1',
    port: 0,
    tls: { certChainPem: serving.certPem, keyPem: serving.keyPem },
  });
  const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-demo-'));
  try {
    const pointerPath = join(dir, 'worker-pointer.ign');
    const caDataUrl = `data:text/plain;charset=utf-8;base64,${Buffer.from(rootCa.certPem).toString('base64')}`;
    const pointer = {
      ignition: {
        version: '3.2.0',
        config: { merge: [{ source: `https://${API_INT_HOST}:${endpoint.port}/config/worker` }] },
        security: { tls: { certificateAuthorities: [{ source: caDataUrl }] } },
      },
    };
    writeFileSync(pointerPath, JSON.stringify(pointer, null, 2) + '\n', { mode: 0o600 });

    const args = ['probe', '--pointer', pointerPath, '--resolve', `${API_INT_HOST}:127.0.0.1`];
    console.log('mcs-doctor demo: a Machine Config Server on 127.0.0.1 whose installer-made certificates');
    console.log('(root-ca and the serving cert, 10 years each) ran out three days ago. A new worker boots');
    console.log(`with the pointer config in ${pointerPath}.`);
    console.log('');
    console.log(`$ mcs-doctor ${args.join(' ')}`);
    console.log('');
    const code = await runCli(args);
    console.log('');
    console.log(`(probe exited ${code}: 0 = the worker would fetch its config, 1 = it would not)`);
    // The demo's server is broken on purpose: anything but "problem found" means mcs-doctor is wrong.
    return code === 1 ? 0 : 1;
  } finally {
    await endpoint.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();

/** Simulated workers booting, fetching Ignition over real TLS, failing like Ignition, and joining. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { explainStream } from '../../../../src/ignition/log.js';
import { formatRFC3339 } from '../../../../src/pki/gotime.js';
import { CsrControllers } from '../../../../src/sim/controllers/approver/index.js';
import { HostMachines } from '../../../../src/sim/controllers/host/index.js';
import type { KubeObject } from '../../../../src/sim/kube/types.js';
import { eventually, makePki, makeWorld, mcsLeaf, type Pki, type World } from './world.js';

const DAY = 86_400_000;
const YEAR = 365 * DAY;

let pki: Pki;
before(async () => {
  pki = await makePki();
});

function consoleText(world: World): string {
  return world.ctx.consoles.find('worker-0')?.text() ?? '';
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

async function explainCauses(text: string): Promise<string[]> {
  const result = await explainStream([Buffer.from(text)], 'console');
  return result.causes.map((c) => c.id);
}

async function withWorld(
  opts: Parameters<typeof makeWorld>[0],
  run: (w: World) => Promise<void>,
): Promise<void> {
  const world = await makeWorld(opts);
  try {
    await run(world);
  } finally {
    await world.close();
  }
}

describe('a worker whose fetch fails', () => {
  test('expired MCS cert: Ignition logs the x509 error at the host clock, gives up, reboots and loops', async () => {
    const now = Date.now();
    const notAfter = new Date(now - 30 * DAY);
    const leaf = await mcsLeaf(pki.root, 'api-int.sim.example.test', new Date(now - 400 * DAY), notAfter);
    // The BMC clock runs a day ahead: the error must carry the host's time, not the real one.
    await withWorld({ pki, leaf, clockOffsetMs: DAY }, async (world) => {
      const powered: string[] = [];
      world.host.onPower((p) => powered.push(p));
      await world.start(new HostMachines());
      world.host.setPower('On', 'test');
      const text = await eventually('a second boot after the give-up time', 15_000, () => {
        const t = consoleText(world);
        return count(t, 'Linux version') >= 2 && count(t, 'Stage: fetch') >= 2 ? t : undefined;
      });
      const errorLine = new RegExp(
        String.raw`^\[\s*\d+\.\d{6}\] ignition\[\d+\]: INFO     : GET error: Get "${world.url.replace(/[.]/g, '\\.')}": x509: certificate has expired or is not yet valid: current time (\S+) is after ${formatRFC3339(notAfter)}$`,
        'm',
      );
      const m = errorLine.exec(text);
      assert.ok(m, `no expired-cert line in:\n${text.slice(0, 3000)}`);
      const hostTime = Date.parse(m[1] as string);
      assert.ok(
        Math.abs(hostTime - (Date.now() + DAY)) < 60_000,
        `current time ${m[1]} is not the host clock`,
      );
      assert.ok(count(text, 'x509: certificate has expired or is not yet valid') >= 3, 'Ignition retries');
      assert.match(
        text,
        /ignition\[\d+\]: INFO {5}: GET https:\/\/api-int\.sim\.example\.test:\d+\/config\/worker: attempt #2$/m,
      );
      assert.match(text, /ignition\[\d+\]: INFO {5}: Adding "root-ca" to list of CAs$/m);
      assert.match(
        text,
        /ignition\[\d+\]: WARNING {2}: failed to fetch config: unable to fetch resource in time$/m,
      );
      assert.match(
        text,
        /ignition\[\d+\]: CRITICAL : failed to acquire config: unable to fetch resource in time$/m,
      );
      assert.match(text, /ignition\[\d+\]: CRITICAL : Ignition failed: unable to fetch resource in time$/m);
      assert.match(text, /Displaying logs from failed units: ignition-fetch\.service/);
      assert.match(text, /ignition\[\d+\]: INFO {5}: Ignition 2\.14\.0$/m);
      assert.deepEqual(powered.slice(0, 3), ['On', 'Off', 'On']);
      assert.equal((await explainCauses(text))[0], 'mcs-cert-expired');
      // The MCS never saw a request: the handshake failed on the client side.
      assert.doesNotMatch(world.mcs.logText(), /requested by/);
    });
  });

  test('a host clock 3 years behind says "is before" and explain blames the clock', async () => {
    const now = Date.now();
    const notBefore = new Date(now - DAY);
    const leaf = await mcsLeaf(pki.root, 'api-int.sim.example.test', notBefore, new Date(now + 365 * DAY));
    await withWorld({ pki, leaf, clockOffsetMs: -3 * YEAR }, async (world) => {
      await world.start(new HostMachines());
      world.host.setPower('On', 'test');
      const text = await eventually('two failed attempts', 10_000, () => {
        const t = consoleText(world);
        return count(t, 'GET error:') >= 2 ? t : undefined;
      });
      const m =
        /x509: certificate has expired or is not yet valid: current time (\S+) is before (\S+)$/m.exec(text);
      assert.ok(m, text.slice(0, 2000));
      assert.equal(m[2], formatRFC3339(notBefore));
      assert.ok(Math.abs(Date.parse(m[1] as string) - (Date.now() - 3 * YEAR)) < 60_000);
      assert.equal((await explainCauses(text))[0], 'worker-clock-skew');
    });
  });

  test('a pointer CA that did not sign the served cert: unknown authority', async () => {
    const now = Date.now();
    const leaf = await mcsLeaf(
      pki.root,
      'api-int.sim.example.test',
      new Date(now - DAY),
      new Date(now + 365 * DAY),
    );
    await withWorld({ pki, leaf, pointerCa: pki.other }, async (world) => {
      await world.start(new HostMachines());
      world.host.setPower('On', 'test');
      const text = await eventually('two failed attempts', 10_000, () => {
        const t = consoleText(world);
        return count(t, 'GET error:') >= 2 ? t : undefined;
      });
      assert.match(text, /INFO {5}: Adding "other-ca" to list of CAs$/m);
      assert.match(
        text,
        new RegExp(
          String.raw`GET error: Get "${world.url.replace(/[.]/g, '\\.')}": x509: certificate signed by unknown authority$`,
          'm',
        ),
      );
      assert.equal((await explainCauses(text))[0], 'mcs-ca-mismatch');
    });
  });

  test('a spec-2 pointer on a spec-3 boot image fails before any fetch', async () => {
    const now = Date.now();
    const leaf = await mcsLeaf(
      pki.root,
      'api-int.sim.example.test',
      new Date(now - DAY),
      new Date(now + 365 * DAY),
    );
    await withWorld({ pki, leaf, pointerVersion: '2.2.0', version: '4.16' }, async (world) => {
      await world.start(new HostMachines());
      world.host.setPower('On', 'test');
      const text = await eventually('the Ignition failure', 10_000, () => {
        const t = consoleText(world);
        return t.includes('Ignition failed:') ? t : undefined;
      });
      const ignitionLines = text
        .split('\n')
        .filter((l) => /^\[\s*\d+\.\d+\] ignition\[\d+\]: /.test(l))
        .map((l) => l.replace(/^\[\s*\d+\.\d+\] ignition\[\d+\]: /, ''));
      assert.deepEqual(ignitionLines, [
        'INFO     : Ignition 2.18.0',
        'INFO     : Stage: fetch',
        'WARNING  : failed to fetch config: unsupported config version',
        'CRITICAL : failed to acquire config: unsupported config version',
        'CRITICAL : Ignition failed: unsupported config version',
      ]);
      assert.doesNotMatch(text, /GET /);
      // The emergency prompt shows the failed unit's journal, as journalctl --no-hostname prints it.
      assert.match(
        text,
        /^[A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d ignition\[\d+\]: CRITICAL : Ignition failed: unsupported config version$/m,
      );
      const result = await explainStream([Buffer.from(text)], 'console');
      assert.equal(result.causes[0]?.id, 'pointer-unsupported-version');
    });
  });
});

describe('a worker that fetches its config', () => {
  test('fetches from its own address, bootstraps its client CSR, gets approved, becomes a Ready Node, gets its serving cert', async () => {
    const now = Date.now();
    const leaf = await mcsLeaf(
      pki.root,
      'api-int.sim.example.test',
      new Date(now - DAY),
      new Date(now + 365 * DAY),
    );
    await withWorld({ pki, leaf, version: '4.19' }, async (world) => {
      const { ctx } = world;
      const machines = ctx.store.type('machines', 'machine.openshift.io');
      const hostname = world.host.seed.hostname;
      ctx.store.apply(machines, {
        apiVersion: 'machine.openshift.io/v1beta1',
        kind: 'Machine',
        metadata: { name: 'sim-worker-0', namespace: 'openshift-machine-api' },
        spec: {},
        status: {
          addresses: [
            { type: 'InternalIP', address: world.host.ip },
            { type: 'Hostname', address: hostname },
            { type: 'InternalDNS', address: `${hostname.toUpperCase()}.` },
          ],
        },
      });
      const csrControllers = new CsrControllers({ podName: 'machine-approver-7f6d8c9b5-x2x4q' });
      await world.start(csrControllers, new HostMachines());
      world.host.setPower('On', 'test');

      const mcsLine = await eventually('the MCS request', 10_000, () =>
        world.mcs.logLines().find((l) => l.includes('requested by')),
      );
      assert.match(
        mcsLine,
        new RegExp(
          String.raw`Pool worker requested by address:"${world.host.ip.replace(/\./g, '\\.')}:\d+" User-Agent:"Ignition/2\.20\.0" Accept-Header: "application/vnd\.coreos\.ignition\+json;version=3\.5\.0, \*/\*;q=0\.1"`,
        ),
      );
      const csrs = ctx.store.type('certificatesigningrequests', 'certificates.k8s.io');
      const nodes = ctx.store.type('nodes', '');
      const client = await eventually('the client CSR', 10_000, () =>
        ctx.store
          .list(csrs)
          .items.find((c) => (c.spec as { signerName: string }).signerName.endsWith('-kubelet')),
      );
      const spec = client.spec as Record<string, unknown>;
      assert.match(client.metadata.name, /^csr-[a-z0-9]{5}$/);
      assert.equal(
        spec.username,
        'system:serviceaccount:openshift-machine-config-operator:node-bootstrapper',
      );
      assert.deepEqual([...(spec.groups as string[])].sort(), [
        'system:authenticated',
        'system:serviceaccounts',
        'system:serviceaccounts:openshift-machine-config-operator',
      ]);
      assert.deepEqual(spec.usages, ['digital signature', 'client auth']);
      assert.match(
        Buffer.from(spec.request as string, 'base64').toString(),
        /^-----BEGIN CERTIFICATE REQUEST-----/,
      );

      const node = await eventually('a Ready Node', 10_000, () => {
        const n = ctx.store.get(nodes, undefined, hostname);
        const ready = (
          n?.status as { conditions?: Array<{ type: string; status: string }> } | undefined
        )?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'True' ? n : undefined;
      });
      const status = node.status as {
        addresses: Array<{ type: string; address: string }>;
        nodeInfo: { kubeletVersion: string };
        conditions: Array<{ type: string; reason: string; message: string }>;
      };
      assert.deepEqual(status.addresses, [
        { type: 'InternalIP', address: world.host.ip },
        { type: 'Hostname', address: hostname },
      ]);
      assert.match(status.nodeInfo.kubeletVersion, /^v1\.32\./);
      assert.equal(node.metadata.labels?.['node-role.kubernetes.io/worker'], '');
      const ready = status.conditions.find((c) => c.type === 'Ready');
      assert.equal(ready?.reason, 'KubeletReady');
      assert.equal(ready?.message, 'kubelet is posting ready status');

      const approvedClient = ctx.store.get(csrs, undefined, client.metadata.name) as KubeObject;
      const cond = (approvedClient.status as { conditions: Array<Record<string, string>> }).conditions[0];
      assert.equal(cond?.type, 'Approved');
      assert.equal(cond?.reason, 'NodeCSRApprove');
      assert.equal(
        cond?.message,
        'This CSR was approved by the Node CSR Approver (cluster-machine-approver)',
      );
      assert.ok((approvedClient.status as { certificate?: string }).certificate);

      // The serving CSR waits until the Machine links to the Node (nodelink's nodeRef).
      const serving = await eventually('the serving CSR', 10_000, () =>
        ctx.store
          .list(csrs)
          .items.find(
            (c) => (c.spec as { signerName: string }).signerName === 'kubernetes.io/kubelet-serving',
          ),
      );
      assert.equal((serving.spec as { username: string }).username, `system:node:${hostname}`);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(
        (
          ctx.store.get(csrs, undefined, serving.metadata.name)?.status as
            { certificate?: string } | undefined
        )?.certificate,
        undefined,
      );
      ctx.store.mutate(machines, 'openshift-machine-api', 'sim-worker-0', (m) => {
        (m.status as Record<string, unknown>).nodeRef = {
          kind: 'Node',
          name: hostname,
          uid: node.metadata.uid,
        };
      });
      await eventually(
        'the serving certificate',
        15_000,
        () =>
          (
            ctx.store.get(csrs, undefined, serving.metadata.name)?.status as
              { certificate?: string } | undefined
          )?.certificate,
      );
      const approverLog = ctx.podLogs.find(csrControllers.logKey())?.text() ?? '';
      assert.match(approverLog, new RegExp(`CSR ${client.metadata.name} approved`));
      assert.match(approverLog, /Serving Cert: No target machine for node/);
      assert.match(approverLog, new RegExp(`CSR ${serving.metadata.name} approved`));

      const text = consoleText(world);
      assert.match(text, /INFO {5}: GET result: OK$/m);
      assert.match(text, /INFO {5}: Ignition finished successfully$/m);
      assert.match(text, /reboot: Restarting system/);
      const explained = await explainStream([Buffer.from(text)], 'console');
      assert.equal(explained.failuresFound, false);
      assert.ok(explained.success);
    });
  });
});

describe('workerFetch localAddress', () => {
  test('binds only loopback source addresses', async () => {
    const { workerFetch } = await import('../../../../src/probes/fetch.js');
    await assert.rejects(
      workerFetch({
        url: 'https://127.0.0.1:1/config/worker',
        anchors: [],
        localAddress: '10.0.0.1',
        timeoutMs: 500,
      }),
      /loopback only/,
    );
  });

  test('stop() cancels a boot in progress: no more console lines, no fetch', async () => {
    const now = Date.now();
    const leaf = await mcsLeaf(
      pki.root,
      'api-int.sim.example.test',
      new Date(now - DAY),
      new Date(now + 365 * DAY),
    );
    await withWorld({ pki, leaf }, async (world) => {
      const machines = new HostMachines();
      await world.start(machines);
      world.host.setPower('On', 'test');
      await eventually('the boot', 5000, () => consoleText(world).includes('Running in initrd'));
      await machines.stop();
      const frozen = consoleText(world);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(consoleText(world), frozen);
      assert.doesNotMatch(world.mcs.logText(), /requested by/);
    });
  });
});

/** RedfishBmcs in a simulated cluster context: one BMC per Redfish host on its planned address. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, describe, test } from 'node:test';
import type { SimContext, SimHost } from '../../../src/sim/context.js';
import { planNetwork, type SimNetwork } from '../../../src/sim/network.js';
import type { HostSeed } from '../../../src/sim/seed.js';
import { bmcAddressFor, RedfishBmcs } from '../../../src/sim/redfish/component.js';
import { call, MOCKUP_DIR } from './helpers.js';
import { createSimContext } from '../../../src/sim/sim-context.js';

const YEAR_MS = 365 * 86_400_000;
const MANAGER = '/redfish/v1/Managers/BMC';
const RESET = '/redfish/v1/Systems/437XR1138R2/Actions/ComputerSystem.Reset';

/** A second octet no other test file is likely to use at the same moment. */
const octet = (): number => 100 + Math.floor(Math.random() * 150);

function hostSeed(index: number, overrides: Partial<HostSeed> = {}): HostSeed {
  return {
    name: `worker-${index}`,
    index,
    hostname: `worker-${index}.example.test`,
    clockOffsetMs: 0,
    poweredOn: false,
    bmc: { username: `admin${index}`, password: `pw-${index}-secret`, protocol: 'redfish' },
    ...overrides,
  };
}

function context(seeds: HostSeed[], network: SimNetwork): { ctx: SimContext; abort: AbortController } {
  const abort = new AbortController();
  const ctx = createSimContext({
    seed: {
      version: '4.16',
      network,
      objects: [],
      hosts: seeds,
      vip: 'forward',
      kubeCa: { certPem: '', keyPem: '' },
    },
    speed: 1,
    signal: abort.signal,
  });
  return { ctx, abort };
}

const refused = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host, port, timeout: 2000 });
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    s.on('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });

const components: RedfishBmcs[] = [];
after(async () => {
  await Promise.all(components.map((c) => c.stop()));
});

describe('RedfishBmcs', () => {
  test('serves each Redfish host at its BMC address with its credentials, clock and power; IPMI hosts get nothing', async () => {
    const network = planNetwork({ octet: octet() });
    const seeds = [
      hostSeed(0, { clockOffsetMs: -2 * YEAR_MS }),
      hostSeed(1, {
        bmc: { username: 'root', password: 'calvin-x', protocol: 'redfish', refuseClockSet: true },
      }),
      hostSeed(2, { bmc: { username: 'ADMIN', password: 'ADMIN-x', protocol: 'ipmi' } }),
    ];
    const { ctx } = context(seeds, network);
    const bmcs = new RedfishBmcs({ mockupDir: MOCKUP_DIR });
    components.push(bmcs);
    await bmcs.start(ctx);
    const [h0, h1, h2] = ['worker-0', 'worker-1', 'worker-2'].map((n) => ctx.hosts.get(n) as SimHost) as [
      SimHost,
      SimHost,
      SimHost,
    ];

    assert.equal(h0.bmcUrl, `https://${network.bmcIp(0)}:${network.bmcPort}`);
    assert.equal(h1.bmcUrl, `https://${network.bmcIp(1)}:${network.bmcPort}`);
    assert.equal(h2.bmcUrl, undefined);
    assert.equal(
      bmcAddressFor(h0, network),
      `redfish-virtualmedia://${network.bmcIp(0)}:8000/redfish/v1/Systems/437XR1138R2`,
    );
    assert.equal(bmcAddressFor(h2, network), `ipmi://${network.bmcIp(2)}:623`);
    assert.ok(await refused(network.bmcIp(2), network.bmcPort), 'nothing listens for the IPMI host');

    // each BMC knows only its own host's credentials
    assert.equal((await call(h0.bmcUrl!, { path: MANAGER, auth: 'root:calvin-x' })).status, 401);
    const m0 = await call(h0.bmcUrl!, { path: MANAGER, auth: 'admin0:pw-0-secret' });
    assert.equal(m0.status, 200);
    const behind = Date.now() - Date.parse(m0.json().DateTime);
    assert.ok(Math.abs(behind - 2 * YEAR_MS) < 3000, `host 0 reads ${behind} ms behind`);

    // PATCH moves host 0's clock, not host 1's
    const patched = await call(h0.bmcUrl!, {
      method: 'PATCH',
      path: MANAGER,
      auth: 'admin0:pw-0-secret',
      body: { DateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    });
    assert.equal(patched.status, 204);
    assert.ok(Math.abs(h0.clock.offset) < 2000, `offset after PATCH ${h0.clock.offset}`);
    const refusedSet = await call(h1.bmcUrl!, {
      method: 'PATCH',
      path: MANAGER,
      auth: 'root:calvin-x',
      body: { DateTime: '2020-01-01T00:00:00Z' },
    });
    assert.equal(refusedSet.status, 400);
    assert.equal(refusedSet.json().error.code, 'Base.1.11.2.PropertyValueConflict');
    assert.equal(h1.clock.offset, 0);

    // power goes through the host, whose listeners hear it
    const heard: string[] = [];
    h1.onPower((state, reason) => heard.push(`${state} ${reason}`));
    const on = await call(h1.bmcUrl!, {
      method: 'POST',
      path: RESET,
      auth: 'root:calvin-x',
      body: { ResetType: 'On' },
    });
    assert.equal(on.status, 204);
    assert.equal(h1.power, 'On');
    assert.deepEqual(heard, ['On Redfish ComputerSystem.Reset ResetType=On']);
    assert.equal(h0.power, 'Off');

    await bmcs.stop();
    assert.ok(await refused(network.bmcIp(0), network.bmcPort), 'stopped BMCs do not listen');
  });

  test('the cluster signal stops every BMC', async () => {
    const network = planNetwork({ octet: octet() });
    const { ctx, abort } = context([hostSeed(0), hostSeed(1)], network);
    const bmcs = new RedfishBmcs({ mockupDir: MOCKUP_DIR });
    components.push(bmcs);
    await bmcs.start(ctx);
    assert.equal((await call(ctx.hosts.get('worker-1')!.bmcUrl!, { path: '/redfish/v1' })).status, 200);
    abort.abort();
    await bmcs.stop();
    assert.ok(await refused(network.bmcIp(1), network.bmcPort));
  });

  test('1000 hosts: start in parallel quickly, cheaply, and all answer', async (t) => {
    const network = planNetwork({ octet: octet() });
    const seeds = Array.from({ length: 1000 }, (_, i) => hostSeed(i, { clockOffsetMs: -i * 86_400_000 }));
    const { ctx } = context(seeds, network);
    const bmcs = new RedfishBmcs({ mockupDir: MOCKUP_DIR });
    components.push(bmcs);
    // load the shared tree first so the figure is the BMCs' own cost
    await new RedfishBmcs({ mockupDir: MOCKUP_DIR }).start(context([], network).ctx);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    await bmcs.start(ctx);
    const startMs = performance.now() - t0;
    global.gc?.();
    const rssMb = (process.memoryUsage().rss - rssBefore) / 1e6;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    t.diagnostic(
      `1000 BMCs: start ${startMs.toFixed(0)} ms, RSS +${rssMb.toFixed(1)} MB, heap +${heapMb.toFixed(1)} MB`,
    );
    assert.ok(rssMb < 100, `1000 BMCs cost ${rssMb} MB of RSS`);

    for (const i of [0, 199, 200, 777, 999]) {
      const host = ctx.hosts.get(`worker-${i}`)!;
      assert.equal(host.bmcUrl, `https://${network.bmcIp(i)}:${network.bmcPort}`);
      const r = await call(host.bmcUrl!, { path: MANAGER, auth: `admin${i}:pw-${i}-secret` });
      assert.equal(r.status, 200, `host ${i}`);
      const behindDays = (Date.now() - Date.parse(r.json().DateTime)) / 86_400_000;
      assert.ok(Math.abs(behindDays - i) < 0.001, `host ${i} is ${behindDays} days behind`);
    }
    await bmcs.stop();
    assert.ok(await refused(network.bmcIp(999), network.bmcPort));
  });
});

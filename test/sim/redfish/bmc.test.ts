/** startBmc over real HTTPS: the mockup tree, the live clock and power overlay, auth, errors, sockets. */
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { Agent } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { HostClock } from '../../../src/sim/clock.js';
import type { PowerState } from '../../../src/sim/context.js';
import { startBmc, type BmcOptions, type RunningBmc } from '../../../src/sim/redfish/bmc.js';
import { loadMockupTree, type MockupTree } from '../../../src/sim/redfish/tree.js';
import { bmcTls, call, MOCKUP_DIR } from './helpers.js';

const USER = 'metal3';
const PASSWORD = 'bmc-pass-7Qz';
const AUTH = `${USER}:${PASSWORD}`;
const YEAR_MS = 365 * 86_400_000;
const MANAGER = '/redfish/v1/Managers/BMC';
const SYSTEM = '/redfish/v1/Systems/437XR1138R2';
const RESET = `${SYSTEM}/Actions/ComputerSystem.Reset`;

let tls: { certPem: string; keyPem: string };
let tree: MockupTree;
const started: RunningBmc[] = [];

interface Fixture {
  bmc: RunningBmc;
  clock: HostClock;
  /** The real instant the host clock adds its offset to; tests move it. */
  realNow: { ms: number };
  powerCalls: Array<[PowerState, string]>;
  logLines: string[];
  power(): PowerState;
}

async function fixture(
  opts: Partial<BmcOptions> & { offsetMs?: number; startMs?: number } = {},
): Promise<Fixture> {
  const realNow = { ms: opts.startMs ?? Date.UTC(2026, 10, 23, 4, 0, 0) };
  const clock = new HostClock(opts.offsetMs ?? 0, () => new Date(realNow.ms));
  let power: PowerState = 'On';
  const powerCalls: Array<[PowerState, string]> = [];
  const logLines: string[] = [];
  const bmc = await startBmc({
    host: '127.0.0.1',
    mockupDir: MOCKUP_DIR,
    tls,
    credentials: { username: USER, password: PASSWORD },
    clock,
    power: () => power,
    setPower: (state, reason) => {
      powerCalls.push([state, reason]);
      power = state;
    },
    log: (line) => logLines.push(line),
    ...opts,
  });
  started.push(bmc);
  return { bmc, clock, realNow, powerCalls, logLines, power: () => power };
}

before(async () => {
  tls = await bmcTls();
  tree = await loadMockupTree(MOCKUP_DIR);
});
after(async () => {
  await Promise.all(started.map((b) => b.close()));
});

describe('service root and the mockup tree', () => {
  let f: Fixture;
  before(async () => (f = await fixture()));

  test('/redfish and the service root answer without credentials, with and without a trailing slash', async () => {
    const versions = await call(f.bmc.url, { path: '/redfish' });
    assert.equal(versions.status, 200);
    assert.deepEqual(versions.json(), { v1: '/redfish/v1/' });
    for (const path of ['/redfish/', '/redfish/v1', '/redfish/v1/']) {
      const r = await call(f.bmc.url, { path });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['odata-version'], '4.0');
      if (path.startsWith('/redfish/v1'))
        assert.equal(r.json()['@odata.type'], '#ServiceRoot.v1_15_0.ServiceRoot');
    }
    const metadata = await call(f.bmc.url, { path: '/redfish/v1/$metadata' });
    assert.equal(metadata.status, 200);
    assert.equal(metadata.headers['content-type'], 'application/xml');
    assert.match(metadata.text, /<edmx:Edmx/);
  });

  test('every resource of the mockup is served; untouched ones byte for byte', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    try {
      const paths = [...tree.entries.keys()];
      assert.ok(paths.length > 200, `mockup has ${paths.length} resources`);
      await Promise.all(
        paths.map(async (path) => {
          const r = await call(f.bmc.url, { path, auth: AUTH, agent });
          assert.equal(r.status, path.startsWith('/redfish/v1/SessionService/Sessions/') ? 404 : 200, path);
          const live = path === MANAGER || path === SYSTEM || path === `${MANAGER}/NetworkProtocol`;
          if (r.status === 200 && !live && !path.endsWith('/Sessions')) {
            assert.equal(r.text, tree.entries.get(path)?.body.toString('utf8'), path);
          }
        }),
      );
    } finally {
      agent.destroy();
    }
  });

  test('a trailing slash names the same resource; HEAD has the headers and no body', async () => {
    const r = await call(f.bmc.url, { path: '/redfish/v1/Chassis/1U/', auth: AUTH });
    assert.equal(r.status, 200);
    assert.equal(r.json()['@odata.id'], '/redfish/v1/Chassis/1U');
    const head = await call(f.bmc.url, { method: 'HEAD', path: '/redfish/v1/Chassis/1U', auth: AUTH });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(r.text)));
  });

  test('an unknown URI is a 404 with a Redfish error naming it', async () => {
    const r = await call(f.bmc.url, { path: '/redfish/v1/Systems/nope', auth: AUTH });
    assert.equal(r.status, 404);
    const { error } = r.json();
    assert.equal(error.code, 'Base.1.5.0.ResourceMissingAtURI');
    assert.equal(error.message, 'The resource at the URI /redfish/v1/Systems/nope was not found.');
    assert.equal(error['@Message.ExtendedInfo'][0].MessageArgs[0], '/redfish/v1/Systems/nope');
  });

  test('writing a read-only resource is a 405 that says what is allowed', async () => {
    const r = await call(f.bmc.url, {
      method: 'PATCH',
      path: '/redfish/v1/Chassis/1U',
      auth: AUTH,
      body: {},
    });
    assert.equal(r.status, 405);
    assert.equal(r.headers['allow'], 'GET, HEAD');
    assert.match(r.json().error['@Message.ExtendedInfo'][0].Resolution, /supports only GET, HEAD/);
  });
});

describe('authentication', () => {
  let f: Fixture;
  before(async () => (f = await fixture()));

  test('a resource needs credentials: 401 with a Basic challenge and a Redfish error', async () => {
    for (const auth of [undefined, `${USER}:wrong`, `root:${PASSWORD}`]) {
      const r = await call(f.bmc.url, { path: MANAGER, auth });
      assert.equal(r.status, 401, String(auth));
      assert.match(String(r.headers['www-authenticate']), /^Basic realm="/);
      assert.equal(r.json().error.code, 'Base.1.5.0.NoValidSession');
    }
    assert.equal((await call(f.bmc.url, { path: MANAGER, auth: AUTH })).status, 200);
  });

  test('a session: login, use the token, list it, log out, then the token is refused', async () => {
    const bad = await call(f.bmc.url, {
      method: 'POST',
      path: '/redfish/v1/SessionService/Sessions',
      body: { UserName: USER, Password: 'nope' },
    });
    assert.equal(bad.status, 401);
    const login = await call(f.bmc.url, {
      method: 'POST',
      path: '/redfish/v1/SessionService/Sessions/',
      body: { UserName: USER, Password: PASSWORD },
    });
    assert.equal(login.status, 201);
    const token = String(login.headers['x-auth-token']);
    const location = String(login.headers['location']);
    assert.match(location, /^\/redfish\/v1\/SessionService\/Sessions\/[0-9A-F]{16}$/);
    assert.equal(login.json().UserName, USER);
    assert.equal((await call(f.bmc.url, { path: MANAGER, token })).status, 200);
    const list = await call(f.bmc.url, { path: '/redfish/v1/SessionService/Sessions', token });
    assert.deepEqual(list.json().Members, [{ '@odata.id': location }]);
    assert.equal((await call(f.bmc.url, { method: 'DELETE', path: location, token })).status, 204);
    assert.equal((await call(f.bmc.url, { path: MANAGER, token })).status, 401);
    assert.equal((await call(f.bmc.url, { path: location, auth: AUTH })).status, 404);
  });

  test('request log lines name user and path, never a password or token', async () => {
    const text = f.logLines.join('\n');
    assert.match(text, new RegExp(`GET ${MANAGER} 200 user=${USER}`));
    assert.match(text, new RegExp(`GET ${MANAGER} 401`));
    assert.ok(!text.includes(PASSWORD));
    assert.ok(!/[0-9a-f]{48}/.test(text), 'no session token in the log');
  });
});

describe('the Manager clock', () => {
  test('DateTime is the host clock now, shown in the mockup offset, and moves with time', async () => {
    const f = await fixture();
    const r = await call(f.bmc.url, { path: MANAGER, auth: AUTH });
    assert.equal(r.json().DateTime, '2026-11-23T10:00:00+06:00');
    assert.equal(r.json().DateTimeLocalOffset, '+06:00');
    f.realNow.ms += 90_500;
    const later = await call(f.bmc.url, { path: MANAGER, auth: AUTH });
    assert.equal(later.json().DateTime, '2026-11-23T10:01:30+06:00');
  });

  test('a host two years behind reads two years behind', async () => {
    const f = await fixture({ offsetMs: -2 * YEAR_MS });
    const shown = Date.parse((await call(f.bmc.url, { path: MANAGER, auth: AUTH })).json().DateTime);
    assert.equal(shown, f.realNow.ms - 2 * YEAR_MS);
    assert.equal(new Date(shown).getUTCFullYear(), 2024);
  });

  test('PATCH DateTime sets the host clock (204) and keeps the offset; DateTimeLocalOffset changes how it shows', async () => {
    const f = await fixture({ offsetMs: -2 * YEAR_MS });
    const patch = await call(f.bmc.url, {
      method: 'PATCH',
      path: MANAGER,
      auth: AUTH,
      body: { DateTime: '2026-11-23T06:30:00+02:00' },
    });
    assert.equal(patch.status, 204);
    assert.equal(f.clock.now().toISOString(), '2026-11-23T04:30:00.000Z');
    assert.equal(
      (await call(f.bmc.url, { path: MANAGER, auth: AUTH })).json().DateTime,
      '2026-11-23T10:30:00+06:00',
    );
    const both = await call(f.bmc.url, {
      method: 'PATCH',
      path: `${MANAGER}/`,
      auth: AUTH,
      body: { DateTime: '2027-01-01T00:00:00Z', DateTimeLocalOffset: '-05:00' },
    });
    assert.equal(both.status, 204);
    assert.equal(f.clock.now().toISOString(), '2027-01-01T00:00:00.000Z');
    const shown = (await call(f.bmc.url, { path: MANAGER, auth: AUTH })).json();
    assert.equal(shown.DateTime, '2026-12-31T19:00:00-05:00');
    assert.equal(shown.DateTimeLocalOffset, '-05:00');
  });

  test('invalid values are 400 PropertyValueFormatError naming the property; the clock does not move', async () => {
    const f = await fixture();
    const before = f.clock.now().getTime();
    for (const [prop, value] of [
      ['DateTime', 'yesterday'],
      ['DateTime', '2026-02-30T00:00:00Z'],
      ['DateTime', '2026-11-23T10:00:00'],
      ['DateTimeLocalOffset', '+6'],
    ] as const) {
      const r = await call(f.bmc.url, {
        method: 'PATCH',
        path: MANAGER,
        auth: AUTH,
        body: { [prop]: value },
      });
      assert.equal(r.status, 400, value);
      const { error } = r.json();
      assert.equal(error.code, 'Base.1.5.0.PropertyValueFormatError');
      assert.deepEqual(error['@Message.ExtendedInfo'][0].MessageArgs, [value, prop]);
      assert.match(error.message, new RegExp(`for the property ${prop} `));
    }
    const mixed = await call(f.bmc.url, {
      method: 'PATCH',
      path: MANAGER,
      auth: AUTH,
      body: { DateTime: '2030-01-01T00:00:00Z', Model: 'x', Colour: 'red' },
    });
    assert.equal(mixed.status, 400);
    assert.deepEqual(
      mixed.json().error['@Message.ExtendedInfo'].map((m: { MessageId: string }) => m.MessageId),
      ['Base.1.5.0.PropertyNotWritable', 'Base.1.5.0.PropertyUnknown'],
    );
    const malformed = await call(f.bmc.url, {
      method: 'PATCH',
      path: MANAGER,
      auth: AUTH,
      rawBody: '{"DateTime":',
    });
    assert.equal(malformed.json().error.code, 'Base.1.5.0.MalformedJSON');
    assert.equal(f.clock.now().getTime(), before);
  });

  test('a BMC that follows NTP refuses the clock with PropertyValueConflict and shows NTP enabled', async () => {
    const f = await fixture({ refuseClockSet: true, offsetMs: -YEAR_MS });
    const before = f.clock.offset;
    const r = await call(f.bmc.url, {
      method: 'PATCH',
      path: MANAGER,
      auth: AUTH,
      body: { DateTime: '2026-11-23T04:00:00Z' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.json().error.code, 'Base.1.11.2.PropertyValueConflict');
    assert.match(r.json().error.message, /'DateTime' could not be written/);
    assert.equal(f.clock.offset, before);
    const ntp = (await call(f.bmc.url, { path: `${MANAGER}/NetworkProtocol`, auth: AUTH })).json().NTP;
    assert.equal(ntp.ProtocolEnabled, true);
  });
});

describe('ComputerSystem.Reset', () => {
  test('power actions call setPower and PowerState follows', async () => {
    const f = await fixture();
    const reset = (ResetType: string) =>
      call(f.bmc.url, { method: 'POST', path: RESET, auth: AUTH, body: { ResetType } });
    assert.equal((await call(f.bmc.url, { path: SYSTEM, auth: AUTH })).json().PowerState, 'On');
    assert.equal((await reset('ForceOff')).status, 204);
    assert.equal((await call(f.bmc.url, { path: SYSTEM, auth: AUTH })).json().PowerState, 'Off');
    assert.equal((await reset('On')).status, 204);
    assert.equal((await reset('ForceRestart')).status, 204);
    assert.equal((await reset('GracefulShutdown')).status, 204);
    assert.equal((await reset('PushPowerButton')).status, 204);
    assert.deepEqual(
      f.powerCalls.map(([s]) => s),
      ['Off', 'On', 'Off', 'On', 'Off', 'On'],
    );
    assert.equal(f.powerCalls[2]?.[1], 'Redfish ComputerSystem.Reset ResetType=ForceRestart');
    assert.equal((await call(f.bmc.url, { path: SYSTEM, auth: AUTH })).json().PowerState, 'On');
  });

  test('a ResetType the System does not allow, or none, is a 400 and the power does not change', async () => {
    const f = await fixture();
    for (const ResetType of ['PowerCycle', 'Explode', 7]) {
      const r = await call(f.bmc.url, { method: 'POST', path: RESET, auth: AUTH, body: { ResetType } });
      assert.equal(r.status, 400);
      const { error } = r.json();
      assert.equal(error.code, 'Base.1.5.0.ActionParameterNotSupported');
      assert.equal(error['@Message.ExtendedInfo'][1].MessageArgs[1], 'ResetType');
    }
    const none = await call(f.bmc.url, { method: 'POST', path: RESET, auth: AUTH, body: {} });
    assert.equal(none.json().error.code, 'Base.1.5.0.ActionParameterMissing');
    const unauthenticated = await call(f.bmc.url, {
      method: 'POST',
      path: RESET,
      body: { ResetType: 'ForceOff' },
    });
    assert.equal(unauthenticated.status, 401);
    assert.deepEqual(f.powerCalls, []);
  });
});

describe('transport', () => {
  test('only loopback addresses are bound', async () => {
    for (const host of ['0.0.0.0', '10.0.0.1', 'localhost', '::']) {
      await assert.rejects(fixture({ host }), /loopback/);
    }
  });

  test('an IPv6 loopback BMC has its address in brackets', async () => {
    const f = await fixture({ host: '::1' });
    assert.match(f.bmc.url, /^https:\/\/\[::1\]:\d+$/);
    assert.equal((await call(f.bmc.url, { path: MANAGER, auth: AUTH })).status, 200);
  });

  test('an idle connection is closed by the server; close() ends open sockets at once', async () => {
    const f = await fixture({ timeoutMs: 300 });
    const { port } = f.bmc;
    const openSocket = () =>
      new Promise<{ closed: Promise<number> }>((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          const t0 = Date.now();
          resolve({ closed: new Promise((done) => s.on('close', () => done(Date.now() - t0))) });
        });
        s.on('error', reject);
        setTimeout(() => s.destroy(), 5000).unref();
      });
    const idle = await openSocket();
    const idleFor = await idle.closed;
    assert.ok(idleFor >= 250 && idleFor < 2000, `idle socket closed after ${idleFor} ms`);

    // trickling a request's headers does not keep a connection open past the timeout
    const trickled = await new Promise<number>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
        const t0 = Date.now();
        const header = 'GET /redfish/v1 HTTP/1.1\r\nHost: bmc\r\nX-Slow: ' + 'a'.repeat(100);
        let i = 0;
        const drip = setInterval(() => s.write(header[i++ % header.length] ?? 'a'), 50);
        s.on('close', () => {
          clearInterval(drip);
          resolve(Date.now() - t0);
        });
      });
      s.on('error', () => undefined);
      setTimeout(() => reject(new Error('trickling connection was never closed')), 5000).unref();
    });
    assert.ok(trickled >= 250 && trickled < 2000, `trickling socket closed after ${trickled} ms`);

    // a connection that keeps asking gets answers (the deadline restarts after each response)
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 4; i++) {
        assert.equal((await call(f.bmc.url, { path: '/redfish/v1', agent })).status, 200);
        await new Promise((r) => setTimeout(r, 150));
      }
    } finally {
      agent.destroy();
    }

    const g = await fixture({ timeoutMs: 60_000 });
    const held = await new Promise<{ closed: Promise<number> }>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: g.bmc.port, rejectUnauthorized: false }, () => {
        resolve({ closed: new Promise((done) => s.on('close', () => done(Date.now()))) });
      });
      s.on('error', reject);
    });
    const t0 = Date.now();
    await g.bmc.close();
    const closedAt = await held.closed;
    assert.ok(closedAt - t0 < 1000, `socket closed ${closedAt - t0} ms after close()`);
    await assert.rejects(call(g.bmc.url, { path: '/redfish/v1' }), /ECONNREFUSED/);
  });
});

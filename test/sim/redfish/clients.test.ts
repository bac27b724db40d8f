/** The real Debian Redfish clients against a simulated BMC: redfishtool and python3-sushy (what Ironic uses). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HostClock } from '../../../src/sim/clock.js';
import type { PowerState } from '../../../src/sim/context.js';
import { startBmc, type RunningBmc } from '../../../src/sim/redfish/bmc.js';
import { bmcTls, DEBIAN_PYTHON, MOCKUP_DIR, run, SUSHY_CLIENT, type RunResult } from './helpers.js';

const USER = 'ironic';
const PASSWORD = 'Xq7-secret-bmc';
const YEAR_MS = 365 * 86_400_000;

let bmc: RunningBmc;
let clock: HostClock;
let power: PowerState = 'On';
const powerCalls: Array<[PowerState, string]> = [];
const outputs: RunResult[] = [];
const logLines: string[] = [];

before(async () => {
  clock = new HostClock(-2 * YEAR_MS);
  bmc = await startBmc({
    host: '127.0.0.1',
    mockupDir: MOCKUP_DIR,
    tls: await bmcTls(),
    credentials: { username: USER, password: PASSWORD },
    clock,
    power: () => power,
    setPower: (state, reason) => {
      powerCalls.push([state, reason]);
      power = state;
    },
    log: (line) => logLines.push(line),
  });
});
after(async () => {
  await bmc?.close();
});

const rhost = (): string => `127.0.0.1:${bmc.port}`;

async function redfishtool(args: string[], password = PASSWORD): Promise<RunResult> {
  const result = await run('/usr/bin/redfishtool', [
    '-n',
    '-T',
    '10',
    '-r',
    rhost(),
    '-u',
    USER,
    '-p',
    password,
    '-S',
    'Always',
    ...args,
  ]);
  outputs.push(result);
  return result;
}

/** What the sushy client printed: JSON whose shape each test asserts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ClientJson = any;

async function sushy(
  steps: unknown[],
  password = PASSWORD,
): Promise<{ code: number | null; out: ClientJson }> {
  const result = await run(DEBIAN_PYTHON, [SUSHY_CLIENT, JSON.stringify(steps)], {
    REDFISH_URL: bmc.url,
    REDFISH_USER: USER,
    REDFISH_PASSWORD: password,
  });
  outputs.push(result);
  let out: unknown;
  try {
    out = JSON.parse(result.stdout);
  } catch {
    assert.fail(`sushy client printed no JSON (exit ${result.code}): ${result.stdout}${result.stderr}`);
  }
  return { code: result.code, out };
}

/** Seconds between a Redfish DateTime and an instant. */
const skewSeconds = (shown: string, instant: Date): number =>
  Math.abs(Date.parse(shown) - instant.getTime()) / 1000;

describe('redfishtool', () => {
  test('reads the Manager and its DateTime: the host clock, two years behind', async () => {
    const r = await redfishtool(['Managers', '-I', 'BMC', 'get']);
    assert.equal(r.code, 0, r.stderr);
    const manager = JSON.parse(r.stdout);
    assert.equal(manager['@odata.id'], '/redfish/v1/Managers/BMC');
    assert.match(manager.DateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+06:00$/);
    assert.ok(
      skewSeconds(manager.DateTime, clock.now()) <= 2,
      `${manager.DateTime} vs ${clock.now().toISOString()}`,
    );
    assert.ok(Date.now() - Date.parse(manager.DateTime) > 1.9 * YEAR_MS);

    const prop = await redfishtool(['-P', 'DateTime', 'Managers', '-I', 'BMC', 'get']);
    assert.equal(prop.code, 0, prop.stderr);
    assert.deepEqual(Object.keys(JSON.parse(prop.stdout)), ['DateTime']);
  });

  test('sets the clock with Managers setDateTime (a PATCH of DateTime)', async () => {
    const r = await redfishtool(['Managers', '-I', 'BMC', 'setDateTime', '2026-03-04T05:06:07+02:00']);
    assert.equal(r.code, 0, r.stderr);
    // redfishtool GETs the Manager again after the 204 and prints DateTime as the BMC shows it
    assert.match(JSON.parse(r.stdout).DateTime, /^2026-03-04T09:06:\d\d\+06:00$/);
    assert.ok(skewSeconds('2026-03-04T03:06:07Z', clock.now()) <= 2, clock.now().toISOString());
  });

  test('with a session (-A Session) too', async () => {
    const r = await redfishtool([
      '-A',
      'Session',
      'Managers',
      '-I',
      'BMC',
      'setDateTime',
      '2027-01-01T00:00:00+00:00',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(skewSeconds('2027-01-01T00:00:00Z', clock.now()) <= 2, clock.now().toISOString());
    assert.ok(logLines.some((l) => /^POST \/redfish\/v1\/SessionService\/Sessions 201/.test(l)));
    assert.ok(logLines.some((l) => /^DELETE \/redfish\/v1\/SessionService\/Sessions\/\w+ 204/.test(l)));
  });

  test('is refused with wrong credentials', async () => {
    const r = await redfishtool(['Managers', '-I', 'BMC', 'get'], 'not-the-password');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /401/);
  });
});

describe('sushy', () => {
  test('reads manager DateTime through System -> ManagedBy, as Ironic does', async () => {
    clock.set(new Date(Date.now() - 2 * YEAR_MS));
    const { code, out } = await sushy([['datetime']]);
    assert.equal(code, 0, JSON.stringify(out));
    assert.equal(out[0].manager, '/redfish/v1/Managers/BMC');
    assert.equal(out[0].offset, '+06:00');
    assert.ok(skewSeconds(out[0].datetime, clock.now()) <= 2);
  });

  test("sets DateTime with its connector's PATCH (204) and reads it back", async () => {
    const { code, out } = await sushy([['set-datetime', '2026-11-23T10:00:00+06:00'], ['datetime']]);
    assert.equal(code, 0, JSON.stringify(out));
    assert.equal(out[0].status, 204);
    assert.match(out[1].datetime, /^2026-11-23T10:00:0\d\+06:00$/);
    assert.ok(skewSeconds('2026-11-23T04:00:00Z', clock.now()) <= 2);
  });

  test('powers the system off and on with reset_system; the allowed values are the mockup ones', async () => {
    powerCalls.length = 0;
    const { code, out } = await sushy([
      ['allowed-resets'],
      ['reset', 'ForceOff'],
      ['power'],
      ['reset', 'On'],
      ['power'],
    ]);
    assert.equal(code, 0, JSON.stringify(out));
    assert.deepEqual(out[0], [
      'ForceOff',
      'ForceOn',
      'ForceRestart',
      'GracefulRestart',
      'GracefulShutdown',
      'Nmi',
      'On',
      'PushPowerButton',
    ]);
    assert.deepEqual(out[2], { power: 'Off' });
    assert.deepEqual(out[4], { power: 'On' });
    assert.deepEqual(powerCalls, [
      ['Off', 'Redfish ComputerSystem.Reset ResetType=ForceOff'],
      ['On', 'Redfish ComputerSystem.Reset ResetType=On'],
    ]);
  });

  test('a bad DateTime comes back as sushy BadRequestError carrying the Redfish message', async () => {
    const { code, out } = await sushy([['set-datetime', 'tomorrow']]);
    assert.equal(code, 3);
    assert.equal(out.error, 'BadRequestError');
    assert.match(out.message, /PropertyValueFormatError: The value tomorrow for the property DateTime/);
  });

  test('wrong credentials raise sushy.exceptions.AccessError', async () => {
    const { code, out } = await sushy([['datetime']], 'wrong-password');
    assert.equal(code, 3);
    assert.equal(out.error, 'AccessError');
    assert.match(out.message, /401/);
  });
});

describe('secrets', () => {
  test('no password appears in any client output or BMC log line', () => {
    assert.ok(outputs.length >= 9);
    for (const o of outputs) {
      for (const secret of [PASSWORD, 'not-the-password', 'wrong-password']) {
        assert.ok(!o.stdout.includes(secret) && !o.stderr.includes(secret), `${secret} leaked`);
      }
    }
    assert.ok(!logLines.join('\n').includes(PASSWORD));
  });
});

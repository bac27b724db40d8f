/**
 * src/probes/ipmi.ts against a real IPMI BMC: OpenIPMI's ipmi_sim on 127.0.0.1, driven by the real
 * ipmitool (Debian's 1.8.19), as Ironic drives it. Reading a clock never set (a time stamp from
 * the BMC's start), setting it and reading it back, a wrong password, a wrong user, a privilege
 * too low to set the clock, nothing listening, no ipmitool; the credentials in no message. And
 * the text ipmitool prints, parsed in each of its forms.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  formatSelTime,
  parseSelTime,
  privilegeOf,
  readIpmiClock,
  redactSecrets,
  setIpmiClock,
  type IpmiRequest,
} from '../../src/probes/ipmi.js';
import { IPMITOOL, ipmiToolsInstalled, startIpmiSim, type IpmiSim } from '../helpers/ipmi-sim.js';

describe('what ipmitool prints', () => {
  test('sel time get in each of its forms', () => {
    const at = (s: string) => {
      const p = parseSelTime(s);
      assert.ok(p && 'at' in p, s);
      return p;
    };
    assert.equal(at('12/03/26 08:31:45 UTC\n').at.toISOString(), '2026-12-03T08:31:45.000Z');
    assert.equal(at('01/02/20 03:04:05 GMT').at.toISOString(), '2020-01-02T03:04:05.000Z');
    assert.equal(at('12/03/2026 08:31:45').at.toISOString(), '2026-12-03T08:31:45.000Z');
    // glibc's strptime %y: 69-99 are 19xx
    assert.equal(at('07/01/99 00:00:00 UTC').at.toISOString(), '1999-07-01T00:00:00.000Z');
    const init = at('S+ 03:49:12');
    assert.equal(init.sinceInit, true);
    assert.equal(init.at.toISOString(), '1970-01-01T03:49:12.000Z');
    assert.equal(at('S+ 70/003 01:00:00').at.toISOString(), '1970-01-03T01:00:00.000Z');
    assert.equal(at('S+ 71/001 00:00:01').at.toISOString(), '1971-01-01T00:00:01.000Z');
    assert.deepEqual(parseSelTime('Unspecified'), { unspecified: true });
    assert.equal(parseSelTime(''), undefined);
    assert.equal(parseSelTime('13/45/26 08:31:45 UTC'), undefined);
    assert.equal(parseSelTime('Get SEL Time command failed: Invalid command'), undefined);
  });

  test('sel time set takes MM/DD/YY in the C locale, MM/DD/YYYY before 1.8.19', () => {
    const t = new Date('2026-12-03T08:31:45.700Z');
    assert.equal(formatSelTime(t), '12/03/26 08:31:45');
    assert.equal(formatSelTime(t, true), '12/03/2026 08:31:45');
    assert.equal(formatSelTime(new Date('1970-01-01T03:49:12Z')), '01/01/70 03:49:12');
  });

  test("Metal3's ?privilegelevel=", () => {
    assert.equal(privilegeOf('ipmi://10.0.0.1:623?privilegelevel=operator'), 'OPERATOR');
    assert.equal(privilegeOf('ipmi://10.0.0.1:623'), undefined);
    assert.equal(privilegeOf('ipmi://10.0.0.1?privilegelevel=root'), undefined);
  });

  test('credentials are cut out of messages; a short user name only as a word', () => {
    assert.equal(
      redactSecrets('user s3cret-pw failed for admin2', ['s3cret-pw', 'admin2']),
      'user *** failed for ***',
    );
    assert.equal(redactSecrets('bob: Invalid user name bob', ['', 'bo']), 'bob: Invalid user name bob');
    assert.equal(redactSecrets('name ab refused', ['ab']), 'name *** refused');
  });
});

describe('ipmitool against ipmi_sim (a real IPMI 2.0 BMC on 127.0.0.1)', () => {
  let sim: IpmiSim;
  const credentials = { username: 'mcsd-ipmi-op7', password: 'ipmi-Pa55-x9q' };
  const req = (more: Partial<IpmiRequest> = {}): IpmiRequest => ({
    host: sim.host,
    port: sim.port,
    ...credentials,
    timeoutMs: 6000,
    ipmitool: IPMITOOL,
    ...more,
  });
  const noCredentials = (text: string) => {
    assert.ok(!text.includes(credentials.password), `the password was in: ${text}`);
    assert.ok(!text.includes(credentials.username), `the user name was in: ${text}`);
  };

  before(async () => {
    assert.ok(ipmiToolsInstalled(), 'ipmi_sim and ipmitool are needed: apt-get install openipmi ipmitool');
    sim = await startIpmiSim(credentials);
  });
  after(async () => {
    await sim?.close();
  });

  test('a clock never set reads as a time stamp from the BMC start (1970)', async () => {
    const clock = await readIpmiClock(req());
    assert.ok(clock.ok, JSON.stringify(clock));
    assert.equal(clock.sinceInit, true);
    assert.ok(clock.bmcTime.getUTCFullYear() === 1970, clock.text);
    assert.ok(clock.offsetMs < -50 * 365 * 86_400_000);
  });

  test('set to now, read back within 2 s; set to a chosen time, read back', async () => {
    const set = await setIpmiClock(req());
    assert.ok(set.ok, JSON.stringify(set));
    const now = await readIpmiClock(req());
    assert.ok(now.ok, JSON.stringify(now));
    assert.equal(now.sinceInit, false);
    assert.ok(Math.abs(now.offsetMs) < 2000, `offset ${now.offsetMs} ms (${now.text})`);
    assert.match(sim.selTime(), /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d UTC$/);

    // An explicit time (what restore sets): this machine's clock plus an offset, given ahead by
    // the time ipmitool takes to set up its session.
    const offsetMs = Date.parse('2031-05-06T07:08:09Z') - Date.now();
    assert.ok((await setIpmiClock(req(), offsetMs)).ok);
    const later = await readIpmiClock(req());
    assert.ok(later.ok);
    assert.ok(
      Math.abs(later.offsetMs - offsetMs) < 2000,
      `${later.offsetMs - offsetMs} ms off (${later.text})`,
    );
  });

  test('a wrong password: auth-failed, and neither credential in the message', async () => {
    const r = await readIpmiClock(req({ password: 'not-the-password' }));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.kind, 'auth-failed');
    assert.match(!r.ok ? r.message : '', /refused the credentials.*RAKP 2 HMAC is invalid/);
    noCredentials(!r.ok ? r.message : '');
    assert.ok(!(!r.ok && r.message.includes('not-the-password')));
  });

  test('a wrong user: auth-failed', async () => {
    const r = await readIpmiClock(req({ username: 'nobody-here' }));
    assert.equal(!r.ok && r.kind, 'auth-failed');
    assert.match(!r.ok ? r.message : '', /unauthorized name/);
    assert.ok(!(!r.ok && r.message.includes('nobody-here')));
  });

  test('a privilege level below OPERATOR may read but not set the clock', async () => {
    const read = await readIpmiClock(req({ privilege: 'USER' }));
    assert.ok(read.ok, JSON.stringify(read));
    const set = await setIpmiClock(req({ privilege: 'USER' }));
    assert.equal(!set.ok && set.kind, 'auth-failed');
    assert.match(!set.ok ? set.message : '', /Insufficient privilege level/);
  });

  test('nothing listening: unreachable, within the deadline', async () => {
    const started = Date.now();
    const r = await readIpmiClock(
      req({ port: sim.port + 1 === 65536 ? sim.port - 1 : sim.port + 1, timeoutMs: 3000 }),
    );
    assert.equal(!r.ok && r.kind, 'unreachable');
    assert.ok(Date.now() - started < 4000);
    noCredentials(!r.ok ? r.message : '');
  });

  test('no ipmitool: unsupported, saying what to install', async () => {
    const r = await readIpmiClock(req({ ipmitool: '/nonexistent/ipmitool' }));
    assert.equal(!r.ok && r.kind, 'unsupported');
    assert.match(!r.ok ? r.message : '', /ipmitool is not installed/);
  });
});

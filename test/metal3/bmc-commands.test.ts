/**
 * The by-hand BMC commands for a host's own BMC: Redfish through its system and Manager,
 * IPMI through ipmitool, anything else a plain instruction; the credentials always come out of
 * the host's secret inside the command. (The Redfish commands are run for real with curl against
 * a simulated BMC in test/commands/fix.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ipmiToolsInstalled, startIpmiSim } from '../helpers/ipmi-sim.js';
import { bmcClockCommands, bmcLoginCommand, type BmcTarget } from '../../src/metal3/bmc-commands.js';

const base: BmcTarget = {
  host: 'worker-0',
  namespace: 'openshift-machine-api',
  credentialsName: 'worker-0-bmc-secret',
  version: '4.16.40',
};
const secretRead = (key: string) =>
  `$(oc -n openshift-machine-api get secret worker-0-bmc-secret -o jsonpath='{.data.${key}}' | base64 -d)`;

describe('bmcClockCommands', () => {
  test('Redfish with a known Manager: one PATCH on that Manager, credentials from the secret', () => {
    const [patch, ...rest] = bmcClockCommands({
      ...base,
      bmcAddress: 'redfish-virtualmedia://192.0.2.10:8000/redfish/v1/Systems/437XR1138R2',
      insecure: true,
      manager: '/redfish/v1/Managers/BMC',
    });
    assert.deepEqual(rest, []);
    assert.ok(
      patch?.startsWith(`curl -sSk -u "${secretRead('username')}:${secretRead('password')}" -X PATCH `),
    );
    assert.match(patch!, / https:\/\/192\.0\.2\.10:8000\/redfish\/v1\/Managers\/BMC -d /);
    assert.match(patch!, /"DateTime\\": \\"\$\(date -u \+%Y-%m-%dT%H:%M:%S\+00:00\)\\"/);
  });

  test('Redfish with the Manager unknown: how to find it from the system first; certificates verified unless disabled', () => {
    const cmds = bmcClockCommands({ ...base, bmcAddress: 'redfish://192.0.2.10/redfish/v1/Systems/1' });
    assert.equal(cmds.length, 2);
    assert.match(
      cmds[0]!,
      /^# its Manager: curl -sS -u .* https:\/\/192\.0\.2\.10\/redfish\/v1\/Systems\/1 \| jq -r '\.Links\.ManagedBy\[0\]\["@odata\.id"\]'$/,
    );
    assert.match(cmds[1]!, /https:\/\/192\.0\.2\.10\/redfish\/v1\/Managers\/<manager id> -d/);
  });

  test('IPMI: ipmitool sel time set, the password through IPMI_PASSWORD (not on the command line)', () => {
    assert.deepEqual(bmcClockCommands({ ...base, bmcAddress: 'ipmi://192.0.2.11:6230' }), [
      `IPMI_PASSWORD="${secretRead('password')}" TZ=UTC LC_ALL=C ipmitool -I lanplus -H 192.0.2.11 -p 6230 -U "${secretRead('username')}" -E sel time set "$(date -u '+%m/%d/%y %H:%M:%S')"`,
    ]);
  });

  test('another BMC type, or an address Metal3 refuses: an instruction that names the BMC', () => {
    assert.match(
      bmcClockCommands({ ...base, bmcAddress: 'irmc://192.0.2.12' })[0]!,
      /^# set the clock of worker-0 to UTC now in its BMC's web UI \(irmc:\/\/192\.0\.2\.12\)/,
    );
    assert.match(bmcClockCommands({ ...base, bmcAddress: 'redfish://' })[0]!, /^# set the clock of worker-0/);
  });
});

describe('bmcLoginCommand', () => {
  test('Redfish: the HTTP status of the system with the secret credentials', () => {
    assert.equal(
      bmcLoginCommand({ ...base, bmcAddress: 'redfish://192.0.2.10:8000/redfish/v1/Systems/1' }),
      `curl -sS -u "${secretRead('username')}:${secretRead('password')}" -o /dev/null -w '%{http_code}\\n' https://192.0.2.10:8000/redfish/v1/Systems/1`,
    );
  });
  test('IPMI: chassis power status', () => {
    assert.match(
      bmcLoginCommand({ ...base, bmcAddress: '192.0.2.11' }),
      /ipmitool -I lanplus -H 192\.0\.2\.11 -p 623 .* -E chassis power status$/,
    );
  });
});

describe('the IPMI commands, run by hand against a real BMC (OpenIPMI ipmi_sim)', () => {
  test('the clock command sets the SEL clock to UTC now; the login command reads the power state', async (t) => {
    assert.ok(ipmiToolsInstalled(), 'ipmi_sim and ipmitool are needed (CI installs openipmi and ipmitool)');
    const sim = await startIpmiSim({ username: 'admin', password: 'pw-$(not-run)' });
    t.after(() => sim.close());
    const dir = await mkdtemp(join(tmpdir(), 'mcs-doctor-oc-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    // A stand-in `oc` that answers `get secret ... -o jsonpath={.data.KEY}` as the cluster would.
    const oc = join(dir, 'oc');
    await writeFile(
      oc,
      `#!/bin/sh\ncase "$*" in *data.username*) printf %s "${Buffer.from(sim.username).toString('base64')}";; *data.password*) printf %s "${Buffer.from(sim.password).toString('base64')}";; esac\n`,
      { mode: 0o755 },
    );
    const target = { ...base, bmcAddress: `ipmi://${sim.host}:${sim.port}` };
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` };
    const [set] = bmcClockCommands(target);
    const r = spawnSync('bash', ['-c', set!], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const read = Date.parse(
      `${sim.selTime().replace(' UTC', '')}Z`.replace(/^(\d\d)\/(\d\d)\/(\d\d) /, '20$3-$1-$2T'),
    );
    const shown = sim.selTime();
    // `date` runs before ipmitool opens its session (a few seconds with ipmi_sim): within a minute is right.
    assert.ok(
      Math.abs(read - Date.now()) < 60_000,
      `SEL clock reads ${shown}, now ${new Date().toISOString()}`,
    );
    const login = spawnSync('bash', ['-c', bmcLoginCommand(target)], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(login.status, 0, login.stderr);
    assert.match(login.stdout, /Chassis Power is (on|off)/);
  });
});

/**
 * `bmc-time` through the built CLI against a simulated 4.19 cluster (scenario clock-behind:
 * worker-0's BMC is 3 years behind) reached through its kubeconfig, with BareMetalHosts added by
 * the real kubectl for every Redfish-family address scheme Metal3 accepts and for IPMI:
 *
 * - Redfish over https: the simulated BMC of worker-1 (DMTF mockup, live clock, basic auth), under
 *   every scheme with and without a System path, and the opaque `redfish:` form;
 * - Redfish over plain http (`+http`): a simulated Redfish service the test runs on 127.0.0.1 and
 *   on [::1], its clock an hour ahead;
 * - IPMI (`ipmi://`, `libvirt://`, a bare `host:port`, `?privilegelevel=operator`): a real IPMI
 *   BMC, OpenIPMI's ipmi_sim on 127.0.0.1, through the real ipmitool;
 * - the failures: a wrong password (Redfish and IPMI), a missing secret, a secret without a
 *   password, no secret named, BMCs that are neither Redfish nor IPMI, an address Metal3
 *   refuses, nothing listening, a self-signed certificate verified.
 *
 * Then --set (refused without a terminal, applied with --yes, a 0600 backup of the old clocks)
 * and `restore`, which puts every clock back at its old offset. No run prints a BMC password or
 * user name, not even one written into an address.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { HostClock } from '../../src/sim/clock.js';
import { defaultMockupDir } from '../../src/sim/redfish/component.js';
import { BmcService } from '../../src/sim/redfish/service.js';
import { loadMockupTree } from '../../src/sim/redfish/tree.js';
import type { BmcTimeReport, BmcTimeRow } from '../../src/report/bmc-time-model.js';
import { runCli, runProcess, type CliResult } from '../helpers/cli.js';
import { KUBECTL } from '../helpers/fix.js';
import { ipmiToolsInstalled, startIpmiSim, type IpmiSim } from '../helpers/ipmi-sim.js';

const MAPI = 'openshift-machine-api';
const LAB = 'bmc-lab';
const SYSTEM = '/redfish/v1/Systems/437XR1138R2';
const YEAR_MS = 365 * 86_400_000;

/** Every Redfish-family scheme of Metal3 (reference §2; redfish-uefihttp from OpenShift 4.19). */
const REDFISH_BASES = [
  'redfish',
  'redfish-virtualmedia',
  'redfish-uefihttp',
  'ilo5-redfish',
  'ilo5-virtualmedia',
  'idrac-redfish',
  'idrac-virtualmedia',
];

const HTTP_BMC = { username: 'lab-redfish-op-4k2', password: 'Rf-http-Pw-77x1' };
const IPMI_BMC = { username: 'ipmi-op-9w4k', password: 'Ipmi-Pw-3kq8z' };
const URL_SECRET = 'in-url-Secret-55';

interface PlainBmc {
  port: number;
  clock: HostClock;
  close(): Promise<void>;
}

/** A simulated Redfish service over plain http (`+http` schemes) on a loopback address. */
async function startHttpBmc(host: string, clock: HostClock, refuseClockSet = false): Promise<PlainBmc> {
  const tree = await loadMockupTree(defaultMockupDir());
  const service = new BmcService({
    tree,
    credentials: HTTP_BMC,
    clock,
    power: () => 'Off',
    setPower: () => {},
    refuseClockSet,
    timeoutMs: 10_000,
  });
  const server: Server = createServer((req, res) => service.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    clock,
    close: () =>
      new Promise<void>((resolve) => {
        service.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function secret(namespace: string, name: string, data: Record<string, string>) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

let mac = 0;
function bmh(namespace: string, name: string, address: string, credentialsName?: string, verify = false) {
  mac += 1;
  return {
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: { name, namespace },
    spec: {
      online: false,
      bootMACAddress: `52:54:00:ee:00:${mac.toString(16).padStart(2, '0')}`,
      bmc: {
        address,
        ...(credentialsName ? { credentialsName } : {}),
        disableCertificateVerification: !verify,
      },
    },
  };
}

const dns = (scheme: string): string => scheme.replace(/\+/g, '-');

describe('bmc-time on a simulated cluster, real kubectl, Redfish BMCs and ipmi_sim', () => {
  let cluster: SimCluster;
  let kc: string;
  let tmp: string;
  let http4: PlainBmc;
  let http6: PlainBmc;
  let locked: PlainBmc;
  let ipmi: IpmiSim;
  const printed: string[] = [];
  const secrets: string[] = [];
  /** Hosts by the status they must have before --set. */
  const expected = new Map<string, string>();

  const cli = async (args: string[], stdin?: string): Promise<CliResult> => {
    const r = await runCli(['bmc-time', '--kubeconfig', kc, ...args], { stdin, killAfterMs: 120_000 });
    printed.push(r.stdout, r.stderr);
    return r;
  };
  const json = (r: CliResult): BmcTimeReport => {
    try {
      return JSON.parse(r.stdout) as BmcTimeReport;
    } catch {
      throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
  };
  const row = (report: BmcTimeReport, namespace: string, host: string): BmcTimeRow => {
    const found = report.hosts.find((h) => h.namespace === namespace && h.host === host);
    assert.ok(found, `no row for ${namespace}/${host}`);
    return found;
  };
  const kubectl = async (args: string[], stdin?: string): Promise<string> => {
    const r = await runProcess(KUBECTL, ['--kubeconfig', kc, ...args], { stdin, killAfterMs: 60_000 });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    assert.ok(ipmiToolsInstalled(), 'ipmi_sim and ipmitool are needed: apt-get install openipmi ipmitool');
    tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-bmc-time-'));
    cluster = await startSimCluster({ scenario: 'clock-behind', version: '4.19', speed: 300 });
    kc = cluster.kubeconfigPath;
    const clock = new HostClock(3_600_000);
    http4 = await startHttpBmc('127.0.0.1', clock);
    http6 = await startHttpBmc('::1', clock);
    // a BMC whose clock follows NTP: it refuses PATCH DateTime (PropertyValueConflict)
    locked = await startHttpBmc('127.0.0.1', new HostClock(-600_000), true);
    ipmi = await startIpmiSim(IPMI_BMC);

    const worker1 = cluster.seed.hosts.find((h) => h.name === 'worker-1')!;
    const workerBmc = cluster.seed.hosts.filter((h) => h.name.startsWith('worker'));
    secrets.push(HTTP_BMC.password, HTTP_BMC.username, IPMI_BMC.password, IPMI_BMC.username, URL_SECRET);
    for (const h of [...workerBmc, ...cluster.seed.hosts]) secrets.push(h.bmc.password);
    const address1 = (
      await kubectl(['-n', MAPI, 'get', 'bmh', 'worker-1', '-o', 'jsonpath={.spec.bmc.address}'])
    ).trim();
    const https = new URL(address1.replace(/^[^:]+:/, 'https:')).host;

    const objects: object[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: LAB } },
      secret(MAPI, 'sim-bmc', { username: worker1.bmc.username, password: worker1.bmc.password }),
      secret(MAPI, 'lab-bmc', HTTP_BMC),
      secret(MAPI, 'ipmi-bmc', IPMI_BMC),
      secret(LAB, 'sim-bmc-wrong', { username: worker1.bmc.username, password: 'Wrong-Pass-31x' }),
      secret(LAB, 'sim-bmc', { username: worker1.bmc.username, password: worker1.bmc.password }),
      secret(LAB, 'ipmi-bmc-wrong', { username: IPMI_BMC.username, password: 'Wrong-Ipmi-7t' }),
      secret(LAB, 'no-password', { username: 'someone' }),
      secret(LAB, 'lab-bmc', HTTP_BMC),
    ];
    secrets.push('Wrong-Pass-31x', 'Wrong-Ipmi-7t');
    for (const base of REDFISH_BASES) {
      for (const scheme of [base, `${base}+https`]) {
        const name = `rf-${dns(scheme)}`;
        // with a System path for the plain scheme, without one (the Managers collection) for +https
        objects.push(bmh(MAPI, name, `${scheme}://${https}${scheme === base ? SYSTEM : ''}`, 'sim-bmc'));
        expected.set(`${MAPI}/${name}`, 'ok');
      }
      const name = `rf-${dns(base)}-http`;
      objects.push(bmh(MAPI, name, `${base}+http://127.0.0.1:${http4.port}${SYSTEM}`, 'lab-bmc'));
      expected.set(`${MAPI}/${name}`, 'skewed');
    }
    objects.push(bmh(MAPI, 'rf-opaque', `redfish:${https}${SYSTEM}`, 'sim-bmc'));
    expected.set(`${MAPI}/rf-opaque`, 'ok');
    objects.push(bmh(MAPI, 'rf-ipv6-http', `redfish+http://[::1]:${http6.port}${SYSTEM}`, 'lab-bmc'));
    expected.set(`${MAPI}/rf-ipv6-http`, 'skewed');
    // credentials written into the address itself must never be printed either
    objects.push(
      bmh(
        MAPI,
        'rf-userinfo',
        `redfish+http://lab:${URL_SECRET}@127.0.0.1:${http4.port}${SYSTEM}`,
        'lab-bmc',
      ),
    );
    expected.set(`${MAPI}/rf-userinfo`, 'skewed');
    const ipmiHost = `${ipmi.host}:${ipmi.port}`;
    for (const [name, address] of [
      ['ipmi', `ipmi://${ipmiHost}`],
      ['ipmi-operator', `ipmi://${ipmiHost}?privilegelevel=operator`],
      ['libvirt', `libvirt://${ipmiHost}`],
      ['ipmi-bare', ipmiHost],
    ] as const) {
      objects.push(bmh(MAPI, name, address, 'ipmi-bmc'));
      expected.set(`${MAPI}/${name}`, 'skewed');
    }
    const closed = http4.port === 65535 ? 1 : http4.port + 1;
    for (const [name, address, cred, status, verify] of [
      ['wrong-password', `redfish://${https}${SYSTEM}`, 'sim-bmc-wrong', 'auth-failed', false],
      ['ipmi-wrong-password', `ipmi://${ipmiHost}`, 'ipmi-bmc-wrong', 'auth-failed', false],
      ['missing-secret', `redfish://${https}${SYSTEM}`, 'not-there', 'no-credentials', false],
      ['no-password', `redfish://${https}${SYSTEM}`, 'no-password', 'no-credentials', false],
      ['no-secret-named', `redfish://${https}${SYSTEM}`, undefined, 'no-credentials', false],
      ['ilo4', `ilo4://${https}`, 'sim-bmc', 'unsupported', false],
      ['irmc', `irmc://${https}`, 'sim-bmc', 'unsupported', false],
      ['refused-address', `floppy://${https}`, 'sim-bmc', 'unsupported', false],
      ['nothing-listens', `redfish+http://127.0.0.1:${closed}${SYSTEM}`, 'sim-bmc', 'unreachable', false],
      ['self-signed', `redfish://${https}${SYSTEM}`, 'sim-bmc', 'unreachable', true],
      ['ntp-locked', `redfish+http://127.0.0.1:${locked.port}${SYSTEM}`, 'lab-bmc', 'skewed', false],
    ] as const) {
      objects.push(bmh(LAB, name, address, cred, verify));
      expected.set(`${LAB}/${name}`, status);
    }
    expected.set(`${MAPI}/worker-0`, 'skewed');
    expected.set(`${MAPI}/worker-1`, 'ok');
    expected.set(`${MAPI}/worker-2`, 'ok');
    // (the simulated API server publishes no OpenAPI schema for Secrets, which kubectl's validation asks for)
    await kubectl(
      ['apply', '--validate=false', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    );
  });

  after(async () => {
    await Promise.all([cluster?.close(), http4?.close(), http6?.close(), locked?.close(), ipmi?.close()]);
    await rm(tmp, { recursive: true, force: true });
  });

  test('-A -o json: every host with the status its BMC earns, Redfish for every scheme, IPMI through ipmitool', async () => {
    const r = await cli(['-A', '-o', 'json']);
    const report = json(r);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.namespace, null);
    assert.equal(report.target.context, 'admin');
    for (const [key, status] of expected) {
      const [ns, host] = key.split('/') as [string, string];
      assert.equal(row(report, ns, host).status, status, `${key}: ${JSON.stringify(row(report, ns, host))}`);
    }
    for (const h of report.hosts.filter((x) => x.host.startsWith('rf-') && x.status === 'ok')) {
      assert.equal(h.protocol, 'redfish');
      assert.equal(h.manager, '/redfish/v1/Managers/BMC');
      assert.ok(Math.abs(h.skewMs!) < 5000, `${h.host}: ${h.skew}`);
      assert.equal(h.verifies?.ok, true, `${h.host}: ${JSON.stringify(h.verifies)}`);
      assert.equal(h.verifies?.summary, 'yes');
    }
    // The 22 Redfish scheme variants (7 bases x https, +https, +http) and the opaque form.
    const schemes = new Set(
      report.hosts.filter((h) => h.protocol === 'redfish').map((h) => h.bmc.split('://')[0]),
    );
    for (const base of REDFISH_BASES)
      for (const s of [base, `${base}+https`, `${base}+http`]) assert.ok(schemes.has(s), s);
    const http = row(report, MAPI, 'rf-redfish-http');
    assert.equal(http.bmc, `redfish+http://127.0.0.1:${http4.port}`);
    assert.ok(Math.abs(http.skewMs! - 3_600_000) < 5000);
    assert.match(http.skew!, /^\+(60|59)m$/);
    assert.equal(row(report, MAPI, 'rf-ipv6-http').bmc, `redfish+http://[::1]:${http6.port}`);
    assert.equal(row(report, MAPI, 'rf-userinfo').bmc, `redfish+http://127.0.0.1:${http4.port}`);
    // worker-0: 3 years behind, and the MCS chain fails at its clock as Go would say
    const w0 = row(report, MAPI, 'worker-0');
    assert.equal(w0.skew, '-3y');
    assert.ok(Math.abs(w0.skewMs! + 3 * YEAR_MS) < 60_000);
    assert.equal(w0.verifies?.ok, false);
    assert.match(
      w0.verifies!.error!,
      /^x509: certificate has expired or is not yet valid: current time \S+ is before /,
    );
    assert.match(w0.verifies!.summary, /^no: not yet valid \(current time before \S+Z\)$/);
    assert.equal(w0.localOffset, '+06:00');
    // IPMI: ipmi_sim's clock was never set: a time stamp from its start, shown from 1970
    for (const name of ['ipmi', 'ipmi-operator', 'libvirt', 'ipmi-bare']) {
      const h = row(report, MAPI, name);
      assert.equal(h.protocol, 'ipmi', name);
      assert.equal(h.manager, 'SEL');
      assert.match(h.bmcTime!, /^1970-/);
      assert.match(h.message, /never set/);
      assert.equal(h.verifies?.ok, false);
      assert.equal(h.bmc.split('://')[0], name === 'libvirt' ? 'libvirt' : 'ipmi');
    }
    assert.match(row(report, LAB, 'wrong-password').message, /refused the credentials \(HTTP 401\)/);
    assert.match(row(report, LAB, 'ipmi-wrong-password').message, /RAKP 2 HMAC is invalid/);
    assert.match(row(report, LAB, 'missing-secret').message, /secret bmc-lab\/not-there does not exist/);
    assert.match(row(report, LAB, 'no-password').message, /has no password/);
    assert.match(row(report, LAB, 'no-secret-named').message, /names no credentials secret/);
    assert.match(row(report, LAB, 'ilo4').message, /neither Redfish nor IPMI/);
    assert.match(row(report, LAB, 'refused-address').message, /Unknown BMC type 'floppy'/);
    assert.match(row(report, LAB, 'nothing-listens').message, /ECONNREFUSED/);
    assert.match(row(report, LAB, 'self-signed').message, /self-signed certificate|certificate/);
    assert.equal(report.summary.ok + report.summary.skewed > 20, true);
  });

  test('the table: default namespace from the context, no NAMESPACE column; -A adds it', async () => {
    const r = await cli([]);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    assert.match(
      lines[0]!,
      /^Cluster: https:\/\/\S+ \(context admin\), namespace openshift-machine-api; this machine's clock: /,
    );
    const header = lines.find((l) => l.startsWith('HOST'));
    assert.match(header!, /^HOST +BMC +BMC TIME +SKEW +VERIFIES +STATUS$/);
    assert.match(
      r.stdout,
      /\nworker-0 +redfish-virtualmedia:\/\/\S+ +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +-3y +no: not yet valid \(current time before \S+\) +skewed\n/,
    );
    assert.match(r.stdout, /\nworker-1 +\S+ +\S+ +(0s|[+-][12]s) +yes +ok\n/);
    assert.match(
      r.stdout,
      /\nrf-redfish-http +redfish\+http:\/\/127\.0\.0\.1:\d+ +\S+ +\+(60|59)m +yes +skewed\n/,
    );
    assert.match(r.stdout, /\nipmi +ipmi:\/\/127\.0\.0\.1:\d+ +1970-\S+ +-5\dy +no: not yet valid/);
    assert.doesNotMatch(r.stdout, /bmc-lab/);
    assert.match(r.stdout, /worker-0: the MCS chain does not verify at its BMC clock: x509: /);
    assert.match(r.stdout, /To set the skewed clocks to this machine's time .*: mcs-doctor bmc-time --set/);

    const all = await cli(['-A']);
    assert.match(all.stdout, /\nNAMESPACE +HOST +BMC +BMC TIME +SKEW +VERIFIES +STATUS\n/);
    assert.match(all.stdout, /\nbmc-lab +wrong-password +redfish:\/\/\S+ +- +- +- +auth-failed\n/);
    assert.match(all.stdout, /\nbmc-lab +ipmi-wrong-password +ipmi:\/\/\S+ +- +- +- +auth-failed\n/);
    assert.match(all.stdout, /\nbmc-lab +missing-secret +\S+ +- +- +- +no-credentials\n/);
    assert.match(all.stdout, /\nbmc-lab +ilo4 +ilo4:\/\/\S+ +- +- +- +unsupported\n/);
    assert.match(all.stdout, /\nbmc-lab +refused-address +\(invalid address\) +- +- +- +unsupported\n/);
    assert.match(
      all.stdout,
      /BareMetalHosts: \d+ ok, \d+ skewed \(over 2m\), 5 unreachable, 2 auth-failed, 3 unsupported, 3 no-credentials\./,
    );

    const lab = await cli(['-n', LAB, '-o', 'yaml']);
    assert.match(lab.stdout, /^schemaVersion: 1\n/);
    assert.match(lab.stdout, /\nnamespace: bmc-lab\n/);
    assert.doesNotMatch(lab.stdout, /worker-0/);
  });

  test('--host, --max-skew and the exit codes', async () => {
    const ok = await cli(['--host', 'worker-1']);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /namespace openshift-machine-api/);
    assert.match(ok.stdout, /1 BareMetalHost: 1 ok\./);
    // an hour ahead is within --max-skew 2h
    const wide = await cli(['--host', 'rf-redfish-http', '--max-skew', '2h', '-o', 'json']);
    assert.equal(wide.code, 0);
    assert.equal(json(wide).hosts[0]!.status, 'ok');
    assert.equal((await cli(['--host', 'ilo4', '-n', LAB])).code, 4);
    assert.equal((await cli(['--host', 'wrong-password'])).code, 1);
    const unknown = await cli(['--host', 'worker-9']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /there is no BareMetalHost named worker-9/);
    const bad = await cli(['--max-skew', '2 minutes']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--max-skew "2 minutes" is not a duration/);
    assert.equal((await cli(['--host', 'worker-0', '-A'])).code, 2);
    assert.equal((await cli(['--backup-dir', tmp])).code, 2);
    const down = await runCli(
      ['bmc-time', '--server', 'https://127.0.0.1:9', '--token', 'x', '--insecure-skip-tls-verify'],
      { env: { KUBECONFIG: join(tmp, 'none') } },
    );
    assert.equal(down.code, 3, down.stdout + down.stderr);
  });

  test('--set without a terminal and without --yes changes nothing (exit 2)', async () => {
    const r = await cli(['--host', 'worker-0', '--set']);
    assert.equal(r.code, 2);
    assert.match(
      r.stdout,
      /BMC clock plan: set 1 BMC clock off by more than 2m to this machine's time \(UTC\)/,
    );
    assert.match(r.stdout, /Cluster: https:\/\/\S+ \(context admin, cluster sim\), user admin/);
    assert.match(
      r.stdout,
      /openshift-machine-api\/worker-0 +redfish-virtualmedia:\/\/\S+ +\(Redfish: PATCH DateTime on its Manager\)/,
    );
    assert.match(r.stdout, /now: \S+ \(-3y\)\n +new: \S+ \(this machine's clock when it is set\)/);
    assert.match(r.stderr, /--set needs confirmation and stdin is not a terminal; nothing was changed/);
    const after = json(await cli(['--host', 'worker-0', '-o', 'json']));
    assert.equal(after.hosts[0]!.skew, '-3y');
  });

  test('--set --yes sets every skewed clock (Redfish https and http, IPMI), backs the old ones up, restore puts them back', async () => {
    const backupDir = join(tmp, 'set-all');
    const before = json(await cli(['-A', '-o', 'json']));
    const skewed = before.hosts.filter((h) => h.status === 'skewed');
    assert.equal(skewed.length, expected.size - [...expected.values()].filter((s) => s !== 'skewed').length);

    const r = await cli(['-A', '--set', '--yes', '--backup-dir', backupDir, '-o', 'json']);
    const report = json(r);
    assert.equal(r.code, 1, 'the BMCs that cannot be read are still problems');
    assert.equal(report.set?.applied, true);
    assert.equal(report.set?.backupDir, backupDir);
    assert.equal(report.set?.clocks.length, skewed.length);
    for (const c of report.set!.clocks) {
      assert.equal(c.status, c.host === 'ntp-locked' ? 'failed' : 'set', `${c.host}: ${c.message}`);
    }
    const refused = report.set!.clocks.find((c) => c.host === 'ntp-locked')!;
    assert.match(
      refused.message!,
      /did not take the new clock \(unsupported\): PATCH \S+: HTTP 400: The property 'DateTime' could not be written because its value would conflict with the value of the 'NTP\/ProtocolEnabled' property/,
    );
    assert.equal(row(report, LAB, 'ntp-locked').status, 'skewed');
    assert.match(report.messages.join('\n'), /FAILED bmc-lab\/ntp-locked: /);
    for (const h of skewed.filter((x) => x.host !== 'ntp-locked')) {
      const now = row(report, h.namespace, h.host);
      assert.equal(now.status, 'ok', `${h.host} after --set: ${JSON.stringify(now)}`);
      assert.ok(Math.abs(now.skewMs!) < 5000, `${h.host}: ${now.skew}`);
      assert.equal(now.verifies?.ok, true, `${h.host}: ${JSON.stringify(now.verifies)}`);
    }
    // Redfish kept the Manager's own local offset
    assert.match(row(report, MAPI, 'worker-0').bmcDateTime!, /\+06:00$/);
    assert.match(
      report.messages.join('\n'),
      /Some clocks could not be set \(above\)\. What was set can be undone with: mcs-doctor restore /,
    );

    // the backup: private, the old clocks, no credentials
    assert.equal((await stat(backupDir)).mode & 0o777, 0o700);
    const files = await readdir(backupDir);
    assert.deepEqual(files, ['manifest.json']);
    assert.equal((await stat(join(backupDir, 'manifest.json'))).mode & 0o777, 0o600);
    const manifestText = await readFile(join(backupDir, 'manifest.json'), 'utf8');
    printed.push(manifestText);
    const manifest = JSON.parse(manifestText) as {
      kind: string;
      clocks: Array<{ host: string; protocol: string; offsetMs: number; bmcTime: string }>;
    };
    assert.equal(manifest.kind, 'bmc-time');
    assert.equal(manifest.clocks.length, skewed.length);
    const w0 = manifest.clocks.find((c) => c.host === 'worker-0')!;
    assert.equal(w0.protocol, 'redfish');
    assert.ok(Math.abs(w0.offsetMs + 3 * YEAR_MS) < 60_000);
    assert.equal(manifest.clocks.find((c) => c.host === 'ipmi')!.protocol, 'ipmi');
    assert.match(manifest.clocks.find((c) => c.host === 'ipmi')!.bmcTime, /^1970-/);

    // restore: each clock back at its old offset (old time plus the time elapsed)
    const restored = await runCli(['restore', backupDir, '--kubeconfig', kc, '--yes'], {
      killAfterMs: 120_000,
    });
    printed.push(restored.stdout, restored.stderr);
    assert.equal(restored.code, 0, restored.stdout + restored.stderr);
    assert.match(restored.stdout, /^Restoring \d+ BMC clock\(s\) saved by bmc-time --set of /);
    assert.match(
      restored.stdout,
      /restored BMC clock of openshift-machine-api\/worker-0: reads \d{4}-\S+\+06:00 again/,
    );
    assert.match(
      restored.stdout,
      /restored BMC clock of openshift-machine-api\/ipmi: reads (S\+ |01\/01\/70 )/,
    );
    assert.match(
      restored.stdout,
      /skipped BMC clock of bmc-lab\/ntp-locked: never changed: the BMC refused the new clock/,
    );
    assert.match(restored.stdout, /Every BMC clock is back at its old offset\./);
    const back = json(await cli(['-A', '-o', 'json']));
    for (const h of skewed) {
      const now = row(back, h.namespace, h.host);
      assert.equal(now.status, 'skewed', `${h.host} after restore`);
      assert.ok(Math.abs(now.skewMs! - h.skewMs!) < 10_000, `${h.host}: ${now.skew} vs ${h.skew}`);
    }
    // a bmc-time backup is no fix to resume
    const fix = await runCli(['fix', '--kubeconfig', kc, '--backup-dir', backupDir], {
      killAfterMs: 120_000,
    });
    assert.equal(fix.code, 2);
    assert.match(fix.stderr, /holds BMC clocks saved by bmc-time --set, not a fix/);
  });

  test('--set of one host with the plan on stdout: exit 0 when the clock is right afterwards', async () => {
    const backupDir = join(tmp, 'set-worker-0');
    const r = await cli(['--host', 'worker-0', '--set', '--yes', '--backup-dir', backupDir]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /BMC clock plan: set 1 BMC clock/);
    assert.match(r.stdout, /Backup: \S+set-worker-0 \(the old clocks, saved before any change\)/);
    assert.match(
      r.stdout,
      /set openshift-machine-api\/worker-0: the BMC reads \S+\+06:00 \((0s|[+-]\ds) from this machine\)/,
    );
    const again = await cli(['--host', 'worker-0', '--set', '--yes']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /No BMC clock is off by more than 2m: nothing to set\./);
  });

  test('no BMC credential in anything printed, in any run', () => {
    const all = printed.join('\n');
    for (const s of secrets) assert.ok(!all.includes(s), `a credential was printed: ${s.slice(0, 3)}...`);
  });
});

describe('bmc-time on OpenShift 4.16: redfish-uefihttp is not a scheme Metal3 knows yet', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'healthy', version: '4.16', speed: 300 });
    const r = await runProcess(KUBECTL, ['--kubeconfig', cluster.kubeconfigPath, 'apply', '-f', '-'], {
      stdin: JSON.stringify(
        bmh(MAPI, 'uefihttp', 'redfish-uefihttp://127.0.0.1:8000/redfish/v1/Systems/1', 'x'),
      ),
      killAfterMs: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await cluster?.close();
  });

  test('unsupported, with the baremetal-operator message, exit 4', async () => {
    const r = await runCli([
      'bmc-time',
      '--kubeconfig',
      cluster.kubeconfigPath,
      '--host',
      'uefihttp',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const h = (JSON.parse(r.stdout) as BmcTimeReport).hosts[0]!;
    assert.equal(h.status, 'unsupported');
    assert.match(
      h.message,
      /^Metal3 refuses the BMC address on OpenShift 4\.16\.\d+: Unknown BMC type 'redfish-uefihttp'/,
    );
  });
});

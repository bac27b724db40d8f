/**
 * `mcs-doctor probe` end to end through the built CLI, against real TLS servers on 127.0.0.1:
 * exit codes, the JSON contract, what the text shows a person, and bad input.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { pointerConfigJson } from '../helpers/pointer.js';
import { buildProbePki, DAY, type ProbePki } from '../probes/pki.js';
import { issueCertificate } from '../../src/pki/issue.js';
import {
  IGNITION_BODY,
  closedPort,
  startBannerServer,
  startTlsServer,
  type TestServer,
} from '../probes/servers.js';

let pki: ProbePki;
let tmp: string;
const servers: TestServer[] = [];

before(async () => {
  pki = await buildProbePki();
  tmp = await mkdtemp(join(tmpdir(), 'mcs-doctor-probe-cli-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(tmp, { recursive: true, force: true });
});

async function serveLeaf(
  leaf = pki.leaf,
  respond?: Parameters<typeof startTlsServer>[2],
): Promise<TestServer> {
  const s = await startTlsServer(
    [leaf],
    leaf,
    respond ??
      ((head) => ({
        status: 200,
        body: IGNITION_BODY(head.includes('version=2.2.0') ? '2.2.0' : '3.3.0'),
      })),
  );
  servers.push(s);
  return s;
}

let fileCount = 0;
async function pointerFile(url: string, caPems: string[], spec: 2 | 3 = 3): Promise<string> {
  const path = join(tmp, `pointer-${fileCount++}.ign`);
  await writeFile(path, pointerConfigJson({ url, caPems, spec }));
  return path;
}

interface ProbeJson {
  schemaVersion: number;
  verdict: string;
  reason: string;
  cause: string | null;
  ignitionError: string | null;
  ignitionFinal: string | null;
  reasonNow: string | null;
  detail?: string | null;
  at: string;
  chain: Array<{ subject: string; sentByServer: boolean; spkiSha256: string }>;
  anchors: Array<{ index: number; subject: string; spkiSha256: string }>;
  matchedAnchor: { index: number | null; spkiSha256: string } | null;
  http: { status: number; ignitionVersion: string | null } | null;
  next: string[];
}

function parse(stdout: string): ProbeJson {
  return JSON.parse(stdout) as ProbeJson;
}

describe('mcs-doctor probe', () => {
  test('healthy endpoint, URL from the pointer: exit 0, JSON with chain and matched anchor', async () => {
    const s = await serveLeaf();
    const url = `https://localhost:${s.port}/config/worker`;
    const r = await runCli(['probe', '--pointer', await pointerFile(url, [pki.root.certPem]), '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const j = parse(r.stdout);
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.verdict, 'ok');
    assert.equal(j.cause, null);
    assert.equal(j.http?.status, 200);
    assert.deepEqual(
      j.chain.map((c) => [c.subject, c.sentByServer]),
      [
        ['CN=api-int.test.invalid', true],
        ['CN=root-ca, OU=openshift', false],
      ],
    );
    assert.equal(j.matchedAnchor?.index, 0);
    assert.equal(j.matchedAnchor?.spkiSha256, pki.root.cert.spkiSha256);
    assert.ok(!r.stdout.includes('PRIVATE KEY'));
  });

  test('expired serving cert: exit 1, cause mcs-cert-expired, text with chain, timeline and the oc command', async () => {
    const s = await serveLeaf(pki.expiredLeaf);
    const url = `https://localhost:${s.port}/config/worker`;
    const r = await runCli(['probe', url, '--ca', await writeCa(pki.root.certPem)]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0] ?? '', /^FAIL {2}cert-expired/);
    assert.match(
      lines[1] ?? '',
      /GET error: Get "https:\/\/localhost:\d+\/config\/worker": x509: certificate has expired or is not yet valid: current time \S+ is after \S+/,
    );
    assert.ok(r.stdout.includes('cause: mcs-cert-expired'));
    assert.ok(r.stdout.includes('CN=api-int.test.invalid (expired)'));
    assert.ok(r.stdout.includes('EXPIRED at the evaluated time'));
    assert.ok(r.stdout.includes('MATCHED (by key)'));
    assert.ok(r.stdout.includes('Validity timeline'));
    assert.ok(r.stdout.includes('oc adm ocp-certificates regenerate-machine-config-server-serving-cert'));
    assert.ok(!r.stdout.includes('\u001b['), 'no colour when not a TTY / NO_COLOR');
  });

  test('valid now, but the worker clock (--at) is before notBefore: worker-clock-skew', async () => {
    const s = await serveLeaf();
    const url = `https://localhost:${s.port}/config/worker`;
    const at = new Date(pki.now - 150 * DAY).toISOString();
    const r = await runCli(['probe', url, '--ca', await writeCa(pki.root.certPem), '--at', at, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const j = parse(r.stdout);
    assert.equal(j.reason, 'cert-not-yet-valid');
    assert.equal(j.reasonNow, 'ok');
    assert.equal(j.cause, 'worker-clock-skew');
    assert.equal(j.at, at);
    assert.ok(j.next.some((n) => n.includes('PATCH /redfish/v1/Managers/')));
    const text = await runCli(['probe', url, '--ca', await writeCa(pki.root.certPem), '--at', at]);
    assert.ok(text.stdout.includes('@ = evaluated (--at)'));
    assert.ok(text.stdout.includes('NOT YET VALID at the evaluated time'));
  });

  test('pointer CA with the same subject but another key: says so, cause mcs-ca-mismatch', async () => {
    const s = await serveLeaf();
    const url = `https://localhost:${s.port}/config/worker`;
    const pointer = await pointerFile(url, [pki.rootImpostor.certPem]);
    const r = await runCli(['probe', '--pointer', pointer]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.includes('x509: certificate signed by unknown authority'));
    assert.ok(r.stdout.includes('cause: mcs-ca-mismatch'));
    assert.match(
      r.stdout,
      /anchor #0 has the same subject "CN=root-ca, OU=openshift" .* but a DIFFERENT KEY/,
    );
    assert.ok(r.stdout.includes('update-ignition-ca-bundle-for-machine-config-server'));
    const j = parse((await runCli(['probe', '--pointer', pointer, '-o', 'json'])).stdout);
    assert.equal(j.matchedAnchor, null);
    assert.equal(j.anchors[0]?.spkiSha256, pki.rootImpostor.cert.spkiSha256);
  });

  test('pointer from stdin, URL argument wins over the pointer source, --resolve applies', async () => {
    const s = await serveLeaf();
    const pointer = pointerConfigJson({
      url: 'https://elsewhere.invalid:1/config/worker',
      caPems: [pki.root.certPem],
    });
    const url = `https://api-int.test.invalid:${s.port}/config/worker`;
    const r = await runCli(
      ['probe', url, '--pointer', '-', '--resolve', 'api-int.test.invalid:127.0.0.1', '-o', 'json'],
      {
        stdin: pointer,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parse(r.stdout).verdict, 'ok');
    assert.equal(s.sniSeen[0], 'api-int.test.invalid');
  });

  test('spec-2 pointer: refused as Ignition 2.x does, nothing fetched; --legacy-ignition probes as 0.x', async () => {
    const s = await serveLeaf();
    const url = `https://localhost:${s.port}/config/worker`;
    const pointer = await pointerFile(url, [pki.root.certPem], 2);
    const r = await runCli(['probe', '--pointer', pointer, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const j = parse(r.stdout);
    assert.equal(j.reason, 'unsupported-pointer-version');
    assert.equal(j.ignitionError, null);
    assert.equal(j.ignitionFinal, 'Ignition failed: unsupported config version');
    assert.equal(j.cause, 'pointer-unsupported-version');
    assert.equal(s.connections, 0, 'Ignition 2.x fetches nothing');
    const legacy = await runCli(['probe', '--pointer', pointer, '--legacy-ignition', '-o', 'json']);
    assert.equal(legacy.code, 0, legacy.stderr);
    assert.equal(parse(legacy.stdout).http?.ignitionVersion, '2.2.0');
    assert.match(
      s.seen[0]?.head ?? '',
      /\r\nAccept: application\/vnd\.coreos\.ignition\+json; version=2\.2\.0, /,
    );
  });

  test("spec 3.4.0 pointer: refused for a given older Ignition, a warning when the worker's Ignition is unknown", async () => {
    const s = await serveLeaf();
    const url = `https://localhost:${s.port}/config/worker`;
    const path = join(tmp, `pointer-${fileCount++}.ign`);
    await writeFile(path, pointerConfigJson({ url, caPems: [pki.root.certPem], specVersion: '3.4.0' }));

    const old = await runCli(['probe', '--pointer', path, '--ignition-version', '2.14', '-o', 'json']);
    assert.equal(old.code, 1, old.stderr);
    const refused = parse(old.stdout);
    assert.equal(refused.reason, 'unsupported-pointer-version');
    assert.equal(refused.ignitionFinal, 'Ignition failed: unsupported config version');
    assert.match(
      refused.detail ?? '',
      /Ignition 2\.14\.0 does not accept .* needs Ignition 2\.15\.0 or newer/,
    );
    assert.equal(s.connections, 0, 'Ignition refuses before fetching');

    const recent = await runCli(['probe', '--pointer', path, '--ignition-version', '2.20.1', '-o', 'json']);
    assert.equal(recent.code, 0, recent.stderr);
    assert.match(s.seen[0]?.head ?? '', /\r\nUser-Agent: Ignition\/2\.20\.1 mcs-doctor\/[\d.]+\r\n/);
    assert.match(
      s.seen[0]?.head ?? '',
      /\r\nAccept: application\/vnd\.coreos\.ignition\+json;version=3\.5\.0, /,
    );

    const unknown = await runCli(['probe', '--pointer', path]);
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.match(
      unknown.stdout,
      /warning: the pointer config is spec 3\.4\.0: a worker whose boot image runs Ignition older than 2\.15\.0 refuses it/,
    );

    const bad = await runCli(['probe', '--pointer', path, '--ignition-version', 'latest']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--ignition-version "latest": not an Ignition 2\.x release number/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  });

  test('nothing listening: exit 1 (a finding), cause mcs-unreachable, Go dial text', async () => {
    const port = await closedPort();
    const url = `https://127.0.0.1:${port}/config/worker`;
    const r = await runCli(['probe', url, '--ca', await writeCa(pki.root.certPem), '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const j = parse(r.stdout);
    assert.equal(j.reason, 'connection-refused');
    assert.equal(j.cause, 'mcs-unreachable');
    assert.equal(
      j.ignitionError,
      `GET error: Get "${url}": dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
  });

  test('an SSH server on the port: not-tls, cause mcs-not-tls, Go text, and the banner named', async () => {
    const s = await startBannerServer('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
    servers.push(s);
    const url = `https://127.0.0.1:${s.port}/config/worker`;
    const r = await runCli(['probe', url, '--ca', await writeCa(pki.root.certPem), '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const j = parse(r.stdout);
    assert.equal(j.reason, 'not-tls');
    assert.equal(j.cause, 'mcs-not-tls');
    assert.equal(
      j.ignitionError,
      `GET error: Get "${url}": tls: first record does not look like a TLS handshake`,
    );
    assert.match(j.detail ?? '', /"SSH-2\.0-OpenSSH_9\.2p1 Debian-2\+deb12u3" \(an SSH server\)/);
    const text = await runCli(['probe', url, '--ca', await writeCa(pki.root.certPem)]);
    assert.match(text.stdout, /cause: mcs-not-tls/);
    assert.match(text.stdout, /an SSH server/);
  });

  test("a first byte of 0x80 (an SSLv2 record): Go's SSLv2 text, still mcs-not-tls", async () => {
    const s = await startBannerServer(Buffer.from([0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15]));
    servers.push(s);
    const url = `https://127.0.0.1:${s.port}/config/worker`;
    const r = await runCli(['probe', url, '--ca', await writeCa(pki.root.certPem), '-o', 'json']);
    const j = parse(r.stdout);
    assert.equal(j.cause, 'mcs-not-tls');
    assert.equal(j.ignitionError, `GET error: Get "${url}": tls: unsupported SSLv2 handshake received`);
    assert.match(j.detail ?? '', /\\x80/);
  });

  test('the Kubernetes API server answers (its lb-signer chain): the verdict, plus a note naming the API server and the MCS URL', async () => {
    const signer = await issueCertificate({
      subject: 'CN=kube-apiserver-lb-signer, OU=openshift',
      notBefore: new Date(pki.now - 10 * DAY),
      notAfter: new Date(pki.now + 3000 * DAY),
      isCA: true,
      keyAlgorithm: 'ecdsa-p256',
    });
    const apiLeaf = await issueCertificate({
      subject: 'CN=api-int.test.invalid',
      issuer: signer,
      dnsNames: ['api-int.test.invalid', 'localhost'],
      extKeyUsage: ['serverAuth'],
      notBefore: new Date(pki.now - 10 * DAY),
      notAfter: new Date(pki.now + 30 * DAY),
      keyAlgorithm: 'ecdsa-p256',
    });
    const s = await serveLeaf(apiLeaf);
    const url = `https://localhost:${s.port}/config/worker`;
    const r = await runCli(['probe', url, '--ca', await writeCa(pki.root.certPem), '-o', 'json']);
    const j = parse(r.stdout) as ProbeJson & { warnings: string[] };
    assert.equal(j.reason, 'unknown-authority');
    assert.equal(j.cause, 'mcs-ca-mismatch');
    const note = j.warnings.find((w) => w.includes('Kubernetes API server'));
    assert.ok(note, JSON.stringify(j.warnings));
    assert.match(note, /issued by kube-apiserver-lb-signer/);
    assert.equal(
      j.next[0],
      "probe the Machine Config Server's port instead: mcs-doctor probe https://localhost:22623/config/worker",
    );
  });

  describe('bad input: exit 2 with where and what to do, no stack trace', () => {
    const cases: Array<[string, () => Promise<string[]>, RegExp]> = [
      [
        'bad --at',
        async () => [
          'probe',
          'https://h:22623/config/worker',
          '--ca',
          await writeCa(pki.root.certPem),
          '--at',
          'yesterday',
        ],
        /--at: not an ISO 8601 time/,
      ],
      [
        'bad --resolve',
        async () => [
          'probe',
          'https://h:22623/config/worker',
          '--ca',
          await writeCa(pki.root.certPem),
          '--resolve',
          'h:not-an-ip',
        ],
        /--resolve "h:not-an-ip": "not-an-ip" is not an IP address/,
      ],
      [
        'http URL',
        async () => ['probe', 'http://h:22624/config/worker', '--ca', await writeCa(pki.root.certPem)],
        /the URL must be https/,
      ],
      ['no CA source', async () => ['probe', 'https://h:22623/config/worker'], /no trust anchors/],
      [
        'bad --timeout',
        async () => [
          'probe',
          'https://h:22623/config/worker',
          '--ca',
          await writeCa(pki.root.certPem),
          '--timeout',
          '0',
        ],
        /^error: --timeout "0" must be longer than 0\n {2}where: --timeout/,
      ],
      [
        'bad -o',
        async () => [
          'probe',
          'https://h:22623/config/worker',
          '--ca',
          await writeCa(pki.root.certPem),
          '-o',
          'xml',
        ],
        /unknown output format/,
      ],
      [
        'missing pointer file',
        async () => ['probe', '--pointer', join(tmp, 'nope.ign')],
        /pointer config: no such file/,
      ],
      [
        'CA file without certificates',
        async () => ['probe', 'https://h:22623/config/worker', '--ca', await writeCaText('hello\n')],
        /error: /,
      ],
    ];
    for (const [name, args, message] of cases) {
      test(name, async () => {
        const r = await runCli(await args());
        assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /^error: /);
        assert.ok(!/\n\s+at /.test(r.stderr), `stack trace: ${r.stderr}`);
        assert.equal(r.stdout, '');
      });
    }
  });
});

async function writeCa(pem: string): Promise<string> {
  return writeCaText(pem);
}
async function writeCaText(text: string): Promise<string> {
  const path = join(tmp, `ca-${fileCount++}.pem`);
  await writeFile(path, text);
  return path;
}

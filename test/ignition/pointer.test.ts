import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { parseDataUrl } from '../../src/ignition/dataurl.js';
import { parsePointer } from '../../src/ignition/pointer.js';
import { readCertificateBundle, readPointer } from '../../src/ignition/input.js';
import { issueCertificate, type IssuedCert } from '../../src/pki/issue.js';

let caA: IssuedCert;
let caB: IssuedCert;
let dir: string;
const URL_3 = 'https://api-int.cluster.example.com:22623/config/worker';

before(async () => {
  const nb = new Date('2020-01-01T00:00:00Z');
  const na = new Date('2040-01-01T00:00:00Z');
  caA = await issueCertificate({
    subject: 'CN=root-ca, OU=openshift',
    notBefore: nb,
    notAfter: na,
    isCA: true,
  });
  caB = await issueCertificate({ subject: 'CN=mcs-ca', notBefore: nb, notAfter: na, isCA: true });
  dir = await mkdtemp(join(tmpdir(), 'mcs-doctor-pointer-'));
});

const b64 = (pem: string) => `data:text/plain;charset=utf-8;base64,${Buffer.from(pem).toString('base64')}`;

function pointer(version: string, cas: string[], extra: Record<string, unknown> = {}): string {
  const major = version.startsWith('2') ? 2 : 3;
  const config = major === 2 ? { append: [{ source: URL_3 }] } : { merge: [{ source: URL_3 }] };
  return JSON.stringify({
    ignition: {
      version,
      config,
      security: { tls: { certificateAuthorities: cas.map((source) => ({ source })) } },
      ...extra,
    },
  });
}

function expectInputError(fn: () => unknown, message: RegExp, where?: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    assert.match(err.message, message);
    if (where !== undefined) assert.equal(err.where, where);
    return true;
  });
}

test('every supported spec version parses, with the merge/append source and its JSON path', () => {
  for (const v of [
    '2.2.0',
    '2.3.0',
    '2.4.0',
    '3.0.0',
    '3.1.0',
    '3.2.0',
    '3.3.0',
    '3.4.0',
    '3.5.0',
    '3.4.0-experimental',
    '3.6.0-experimental',
  ]) {
    const p = parsePointer(pointer(v, [b64(caA.certPem)]), 'p.ign');
    assert.equal(p.specVersion, v);
    assert.equal(p.major, v.startsWith('2') ? 2 : 3);
    assert.deepEqual(p.sources, [
      v.startsWith('2')
        ? { kind: 'append', url: URL_3, path: '$.ignition.config.append[0].source' }
        : { kind: 'merge', url: URL_3, path: '$.ignition.config.merge[0].source' },
    ]);
    assert.equal(p.certificateAuthorities[0]?.certs[0]?.subject, caA.cert.subject);
  }
});

test('spec 1, 2.0, 2.1 and unknown versions are rejected naming $.ignition.version', () => {
  expectInputError(
    () => parsePointer('{"ignitionVersion":1}', 'p.ign'),
    /spec 1/,
    'p.ign: $.ignitionVersion',
  );
  for (const v of ['2.0.0', '2.1.0', '1.0.0', '3.9.0', '3.5', '4.0.0']) {
    expectInputError(
      () => parsePointer(pointer(v, []), 'p.ign'),
      new RegExp(`unsupported Ignition spec version "${v.replace(/\./g, '\\.')}"`),
      'p.ign: $.ignition.version',
    );
  }
});

test('two CAs, base64 and percent-encoded, keep order, encoding and path', () => {
  const p = parsePointer(
    pointer('3.2.0', [b64(caA.certPem), `data:,${encodeURIComponent(caB.certPem)}`]),
    'p.ign',
  );
  assert.deepEqual(
    p.certificateAuthorities.map((c) => [c.index, c.encoding, c.path, c.certs[0]?.subject]),
    [
      [0, 'base64', '$.ignition.security.tls.certificateAuthorities[0].source', caA.cert.subject],
      [1, 'percent', '$.ignition.security.tls.certificateAuthorities[1].source', caB.cert.subject],
    ],
  );
});

test('one data URL may carry a bundle of two certificates', () => {
  const p = parsePointer(pointer('3.1.0', [b64(caA.certPem + caB.certPem)]), 'p.ign');
  assert.deepEqual(
    p.certificateAuthorities[0]?.certs.map((c) => c.subject),
    [caA.cert.subject, caB.cert.subject],
  );
});

test('inline PEM pasted as the source and remote https sources are recorded as such', () => {
  const p = parsePointer(pointer('3.2.0', [caA.certPem, 'https://example.com/ca.pem']), 'p.ign');
  assert.equal(p.certificateAuthorities[0]?.encoding, 'inline-pem');
  assert.equal(p.certificateAuthorities[0]?.certs.length, 1);
  assert.deepEqual(p.certificateAuthorities[1], {
    index: 1,
    path: '$.ignition.security.tls.certificateAuthorities[1].source',
    encoding: 'remote',
    source: 'https://example.com/ca.pem',
    certs: [],
  });
});

test('timeouts, proxy and replace are read', () => {
  const text = JSON.stringify({
    ignition: {
      version: '3.2.0',
      config: { replace: { source: URL_3 } },
      timeouts: { httpTotal: 30, httpResponseHeaders: 10 },
      proxy: { httpsProxy: 'http://proxy:3128', noProxy: ['.cluster.local'] },
    },
  });
  const p = parsePointer(text, 'p.ign');
  assert.deepEqual(p.sources, [{ kind: 'replace', url: URL_3, path: '$.ignition.config.replace.source' }]);
  assert.deepEqual(p.timeouts, { httpTotal: 30, httpResponseHeaders: 10 });
  assert.deepEqual(p.proxy, { httpsProxy: 'http://proxy:3128', noProxy: ['.cluster.local'] });
});

test('bad values name the exact JSON path and what was expected', () => {
  const where = 'p.ign: $.ignition.security.tls.certificateAuthorities[1].source';
  expectInputError(
    () => parsePointer(pointer('3.2.0', [b64(caA.certPem), 'data:;base64,%%%']), 'p.ign'),
    /certificateAuthorities\[1\]\.source: invalid base64/,
    where,
  );
  expectInputError(
    () =>
      parsePointer(
        pointer('3.2.0', [
          b64(caA.certPem),
          'data:text/plain;base64,' + Buffer.from('hello').toString('base64'),
        ]),
        'p.ign',
      ),
    /no usable CA certificate at \$\.ignition\.security\.tls\.certificateAuthorities\[1\]\.source/,
  );
  expectInputError(
    () => parsePointer(pointer('3.2.0', [b64(caA.certPem), 'not a url']), 'p.ign'),
    /expected a data: URL/,
    where,
  );
  expectInputError(
    () => parsePointer('{"ignition":{"version":"3.2.0","timeouts":{"httpTotal":"5"}}}', 'p.ign'),
    /at \$\.ignition\.timeouts\.httpTotal: expected number, got string/,
    'p.ign: $.ignition.timeouts.httpTotal',
  );
  expectInputError(
    () => parsePointer('{"ignition":{"version":"3.2.0","config":{"merge":[{"source":42}]}}}', 'p.ign'),
    /\$\.ignition\.config\.merge\[0\]\.source: expected string, got number/,
  );
  expectInputError(
    () => parsePointer('{"ignition":{"version":3}}', 'p.ign'),
    /version string at \$\.ignition\.version, got number 3/,
  );
  expectInputError(() => parsePointer('[]', 'p.ign'), /expected a JSON object at \$, got an array/);
});

test('text that is not JSON says so with line and column', () => {
  expectInputError(
    () => parsePointer('{"ignition":\n  {"version": "3.2.0"', 'p.ign'),
    /not a JSON pointer config: .* at line 2, column \d+/,
    'p.ign',
  );
});

test('data URLs decode as Ignition does: params, quoted values, no media type, percent escapes', () => {
  assert.equal(parseDataUrl('data:,a%20b%2Cc').data.toString(), 'a b,c');
  assert.deepEqual(parseDataUrl('data:,x').params, { charset: 'US-ASCII' });
  assert.equal(parseDataUrl('data:;base64,aGk=').data.toString(), 'hi');
  assert.equal(parseDataUrl('data:application/x-pem-file;name="ca.pem";base64,aGk=\n').params.name, 'ca.pem');
  assert.throws(() => parseDataUrl('data:,%zz'), /invalid percent-escape/);
  assert.throws(() => parseDataUrl('data:text/plain;base64,aGk'), /padding/);
  assert.throws(() => parseDataUrl('data:text/plain;base64'), /no ","/);
});

test('readPointer: a Secret in YAML, JSON and stringData, a List of one, Metal3 value key', async () => {
  const text = pointer('3.2.0', [b64(caA.certPem)]);
  const meta = { name: 'worker-user-data', namespace: 'openshift-machine-api' };
  const files: Record<string, string> = {
    'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: worker-user-data\n  namespace: openshift-machine-api\ntype: Opaque\ndata:\n  disableTemplating: dHJ1ZQ==\n  userData: ${Buffer.from(text).toString('base64')}\n`,
    'secret.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      data: { userData: Buffer.from(text).toString('base64') },
    }),
    'string.yaml': `kind: Secret\nmetadata:\n  name: worker-user-data\n  namespace: openshift-machine-api\nstringData:\n  userData: '${text}'\n`,
    'list.yaml': `apiVersion: v1\nkind: List\nitems:\n- kind: Secret\n  metadata: {name: worker-user-data, namespace: openshift-machine-api}\n  data:\n    value: ${Buffer.from(text).toString('base64')}\n`,
  };
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), content);
    const p = await readPointer(join(dir, name));
    assert.match(p.origin, /^secret openshift-machine-api\/worker-user-data/, name);
    assert.equal(p.sources[0]?.url, URL_3, name);
    assert.equal(p.certificateAuthorities[0]?.certs[0]?.subject, caA.cert.subject, name);
  }
});

test('readPointer: errors inside a Secret name the key path', async () => {
  await writeFile(
    join(dir, 'nokey.yaml'),
    'kind: Secret\nmetadata: {name: s, namespace: n}\ndata:\n  other: eA==\n',
  );
  await assert.rejects(
    readPointer(join(dir, 'nokey.yaml')),
    (e: InputError) => /secret n\/s has no userData key/.test(e.message) && /other/.test(e.hint ?? ''),
  );
  await writeFile(
    join(dir, 'notb64.yaml'),
    'kind: Secret\nmetadata: {name: s, namespace: n}\ndata:\n  userData: "{not base64}"\n',
  );
  await assert.rejects(readPointer(join(dir, 'notb64.yaml')), /expected base64 text at \$\.data\.userData/);
  await writeFile(join(dir, 'two.yaml'), 'kind: List\nitems:\n- kind: Secret\n- kind: Secret\n');
  await assert.rejects(readPointer(join(dir, 'two.yaml')), /exactly one Secret, got 2/);
});

test('readPointer / readCertificateBundle: missing, directory, empty, binary and huge input', async () => {
  await assert.rejects(
    readPointer(join(dir, 'absent.ign')),
    (e: InputError) =>
      e instanceof InputError && /no such file/.test(e.message) && e.where === join(dir, 'absent.ign'),
  );
  await mkdir(join(dir, 'sub'));
  await assert.rejects(readPointer(join(dir, 'sub')), /is a directory/);
  await writeFile(join(dir, 'empty.ign'), '  \n');
  await assert.rejects(readPointer(join(dir, 'empty.ign')), /empty/);
  await writeFile(join(dir, 'gz.ign'), Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
  await assert.rejects(readPointer(join(dir, 'gz.ign')), /gzip-compressed/);
  await writeFile(join(dir, 'nul.ign'), Buffer.from('{"ignition"\0}'));
  await assert.rejects(readPointer(join(dir, 'nul.ign')), /NUL bytes/);
  await writeFile(join(dir, 'huge.ign'), Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
  await assert.rejects(readPointer(join(dir, 'huge.ign')), /larger than 16 MiB/);
  await writeFile(join(dir, 'butane.yaml'), 'ignition:\n  version: 3.2.0\n');
  await assert.rejects(readPointer(join(dir, 'butane.yaml')), /Ignition reads only JSON/);
  await writeFile(join(dir, 'ca.pem'), caA.certPem + caB.certPem);
  assert.deepEqual(
    (await readCertificateBundle(join(dir, 'ca.pem'))).map((c) => c.subject),
    [caA.cert.subject, caB.cert.subject],
  );
  await assert.rejects(readCertificateBundle(join(dir, 'gz.ign')), /gzip/);
  await assert.rejects(readCertificateBundle(join(dir, 'sub')), /CA bundle: is a directory/);
});

test('readPointer reads stdin when given -', async () => {
  const text = pointer('3.2.0', [b64(caA.certPem)]);
  const script = `import { readPointer } from ${JSON.stringify(join(process.cwd(), 'src/ignition/input.ts'))};
const p = await readPointer('-'); console.log(JSON.stringify({ origin: p.origin, url: p.sources[0].url, cas: p.certificateAuthorities.length }));`;
  await writeFile(join(dir, 'stdin.mts'), script);
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, 'stdin.mts')], {
    input: text,
    encoding: 'utf8',
    cwd: process.cwd(),
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { origin: 'stdin', url: URL_3, cas: 1 });
});

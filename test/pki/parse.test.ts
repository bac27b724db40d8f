import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { InputError } from '../../src/core/errors.js';
import { parseCertificate, parseCertificates } from '../../src/pki/parse.js';
import { keyMatchesCertificate, parsePrivateKey } from '../../src/pki/keys.js';
import { HOST, intermediate, leaf, root } from './fixtures.js';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InputError');
}

test('fields agree with openssl x509 on the same certificate', async () => {
  const ca = await root();
  const l = await leaf(ca, { ipAddresses: ['10.0.0.5', 'fd00::1'], serialHex: '0123abcd' });
  const c = l.cert;
  const fp = execFileSync(
    'openssl',
    ['x509', '-noout', '-fingerprint', '-sha256', '-serial', '-subject', '-issuer', '-nameopt', 'RFC2253'],
    {
      input: l.certPem,
      encoding: 'utf8',
    },
  );
  assert.match(fp, new RegExp(`Fingerprint=${c.fingerprintSha256}`));
  assert.match(fp, /serial=0123ABCD/);
  assert.match(fp, /subject=CN=system:machine-config-server/);
  assert.match(fp, /issuer=CN=root-ca,OU=openshift/);
  assert.equal(c.issuer, 'CN=root-ca, OU=openshift');
  assert.equal(c.serialHex, '123abcd');
  assert.equal(c.serialDecimal, String(0x0123abcd));
  assert.deepEqual(c.dnsNames, [HOST]);
  assert.deepEqual(c.ipAddresses, ['10.0.0.5', 'fd00::1']);
  assert.equal(c.hasSANExtension, true);
  assert.equal(c.isCA, false);
  assert.equal(c.maxPathLen, -1);
  assert.deepEqual(c.extKeyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(c.authorityKeyId, ca.cert.subjectKeyId);
  assert.equal(c.publicKeyAlgorithm, 'RSA');
  assert.equal(c.publicKeyDetail, '2048 bits');
  assert.equal(c.signatureAlgorithm, 'SHA256-RSA');
  assert.equal(c.selfSigned, false);
  assert.equal(ca.cert.selfSigned, true);
  assert.equal(ca.cert.isCA, true);
  assert.deepEqual(ca.cert.keyUsage, ['keyCertSign', 'cRLSign']);
  assert.equal(c.version, 3);
});

test('a PEM bundle with keys and text around the certificates yields every certificate in order', async () => {
  const ca = await root();
  const inter = await intermediate(ca);
  const l = await leaf(inter);
  const bundle = `# served chain\n${l.certPem}\n${l.keyPem}garbage line\n${inter.certPem}`;
  const certs = parseCertificates(bundle, 'bundle.pem');
  assert.deepEqual(
    certs.map((c) => c.subject),
    ['CN=system:machine-config-server', 'CN=mcs-intermediate'],
  );
});

test('a single DER certificate', async () => {
  const ca = await root();
  const [c] = parseCertificates(ca.cert.der, 'ca.der');
  assert.equal(c?.fingerprintSha256, ca.cert.fingerprintSha256);
});

test('empty input', () => {
  const e = inputError(() => parseCertificates('  \n', 'ca.crt'));
  assert.equal(e.where, 'ca.crt');
  assert.match(e.hint ?? '', /BEGIN CERTIFICATE/);
});

test('a private key where a certificate was expected: says so, never echoes the key', async () => {
  const ca = await root();
  const e = inputError(() => parseCertificates(ca.keyPem, 'tls.crt'));
  assert.match(e.hint ?? '', /got a private key/);
  const body = ca.keyPem.split('\n')[1] as string;
  assert.ok(!`${e.message}${e.where}${e.hint}`.includes(body.slice(0, 20)));
});

test('truncated base64 in the second block names the block and its line', async () => {
  const ca = await root();
  const l = await leaf(ca);
  const lines = l.certPem.trim().split('\n');
  const cut = [...lines.slice(0, 5), lines[5]?.slice(0, 7), lines[lines.length - 1]].join('\n');
  const e = inputError(() => parseCertificates(`${ca.certPem}${cut}\n`, 'pointer CA'));
  assert.match(e.message, /truncated|corrupted/);
  assert.match(e.where ?? '', /^pointer CA: block 2 \(line \d+\)$/);
});

test('a PEM block cut before its END line', async () => {
  const ca = await root();
  const e = inputError(() => parseCertificates(ca.certPem.split('\n').slice(0, 6).join('\n'), 'ca.crt'));
  assert.match(e.message, /no END line/);
  assert.match(e.where ?? '', /block 1 \(line 1\)/);
});

test('garbage inside a PEM block', () => {
  const e = inputError(() =>
    parseCertificates(
      '-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n',
      'ca.crt',
    ),
  );
  assert.match(e.message, /invalid base64/);
  assert.match(e.where ?? '', /line 2/);
});

test('valid base64 that is not a certificate', () => {
  const e = inputError(() =>
    parseCertificates('-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQh\n-----END CERTIFICATE-----\n', 'ca.crt'),
  );
  assert.match(e.message, /cannot parse certificate/);
  assert.match(e.where ?? '', /ca\.crt: block 1/);
});

test('binary noise and plain text without PEM', () => {
  const noise = Buffer.from([0xff, 0x00, 0x13, 0x37, 0x42, 0x99, 0x01]);
  assert.match(inputError(() => parseCertificates(noise, 'blob')).hint ?? '', /binary data that is not DER/);
  assert.match(
    inputError(() => parseCertificates('hello world', 'notes.txt')).hint ?? '',
    /text without any PEM block/,
  );
  const truncatedDer = Buffer.from([0x30, 0x82, 0x05, 0x00, 0x30]);
  // Go's text for a certificate cut short (parser.go: the outer SEQUENCE cannot be read).
  assert.equal(
    inputError(() => parseCertificate(truncatedDer, 'x.der')).message,
    'cannot parse certificate: malformed certificate',
  );
});

test('private keys: matching and non-matching, and errors without key material', async () => {
  const ca = await root();
  const other = await root();
  assert.equal(keyMatchesCertificate(ca.keyPem, ca.cert), true);
  assert.equal(keyMatchesCertificate(other.keyPem, ca.cert), false);
  assert.equal(keyMatchesCertificate(parsePrivateKey(ca.keyPem, 'tls.key'), ca.cert), true);
  assert.match(inputError(() => parsePrivateKey(ca.certPem, 'tls.key')).hint ?? '', /got a certificate/);
  const broken = ca.keyPem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAA');
  const e = inputError(() => parsePrivateKey(broken, 'tls.key'));
  assert.equal(e.where, 'tls.key');
  assert.ok(!`${e.message}${e.hint}`.includes('MII'));
});

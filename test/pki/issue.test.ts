import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate, loadIssuedCert } from '../../src/pki/issue.js';
import { verifyChain } from '../../src/pki/verify.js';
import { ALGORITHMS, HOST, NA, NB, intermediate, leaf, root } from './fixtures.js';

for (const alg of ALGORITHMS) {
  test(`${alg}: OpenSSL accepts root -> intermediate -> leaf with the key that matches the leaf`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-issue-'));
    try {
      const ca = await root('CN=root-ca, OU=openshift', { keyAlgorithm: alg });
      const inter = await intermediate(ca, { keyAlgorithm: alg, pathLen: 0 });
      const l = await leaf(inter, { keyAlgorithm: alg, ipAddresses: ['10.0.0.5'] });
      writeFileSync(join(dir, 'ca.pem'), ca.certPem);
      writeFileSync(join(dir, 'inter.pem'), inter.certPem);
      writeFileSync(join(dir, 'leaf.pem'), l.certPem);
      writeFileSync(join(dir, 'leaf.key'), l.keyPem);
      const out = execFileSync(
        'openssl',
        [
          'verify',
          '-purpose',
          'sslserver',
          '-verify_hostname',
          HOST,
          '-verify_ip',
          '10.0.0.5',
          '-CAfile',
          join(dir, 'ca.pem'),
          '-untrusted',
          join(dir, 'inter.pem'),
          join(dir, 'leaf.pem'),
        ],
        { encoding: 'utf8' },
      );
      assert.match(out, /leaf\.pem: OK/);
      const certKey = execFileSync('openssl', ['x509', '-noout', '-pubkey', '-in', join(dir, 'leaf.pem')], {
        encoding: 'utf8',
      });
      const keyPub = execFileSync('openssl', ['pkey', '-pubout', '-in', join(dir, 'leaf.key')], {
        encoding: 'utf8',
      });
      assert.equal(certKey, keyPub);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('subject is written in display order (most significant last) and round-trips', async () => {
  const c = await issueCertificate({
    subject: 'CN=root-ca, OU=openshift, O=Example\\, Inc.',
    notBefore: NB,
    notAfter: NA,
    isCA: true,
  });
  assert.equal(c.cert.subject, 'CN=root-ca, OU=openshift, O=Example\\, Inc.');
  const text = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'oneline'], {
    input: c.certPem,
    encoding: 'utf8',
  });
  // oneline prints in DER order: the most significant RDN (O) comes first.
  assert.match(text, /subject=O = "Example, Inc.", OU = openshift, CN = root-ca/);
});

test('reuseKeyOf certifies the same key; defaults give CA and leaf profiles', async () => {
  const ca = await root();
  const again = await issueCertificate({
    subject: 'CN=root-ca-2',
    notBefore: NB,
    notAfter: NA,
    isCA: true,
    reuseKeyOf: ca,
  });
  assert.equal(again.cert.spkiSha256, ca.cert.spkiSha256);
  const l = await leaf(ca);
  assert.deepEqual(l.cert.keyUsage, ['digitalSignature', 'keyEncipherment']);
  assert.equal(l.cert.basicConstraintsValid, true);
  assert.equal(l.cert.isCA, false);
  assert.deepEqual(ca.cert.extKeyUsage, []);
});

test('loadIssuedCert signs with a CA kept as PEM, and refuses a key that is not the certificate’s', async () => {
  const now = Date.now();
  const ca = await issueCertificate({
    subject: 'CN=root-ca, OU=openshift',
    isCA: true,
    notBefore: new Date(now - 1000),
    notAfter: new Date(now + 86_400_000),
  });
  const loaded = await loadIssuedCert(ca.certPem, ca.keyPem);
  const leaf = await issueCertificate({
    subject: 'CN=api-int.sim.example.test',
    dnsNames: ['api-int.sim.example.test'],
    issuer: loaded,
    notBefore: new Date(now - 1000),
    notAfter: new Date(now + 86_400_000),
  });
  assert.equal(leaf.cert.issuer, 'CN=root-ca, OU=openshift');
  assert.equal(
    verifyChain({ chain: [leaf.cert], roots: [ca.cert], at: new Date(now), host: 'api-int.sim.example.test' })
      .ok,
    true,
  );
  const other = await issueCertificate({
    subject: 'CN=other',
    isCA: true,
    keyAlgorithm: 'ecdsa-p256',
    notBefore: new Date(now - 1000),
    notAfter: new Date(now + 86_400_000),
  });
  await assert.rejects(loadIssuedCert(ca.certPem, other.keyPem), /does not match the certificate/);
});

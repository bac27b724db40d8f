import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate } from '../../src/pki/issue.js';
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

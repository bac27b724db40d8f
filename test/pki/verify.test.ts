import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyChain } from '../../src/pki/verify.js';
import { issueCertificate } from '../../src/pki/issue.js';
import { AT, HOST, NA, NB, ALGORITHMS, intermediate, leaf, root } from './fixtures.js';

test('valid leaf signed directly by the pointer CA', async () => {
  const ca = await root();
  const l = await leaf(ca);
  const r = verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.ok, true);
  assert.equal(r.reason, 'ok');
  assert.equal(r.error, undefined);
  assert.equal(r.anchor?.fingerprintSha256, ca.cert.fingerprintSha256);
  assert.deepEqual(
    r.chains.map((c) => c.map((x) => x.subject)),
    [['CN=system:machine-config-server', 'CN=root-ca, OU=openshift']],
  );
});

for (const alg of ALGORITHMS) {
  test(`${alg}: chain through an intermediate the server sent`, async () => {
    const ca = await root('CN=root-ca', { keyAlgorithm: alg });
    const inter = await intermediate(ca, { keyAlgorithm: alg });
    const l = await leaf(inter, { keyAlgorithm: alg });
    const r = verifyChain({ chain: [l.cert, inter.cert], roots: [ca.cert], host: HOST, at: AT });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.chains[0]?.length, 3);
    assert.equal(r.anchor?.subject, 'CN=root-ca');
  });
}

test('intermediate missing from what the server sent: unknown authority, no hint', async () => {
  const ca = await root();
  const inter = await intermediate(ca);
  const l = await leaf(inter);
  const r = verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'unknown-authority');
  assert.equal(r.error, 'x509: certificate signed by unknown authority');
});

test('leaf expired: Go text with RFC3339 times in UTC', async () => {
  const ca = await root();
  const l = await leaf(ca, { notAfter: new Date('2026-11-22T00:00:00Z') });
  const r = verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'cert-expired');
  assert.equal(
    r.error,
    'x509: certificate has expired or is not yet valid: current time 2026-11-23T20:00:00Z is after 2026-11-22T00:00:00Z',
  );
  assert.equal(r.failingCert?.fingerprintSha256, l.cert.fingerprintSha256);
});

test('leaf not yet valid (host clock behind); fractional seconds are truncated', async () => {
  const ca = await root();
  const l = await leaf(ca, {
    notBefore: new Date('2040-01-01T00:00:00Z'),
    notAfter: new Date('2041-01-01T00:00:00Z'),
  });
  const r = verifyChain({
    chain: [l.cert],
    roots: [ca.cert],
    host: HOST,
    at: new Date('2026-11-23T20:45:46.999Z'),
  });
  assert.equal(r.reason, 'cert-not-yet-valid');
  assert.equal(
    r.error,
    'x509: certificate has expired or is not yet valid: current time 2026-11-23T20:45:46Z is before 2040-01-01T00:00:00Z',
  );
});

test('validity checks happen before the host name check, which happens before chain building', async () => {
  const ca = await root();
  const other = await root('CN=other-ca');
  const l = await leaf(ca, { notAfter: new Date('2021-01-01T00:00:00Z'), dnsNames: ['wrong.example.com'] });
  assert.equal(
    verifyChain({ chain: [l.cert], roots: [other.cert], host: HOST, at: AT }).reason,
    'cert-expired',
  );
  const l2 = await leaf(ca, { dnsNames: ['wrong.example.com'] });
  assert.equal(
    verifyChain({ chain: [l2.cert], roots: [other.cert], host: HOST, at: AT }).reason,
    'hostname-mismatch',
  );
});

test('expired intermediate: Go reports the intermediate expiry', async () => {
  const ca = await root();
  const inter = await intermediate(ca, { notAfter: new Date('2025-06-01T12:00:00Z') });
  const l = await leaf(inter);
  const r = verifyChain({ chain: [l.cert, inter.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'cert-expired');
  assert.equal(
    r.error,
    'x509: certificate has expired or is not yet valid: current time 2026-11-23T20:00:00Z is after 2025-06-01T12:00:00Z',
  );
  assert.equal(r.failingCert?.subject, 'CN=mcs-intermediate');
});

test('expired root CA: Go checks validity of the trust anchor too', async () => {
  const ca = await root('CN=root-ca', { notAfter: new Date('2026-01-01T00:00:00Z') });
  const l = await leaf(ca);
  const r = verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'cert-expired');
  assert.equal(
    r.error,
    'x509: certificate has expired or is not yet valid: current time 2026-11-23T20:00:00Z is after 2026-01-01T00:00:00Z',
  );
  assert.equal(r.failingCert?.subject, 'CN=root-ca');
});

test('CA with the same subject but a different key: unknown authority with the RSA hint', async () => {
  const real = await root('CN=root-ca, OU=openshift');
  const impostor = await root('CN=root-ca, OU=openshift');
  assert.ok(impostor.cert.rawSubject.equals(real.cert.rawSubject));
  const l = await leaf(real, { authorityKeyId: false });
  const r = verifyChain({ chain: [l.cert], roots: [impostor.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'unknown-authority');
  assert.equal(
    r.error,
    'x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "root-ca")',
  );
});

test('same-subject CA hint texts for ECDSA and Ed25519, and the O / serial fallbacks for the name', async () => {
  const ec = await root('CN=ec-ca', { keyAlgorithm: 'ecdsa-p256' });
  const ecImpostor = await root('CN=ec-ca', { keyAlgorithm: 'ecdsa-p256' });
  const lEc = await leaf(ec);
  assert.equal(
    verifyChain({ chain: [lEc.cert], roots: [ecImpostor.cert], host: HOST, at: AT }).error,
    'x509: certificate signed by unknown authority (possibly because of "x509: ECDSA verification failure" while trying to verify candidate authority certificate "ec-ca")',
  );
  const ed = await root('O=acme, OU=ops', { keyAlgorithm: 'ed25519' });
  const edImpostor = await root('O=acme, OU=ops', { keyAlgorithm: 'ed25519' });
  const lEd = await leaf(ed);
  assert.equal(
    verifyChain({ chain: [lEd.cert], roots: [edImpostor.cert], host: HOST, at: AT }).error,
    'x509: certificate signed by unknown authority (possibly because of "x509: Ed25519 verification failure" while trying to verify candidate authority certificate "acme")',
  );
  const anon = await root('OU=ops', { serialHex: '0a0b' });
  const anonImpostor = await root('OU=ops', { serialHex: '0a0b', keyAlgorithm: 'ecdsa-p256' });
  const lAnon = await leaf(anon);
  assert.equal(
    verifyChain({ chain: [lAnon.cert], roots: [anonImpostor.cert], host: HOST, at: AT }).error,
    'x509: certificate signed by unknown authority (possibly because of "x509: signature algorithm specifies an RSA public key, but have public key of type *ecdsa.PublicKey" while trying to verify candidate authority certificate "serial:2571")',
  );
});

test('bundle of two CAs with the same subject where the second is the right one: ok', async () => {
  const real = await root();
  const stale = await root();
  const l = await leaf(real);
  const r = verifyChain({ chain: [l.cert], roots: [stale.cert, real.cert], host: HOST, at: AT });
  assert.equal(r.ok, true, r.error);
  assert.equal(r.anchor?.spkiSha256, real.cert.spkiSha256);
});

test('bundle of two unrelated CAs where the second is right: ok, anchored on the second', async () => {
  const a = await root('CN=old-root');
  const b = await root('CN=root-ca');
  const l = await leaf(b);
  const r = verifyChain({ chain: [l.cert], roots: [a.cert, b.cert], host: HOST, at: AT });
  assert.equal(r.ok, true);
  assert.equal(r.anchor?.subject, 'CN=root-ca');
});

test('an intermediate that is not a CA cannot sign: ConstraintViolation becomes the hint', async () => {
  const ca = await root();
  const notCA = await issueCertificate({
    subject: 'CN=mcs-intermediate',
    notBefore: NB,
    notAfter: NA,
    issuer: ca,
    isCA: false,
    keyUsage: [],
  });
  const l = await leaf(notCA);
  const r = verifyChain({ chain: [l.cert, notCA.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'unknown-authority');
  assert.equal(
    r.error,
    'x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "mcs-intermediate")',
  );
});

test('root CA without basicConstraints (v3) is refused as a signer', async () => {
  const ca = await issueCertificate({
    subject: 'CN=legacy-ca',
    notBefore: NB,
    notAfter: NA,
    basicConstraints: false,
    keyUsage: [],
  });
  assert.equal(ca.cert.basicConstraintsValid, false);
  const l = await leaf(ca);
  const r = verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(
    r.error,
    'x509: certificate signed by unknown authority (possibly because of "x509: invalid signature: parent certificate cannot sign this kind of certificate" while trying to verify candidate authority certificate "legacy-ca")',
  );
});

test('a CA whose KeyUsage lacks keyCertSign cannot sign', async () => {
  const ca = await root('CN=ku-ca', { keyUsage: ['digitalSignature', 'cRLSign'] });
  const l = await leaf(ca);
  const r = verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.match(r.error ?? '', /parent certificate cannot sign this kind of certificate/);
});

test('pathLen 0 on the root with an intermediate: too many intermediates', async () => {
  const ca = await root('CN=root-ca', { pathLen: 0 });
  const inter = await intermediate(ca);
  const l = await leaf(inter);
  const r = verifyChain({ chain: [l.cert, inter.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'too-many-intermediates');
  assert.equal(r.error, 'x509: too many intermediates for path length constraint');
  assert.equal(r.failingCert?.subject, 'CN=root-ca');
  const ok = await root('CN=root-ca', { pathLen: 1 });
  const inter1 = await intermediate(ok);
  const l1 = await leaf(inter1);
  assert.equal(verifyChain({ chain: [l1.cert, inter1.cert], roots: [ok.cert], host: HOST, at: AT }).ok, true);
});

test('leaf EKU clientAuth only: incompatible key usage', async () => {
  const ca = await root();
  const l = await leaf(ca, { extKeyUsage: ['clientAuth'] });
  const r = verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'incompatible-usage');
  assert.equal(r.error, 'x509: certificate specifies an incompatible key usage');
});

test('EKU: none means any, "any" is accepted, SGC is not serverAuth, a CA EKU restricts the chain', async () => {
  const ca = await root();
  for (const eku of [[], ['any'], ['clientAuth', 'serverAuth']]) {
    const l = await leaf(ca, { extKeyUsage: eku });
    assert.equal(
      verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT }).ok,
      true,
      JSON.stringify(eku),
    );
  }
  // Go 1.19's checkChainForKeyUsage compares EKU values only: the Microsoft and Netscape
  // Server-Gated-Crypto OIDs do not stand for serverAuth (checked against the real Go).
  for (const sgc of ['1.3.6.1.4.1.311.10.3.3', '2.16.840.1.113730.4.1']) {
    const l = await leaf(ca, { extKeyUsage: [sgc] });
    assert.equal(
      verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT }).reason,
      'incompatible-usage',
    );
  }
  const restricted = await root('CN=client-only-ca', { extKeyUsage: ['clientAuth'] });
  const l = await leaf(restricted);
  assert.equal(
    verifyChain({ chain: [l.cert], roots: [restricted.cert], host: HOST, at: AT }).reason,
    'incompatible-usage',
  );
});

test('Go ignores KeyUsage on the leaf (keyCertSign only is still fine for TLS)', async () => {
  const ca = await root();
  const l = await leaf(ca, { keyUsage: ['keyCertSign'] });
  assert.equal(verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT }).ok, true);
});

test('issuer name mismatch is reported as unknown authority (no candidate has that subject)', async () => {
  const ca = await root();
  const l = await leaf(ca, { issuerNameOverride: 'CN=someone-else' });
  assert.equal(
    verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT }).error,
    'x509: certificate signed by unknown authority',
  );
});

test('unhandled critical extension on the leaf', async () => {
  const ca = await root();
  const l = await leaf(ca, {
    extraExtensions: [{ oid: '1.2.3.4.5', critical: true, value: Buffer.from([0x05, 0x00]) }],
  });
  assert.deepEqual(l.cert.unhandledCriticalExtensions, ['1.2.3.4.5']);
  const r = verifyChain({ chain: [l.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r.reason, 'unhandled-critical-extension');
  assert.equal(r.error, 'x509: unhandled critical extension');
  const nonCritical = await leaf(ca, {
    extraExtensions: [{ oid: '1.2.3.4.5', critical: false, value: Buffer.from([0x05, 0x00]) }],
  });
  assert.equal(verifyChain({ chain: [nonCritical.cert], roots: [ca.cert], host: HOST, at: AT }).ok, true);
});

test('the leaf itself in the trust bundle is a chain of one', async () => {
  const self = await issueCertificate({ subject: 'CN=self', notBefore: NB, notAfter: NA, dnsNames: [HOST] });
  const r = verifyChain({ chain: [self.cert], roots: [self.cert], host: HOST, at: AT });
  assert.equal(r.ok, true, r.error);
  assert.equal(r.chains[0]?.length, 1);
});

test('name constraints: DNS and IP permitted/excluded as Go checks them', async () => {
  const ca = await root('CN=constrained', {
    nameConstraints: { permittedDNS: ['.cluster.example.com'], permittedIP: ['10.0.0.0/8'] },
  });
  const good = await leaf(ca, { ipAddresses: ['10.1.2.3'] });
  assert.equal(verifyChain({ chain: [good.cert], roots: [ca.cert], host: HOST, at: AT }).ok, true);
  const badDns = await leaf(ca, { dnsNames: [HOST, 'api.other.example.org'] });
  const r1 = verifyChain({ chain: [badDns.cert], roots: [ca.cert], host: HOST, at: AT });
  assert.equal(r1.reason, 'name-constraints');
  assert.equal(
    r1.error,
    'x509: a root or intermediate certificate is not authorized to sign for this name: DNS name "api.other.example.org" is not permitted by any constraint',
  );
  const badIp = await leaf(ca, { ipAddresses: ['192.168.1.1'] });
  assert.equal(
    verifyChain({ chain: [badIp.cert], roots: [ca.cert], host: HOST, at: AT }).error,
    'x509: a root or intermediate certificate is not authorized to sign for this name: IP address "192.168.1.1" is not permitted by any constraint',
  );
  const ex = await root('CN=excluding', {
    nameConstraints: { excludedDNS: ['cluster.example.com'], excludedIP: ['fd00::/8'] },
  });
  const exLeaf = await leaf(ex);
  assert.equal(
    verifyChain({ chain: [exLeaf.cert], roots: [ex.cert], host: HOST, at: AT }).error,
    'x509: a root or intermediate certificate is not authorized to sign for this name: DNS name "api-int.cluster.example.com" is excluded by constraint "cluster.example.com"',
  );
  const exIp = await leaf(ex, { dnsNames: ['a.example.net'], ipAddresses: ['fd00::5'] });
  assert.equal(
    verifyChain({ chain: [exIp.cert], roots: [ex.cert], host: 'a.example.net', at: AT }).error,
    'x509: a root or intermediate certificate is not authorized to sign for this name: IP address "fd00::5" is excluded by constraint "fd00::/8"',
  );
});

test('CAs are compared by key and signature, never by subject text', async () => {
  const ca = await root('CN=root-ca');
  const l = await leaf(ca);
  const resigned = await issueCertificate({
    subject: 'CN=root-ca',
    notBefore: NB,
    notAfter: NA,
    isCA: true,
    reuseKeyOf: ca,
  });
  // A different certificate with the same key and subject still anchors the chain: Go checks the signature.
  const r = verifyChain({ chain: [l.cert], roots: [resigned.cert], host: HOST, at: AT });
  assert.equal(r.ok, true, r.error);
  assert.notEqual(resigned.cert.fingerprintSha256, ca.cert.fingerprintSha256);
  assert.equal(r.anchor?.fingerprintSha256, resigned.cert.fingerprintSha256);
});

/** crypto/tls.LoadX509KeyPair's errors, and Go's handshake error texts, as the MCS logs them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueCertificate } from '../../../../src/pki/issue.js';
import { goHandshakeError, loadX509KeyPair } from '../../../../src/sim/controllers/mco/index.js';

test('LoadX509KeyPair: Go error texts for each broken secret', async () => {
  const opts = {
    subject: 'CN=x',
    notBefore: new Date(Date.now() - 1000),
    notAfter: new Date(Date.now() + 3600_000),
  };
  const a = await issueCertificate(opts);
  const b = await issueCertificate(opts);
  const ec = await issueCertificate({ ...opts, keyAlgorithm: 'ecdsa-p256' });
  const buf = (s: string) => Buffer.from(s);
  const ok = loadX509KeyPair(buf(a.certPem), buf(a.keyPem));
  assert.equal(ok.ok, true);
  const err = (c: string | undefined, k: string | undefined) => {
    const r = loadX509KeyPair(c === undefined ? undefined : buf(c), k === undefined ? undefined : buf(k));
    return r.ok ? 'ok' : r.error;
  };
  assert.equal(err(a.certPem, b.keyPem), 'tls: private key does not match public key');
  assert.equal(err(a.certPem, ec.keyPem), 'tls: private key type does not match public key type');
  assert.equal(err('garbage', a.keyPem), 'tls: failed to find any PEM data in certificate input');
  assert.equal(
    err(a.keyPem, a.certPem),
    'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched',
  );
  assert.equal(
    err(a.certPem, a.certPem),
    'tls: found a certificate rather than a key in the PEM for the private key',
  );
  assert.equal(err(a.certPem, ''), 'tls: failed to find any PEM data in key input');
  assert.equal(err(undefined, a.keyPem), 'open /etc/ssl/mcs/tls.crt: no such file or directory');
  assert.equal(err(a.certPem, undefined), 'open /etc/ssl/mcs/tls.key: no such file or directory');
  const noKeyText = err(
    a.certPem,
    a.keyPem.replace(/^(-----BEGIN PRIVATE KEY-----\n)[A-Za-z0-9+/]{10}/, '$1AAAAAAAAAA'),
  );
  assert.equal(noKeyText, 'tls: failed to parse private key');
  // No key material in any message.
  assert.ok(!noKeyText.includes(a.keyPem.slice(40, 80)));
});

test('handshake errors: client alerts, hang-ups, non-TLS', () => {
  const e = (code: string, syscall?: string) => Object.assign(new Error(code), { code, syscall });
  assert.equal(
    goHandshakeError(e('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'), 'l', 'p'),
    'remote error: tls: bad certificate',
  );
  assert.equal(
    goHandshakeError(e('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), 'l', 'p'),
    'remote error: tls: unknown certificate authority',
  );
  assert.equal(goHandshakeError(undefined, 'l', 'p'), 'EOF');
  assert.equal(goHandshakeError(e('ECONNRESET'), 'l', 'p'), 'EOF');
  assert.equal(
    goHandshakeError(e('ECONNRESET', 'read'), '127.1.0.10:22623', '127.1.1.10:40000'),
    'read tcp 127.1.0.10:22623->127.1.1.10:40000: read: connection reset by peer',
  );
  assert.equal(
    goHandshakeError(e('ERR_SSL_WRONG_VERSION_NUMBER'), 'l', 'p'),
    'tls: first record does not look like a TLS handshake',
  );
  assert.equal(goHandshakeError(e('ERR_SSL_HTTP_REQUEST'), 'l', 'p'), undefined);
});

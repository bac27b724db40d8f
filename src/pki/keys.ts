/** Private keys: parsed only to compare with a certificate. Key material never reaches an error. */
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { InputError } from '../core/errors.js';
import type { CertInfo } from './types.js';

export function parsePrivateKey(pem: string | Buffer, source: string): KeyObject {
  const text = typeof pem === 'string' ? pem : pem.toString('latin1');
  if (text.trim() === '') {
    throw new InputError('no private key: the input is empty', {
      where: source,
      hint: "expected a PEM 'PRIVATE KEY' block",
    });
  }
  if (text.includes('-----BEGIN CERTIFICATE-----') && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new InputError('no private key found', {
      where: source,
      hint: "expected a PEM 'PRIVATE KEY' block; got a certificate (check you gave tls.key, not tls.crt)",
    });
  }
  if (text.includes('ENCRYPTED')) {
    throw new InputError('the private key is encrypted', {
      where: source,
      hint: 'decrypt it first (openssl pkey -in key.pem -out plain.pem)',
    });
  }
  try {
    if (text.includes('-----BEGIN')) return createPrivateKey({ key: text, format: 'pem' });
    return createPrivateKey({
      key: Buffer.isBuffer(pem) ? pem : Buffer.from(pem, 'latin1'),
      format: 'der',
      type: 'pkcs8',
    });
  } catch {
    // The library's message can quote input; we do not pass it on.
    throw new InputError('cannot parse private key', {
      where: source,
      hint: "expected a PEM 'PRIVATE KEY', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY' block; the key is truncated or corrupted",
    });
  }
}

/** True when the private key is the one certified by `cert` (compared by public key, SPKI DER). */
export function keyMatchesCertificate(keyPem: string | Buffer | KeyObject, cert: CertInfo): boolean {
  const key = keyPem instanceof KeyObject ? keyPem : parsePrivateKey(keyPem, 'private key');
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const certSpki =
    cert.spkiDer ?? createPublicKey({ key: cert.pem, format: 'pem' }).export({ format: 'der', type: 'spki' });
  return Buffer.from(spki).equals(certSpki);
}

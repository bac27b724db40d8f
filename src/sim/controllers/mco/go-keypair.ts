/**
 * crypto/tls.LoadX509KeyPair as the MCS runs it on the mounted secret (/etc/ssl/mcs/tls.crt and
 * tls.key): Go's pem.Decode walk, then the errors in Go's own words. Key material never appears
 * in a result or an error.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { derToPem, parseCertificate } from '../../../pki/parse.js';
import type { CertInfo } from '../../../pki/types.js';

export const MCS_CERT_PATH = '/etc/ssl/mcs/tls.crt';
export const MCS_KEY_PATH = '/etc/ssl/mcs/tls.key';

export type KeyPairResult =
  { ok: true; certChainPem: string; keyPem: string; leaf: CertInfo } | { ok: false; error: string };

interface PemBlock {
  type: string;
  der: Buffer;
}

// encoding/pem: a block is BEGIN line, base64 body, END line with the same type; blocks that do
// not decode are skipped and the scan goes on.
function decodePemBlocks(input: Buffer): PemBlock[] {
  const text = input.toString('latin1');
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = (m[2] ?? '')
      .split(/\r?\n/)
      .filter((l) => !l.includes(':'))
      .join('')
      .replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) continue;
    blocks.push({ type: m[1] ?? '', der: Buffer.from(body, 'base64') });
  }
  return blocks;
}

function goList(items: string[]): string {
  return `[${items.join(' ')}]`;
}

function parseGoPrivateKey(block: PemBlock): KeyObject | undefined {
  // tls.parsePrivateKey: PKCS#1, then PKCS#8, then SEC 1, whatever the PEM label says.
  const attempts: Array<{ type: 'pkcs1' | 'pkcs8' | 'sec1' }> = [
    { type: 'pkcs1' },
    { type: 'pkcs8' },
    { type: 'sec1' },
  ];
  for (const a of attempts) {
    try {
      return createPrivateKey({ key: block.der, format: 'der', type: a.type });
    } catch {
      // next form
    }
  }
  return undefined;
}

/** `undefined` content means the file is absent from the volume (the secret lacks that key). */
export function loadX509KeyPair(cert: Buffer | undefined, key: Buffer | undefined): KeyPairResult {
  if (cert === undefined) return { ok: false, error: `open ${MCS_CERT_PATH}: no such file or directory` };
  if (key === undefined) return { ok: false, error: `open ${MCS_KEY_PATH}: no such file or directory` };
  const certBlocks = decodePemBlocks(cert);
  const certs = certBlocks.filter((b) => b.type === 'CERTIFICATE');
  if (certs.length === 0) {
    const skipped = certBlocks.map((b) => b.type);
    if (skipped.length === 0)
      return { ok: false, error: 'tls: failed to find any PEM data in certificate input' };
    if (skipped.length === 1 && skipped[0]?.endsWith('PRIVATE KEY')) {
      return {
        ok: false,
        error:
          'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched',
      };
    }
    return {
      ok: false,
      error: `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: ${goList(skipped)}`,
    };
  }
  const skippedKeys: string[] = [];
  let keyBlock: PemBlock | undefined;
  for (const b of decodePemBlocks(key)) {
    if (b.type === 'PRIVATE KEY' || b.type.endsWith(' PRIVATE KEY')) {
      keyBlock = b;
      break;
    }
    skippedKeys.push(b.type);
  }
  if (!keyBlock) {
    if (skippedKeys.length === 0)
      return { ok: false, error: 'tls: failed to find any PEM data in key input' };
    if (skippedKeys.length === 1 && skippedKeys[0] === 'CERTIFICATE') {
      return {
        ok: false,
        error: 'tls: found a certificate rather than a key in the PEM for the private key',
      };
    }
    return {
      ok: false,
      error: `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: ${goList(skippedKeys)}`,
    };
  }
  let leaf: CertInfo;
  try {
    leaf = parseCertificate((certs[0] as PemBlock).der, 'tls.crt');
  } catch {
    return { ok: false, error: 'x509: malformed certificate' };
  }
  const privateKey = parseGoPrivateKey(keyBlock);
  if (!privateKey) return { ok: false, error: 'tls: failed to parse private key' };
  const keyType = privateKey.asymmetricKeyType;
  const expected = { RSA: 'rsa', ECDSA: 'ec', Ed25519: 'ed25519' }[leaf.publicKeyAlgorithm as string];
  if (!expected) return { ok: false, error: 'tls: unknown public key algorithm' };
  if (keyType !== expected)
    return { ok: false, error: 'tls: private key type does not match public key type' };
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const certSpki = leaf.spkiDer ?? createPublicKey(leaf.pem).export({ format: 'der', type: 'spki' });
  if (!Buffer.from(spki).equals(Buffer.from(certSpki))) {
    return { ok: false, error: 'tls: private key does not match public key' };
  }
  return {
    ok: true,
    certChainPem: certs.map((b) => derToPem(b.der)).join(''),
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    leaf,
  };
}

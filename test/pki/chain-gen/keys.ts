/**
 * A small pool of keys, generated once per process (RSA key generation is slow): the generator
 * picks from it, so two certificates can share a key on purpose (renewals, cross-signing).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

export type KeyKind = 'rsa' | 'p256' | 'p384' | 'p521' | 'ed25519' | 'ed448' | 'dsa';

export interface PoolKey {
  id: string;
  kind: KeyKind;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  spki: Buffer;
}

export interface KeyPool {
  all: PoolKey[];
  byKind: Record<KeyKind, PoolKey[]>;
}

let pool: KeyPool | undefined;

export function keyPool(): KeyPool {
  if (pool) return pool;
  const spec: [KeyKind, number][] = [
    ['rsa', 3],
    ['p256', 4],
    ['p384', 2],
    ['p521', 1],
    ['ed25519', 3],
    ['ed448', 1],
    ['dsa', 1],
  ];
  const all: PoolKey[] = [];
  const byKind = {} as Record<KeyKind, PoolKey[]>;
  for (const [kind, n] of spec) {
    byKind[kind] = [];
    for (let i = 0; i < n; i++) {
      const { privateKey, publicKey } = generate(kind);
      const k: PoolKey = {
        id: `${kind}#${i}`,
        kind,
        privateKey,
        publicKey,
        spki: publicKey.export({ format: 'der', type: 'spki' }),
      };
      all.push(k);
      byKind[kind].push(k);
    }
  }
  pool = { all, byKind };
  return pool;
}

function generate(kind: KeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    case 'p521':
      return generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'ed448':
      return generateKeyPairSync('ed448');
    case 'dsa':
      return generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
  }
}

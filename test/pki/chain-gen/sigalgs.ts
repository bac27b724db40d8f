/** Signature AlgorithmIdentifiers, the usual ones and the ones Go 1.19 refuses or cannot use. */
import { nullDer, oid, seq } from './asn1.js';
import { algId, pssParamsDer, type HashName, type PssParams, type SigAlgSpec } from './cert.js';
import type { KeyKind } from './keys.js';
import type { Rng } from './prng.js';

const RSA_OID: Record<string, string> = {
  md2: '1.2.840.113549.1.1.2',
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};
const ECDSA_OID: Record<string, string> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
export const PSS_OID = '1.2.840.113549.1.1.10';

export function rsaPkcs1(hash: HashName | 'md2', params: 'null' | 'absent' = 'null'): SigAlgSpec {
  return {
    ai: algId(RSA_OID[hash] as string, params === 'null' ? nullDer() : undefined),
    scheme: 'pkcs1',
    hash: hash === 'md2' ? 'sha256' : hash,
    label: `${hash}-rsa${params === 'absent' ? '(no NULL)' : ''}`,
  };
}

export function ecdsa(hash: 'sha1' | 'sha256' | 'sha384' | 'sha512', withNull = false): SigAlgSpec {
  return {
    ai: algId(ECDSA_OID[hash] as string, withNull ? nullDer() : undefined),
    scheme: 'ecdsa',
    hash,
    label: `ecdsa-${hash}${withNull ? '(NULL params)' : ''}`,
  };
}

export function ed25519(withNull = false): SigAlgSpec {
  return {
    ai: algId('1.3.101.112', withNull ? nullDer() : undefined),
    scheme: 'eddsa',
    hash: 'sha256',
    label: `ed25519${withNull ? '(NULL params)' : ''}`,
  };
}

export function pss(p: PssParams, actualSalt?: number, label = 'pss'): SigAlgSpec {
  return {
    ai: algId(PSS_OID, pssParamsDer(p)),
    scheme: 'pss',
    hash: p.hash,
    saltLength: actualSalt ?? p.salt,
    label,
  };
}

const stdPss = (hash: 'sha256' | 'sha384' | 'sha512'): PssParams => ({
  hash,
  hashParams: 'null',
  mgfHash: hash,
  mgfHashParams: 'null',
  salt: { sha256: 32, sha384: 48, sha512: 64 }[hash],
});

/** The algorithm a CA of this key kind normally signs with. */
export function defaultSigAlg(kind: KeyKind, rng: Rng): SigAlgSpec {
  switch (kind) {
    case 'rsa':
      return rng.weighted<SigAlgSpec>([
        [6, rsaPkcs1('sha256')],
        [1, rsaPkcs1('sha384')],
        [1, rsaPkcs1('sha512')],
        [1, pss(stdPss('sha256'), undefined, 'pss-sha256')],
      ]);
    case 'p256':
      return ecdsa('sha256');
    case 'p384':
      return ecdsa('sha384');
    case 'p521':
      return ecdsa('sha512');
    case 'ed25519':
      return ed25519();
    case 'ed448':
      return { ai: algId('1.3.101.113'), scheme: 'eddsa', hash: 'sha256', label: 'ed448' };
    case 'dsa':
      return {
        ai: algId('2.16.840.1.101.3.4.3.2'),
        scheme: 'dsa',
        hash: 'sha256',
        label: 'dsa-sha256',
      };
  }
}

/** An unusual algorithm for a certificate signed by a key of this kind (the mutation "sigalg"). */
export function oddSigAlg(kind: KeyKind, rng: Rng): SigAlgSpec {
  const rsaOdd: [number, () => SigAlgSpec][] = [
    [2, () => rsaPkcs1('sha1')],
    [
      1,
      () => ({ ai: algId('1.3.14.3.2.29', nullDer()), scheme: 'pkcs1', hash: 'sha1', label: 'iso-sha1-rsa' }),
    ],
    [1, () => rsaPkcs1('md5')],
    [1, () => rsaPkcs1('md2')],
    [2, () => rsaPkcs1('sha256', 'absent')],
    [1, () => pss(stdPss('sha384'), undefined, 'pss-sha384')],
    [1, () => pss(stdPss('sha512'), undefined, 'pss-sha512')],
    [
      1,
      () =>
        pss({ ...stdPss('sha256'), hashParams: 'absent', mgfHashParams: 'absent' }, undefined, 'pss-no-null'),
    ],
    [1, () => pss({ ...stdPss('sha256'), trailer: 1 }, undefined, 'pss-explicit-trailer-1')],
    [1, () => pss({ ...stdPss('sha256'), trailer: 2 }, undefined, 'pss-trailer-2')],
    [1, () => pss({ ...stdPss('sha256'), salt: 20 }, undefined, 'pss-sha256-salt20')],
    [1, () => pss({ ...stdPss('sha384'), salt: 32 }, undefined, 'pss-sha384-salt32')],
    [1, () => pss({ ...stdPss('sha256'), mgfHash: 'sha1' }, undefined, 'pss-mgf1-sha1')],
    [1, () => pss({ ...stdPss('sha256'), mgfOid: '1.2.840.113549.1.1.9' }, undefined, 'pss-other-mgf')],
    [1, () => pss({ ...stdPss('sha256'), omitMgfParams: true }, undefined, 'pss-mgf-no-params')],
    [1, () => pss({ ...stdPss('sha256'), hashParams: oid('1.2.3') }, undefined, 'pss-hash-params-oid')],
    [1, () => pss({ ...stdPss('sha256'), omitHash: true }, undefined, 'pss-no-hash')],
    [
      1,
      () =>
        pss(
          { hash: 'sha1', hashParams: 'null', mgfHash: 'sha1', mgfHashParams: 'null', salt: 20 },
          20,
          'pss-sha1',
        ),
    ],
    [1, () => pss(stdPss('sha256'), 20, 'pss-sha256-signed-with-salt20')],
    [1, () => ({ ...pss(stdPss('sha256')), ai: algId(PSS_OID), label: 'pss-no-params' })],
    [1, () => ({ ...pss(stdPss('sha256')), ai: algId(PSS_OID, nullDer()), label: 'pss-null-params' })],
  ];
  const common: [number, () => SigAlgSpec][] = [
    [1, () => ({ ai: algId('1.2.3.4.5'), scheme: 'pkcs1', hash: 'sha256', label: 'unknown-oid' })],
    [1, () => ecdsa('sha256')],
    [1, () => rsaPkcs1('sha256')],
    [1, () => ed25519()],
    [
      1,
      () => ({
        ...rsaPkcs1('sha256'),
        ai: seq(oid('1.2.840.113549.1.1.11'), nullDer(), nullDer()),
        label: 'rsa-extra-param',
      }),
    ],
  ];
  switch (kind) {
    case 'rsa':
      return rng.weighted([...rsaOdd, ...common])();
    case 'p256':
    case 'p384':
    case 'p521':
      return rng.weighted<() => SigAlgSpec>([
        [3, () => ecdsa('sha1')],
        [2, () => ecdsa(rng.pick(['sha256', 'sha384', 'sha512'] as const), true)],
        [2, () => ecdsa(rng.pick(['sha256', 'sha384', 'sha512'] as const))],
        ...common,
      ])();
    case 'ed25519':
      return rng.weighted<() => SigAlgSpec>([[3, () => ed25519(true)], ...common])();
    default:
      return rng.weighted(common)();
  }
}

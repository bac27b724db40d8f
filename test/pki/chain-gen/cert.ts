/**
 * Certificate specs and their DER: a test-only TBS builder signed with node:crypto, so the
 * generator controls AlgorithmIdentifier parameters, time encodings, extension order and
 * criticality, and can write what Go refuses to parse.
 */
import { constants, createHash, sign } from 'node:crypto';
import {
  bitString,
  bool,
  ctx,
  int,
  nullDer,
  octet,
  oid,
  seq,
  set,
  str,
  tlv,
  type StringKind,
} from './asn1.js';
import type { PoolKey } from './keys.js';

export interface Attr {
  oid: string;
  value: string;
  kind: StringKind;
}
/** A Name: RDNs in DER order, each a set of attributes. */
export type NameSpec = Attr[][];

export type TimeForm = 'utc' | 'gen' | 'utc-min' | 'utc-offset' | 'gen-offset' | 'gen-frac' | 'utc-noz';
export interface TimeSpec {
  date: Date;
  form: TimeForm;
  /** Minutes east of UTC for the offset forms. */
  offset?: number;
}

export type GeneralName =
  | { type: 'dns' | 'email' | 'uri'; value: string }
  | { type: 'ip'; bytes: Buffer }
  | { type: 'dir'; name: NameSpec }
  | { type: 'raw'; der: Buffer };

export interface ExtSpec {
  oid: string;
  /** undefined: no critical field; otherwise its value (critByte overrides the encoding). */
  critical?: boolean;
  critByte?: number;
  value: Buffer;
}

export type HashName = 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** How the signatureAlgorithm is written, and how the signature is made. */
export interface SigAlgSpec {
  /** The AlgorithmIdentifier DER (tbs and outer, unless outerAi is set). */
  ai: Buffer;
  outerAi?: Buffer;
  /** What the signer does: a real signature of this kind when the key fits, else the key's own kind. */
  scheme: 'pkcs1' | 'pss' | 'ecdsa' | 'eddsa' | 'dsa';
  hash: HashName;
  saltLength?: number;
  label: string;
}

export interface CertSpec {
  /** Encoded version (0 = v1; undefined field when omitVersion). */
  version: number;
  omitVersion?: boolean;
  serial: bigint;
  sigAlg: SigAlgSpec;
  issuer: NameSpec;
  notBefore: TimeSpec;
  notAfter: TimeSpec;
  subject: NameSpec;
  subjectKey: PoolKey;
  /** Replaces the SPKI DER (e.g. an RSA key without NULL parameters). */
  spkiOverride?: Buffer;
  /** undefined: no extensions field at all. */
  extensions?: ExtSpec[];
  signerKey: PoolKey;
  corruptSignature?: boolean;
  trailing?: Buffer;
}

const HASH_OID: Record<HashName, string> = {
  md5: '1.2.840.113549.2.5',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};
export const HASH_LEN: Record<HashName, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

export function algId(o: string, params?: Buffer): Buffer {
  return params ? seq(oid(o), params) : seq(oid(o));
}

export interface PssParams {
  hash: HashName;
  /** 'null' (standard), 'absent', or a raw parameter element. */
  hashParams: 'null' | 'absent' | Buffer;
  mgfOid?: string;
  mgfHash: HashName;
  mgfHashParams: 'null' | 'absent' | Buffer;
  /** undefined: no mgf parameters at all. */
  omitMgfParams?: boolean;
  salt: number;
  trailer?: number;
  omitHash?: boolean;
}

export function pssParamsDer(p: PssParams): Buffer {
  const param = (x: 'null' | 'absent' | Buffer): Buffer | undefined =>
    x === 'null' ? nullDer() : x === 'absent' ? undefined : x;
  const parts: Buffer[] = [];
  if (!p.omitHash) parts.push(ctx(0, true, algId(HASH_OID[p.hash], param(p.hashParams))));
  const mgfParams = p.omitMgfParams ? undefined : algId(HASH_OID[p.mgfHash], param(p.mgfHashParams));
  parts.push(ctx(1, true, algId(p.mgfOid ?? '1.2.840.113549.1.1.8', mgfParams)));
  parts.push(ctx(2, true, int(p.salt)));
  if (p.trailer !== undefined) parts.push(ctx(3, true, int(p.trailer)));
  return seq(...parts);
}

function time(t: TimeSpec): Buffer {
  const shifted = new Date(t.date.getTime() + (t.offset ?? 0) * 60000);
  const iso = shifted.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const y4 = iso.slice(0, 4);
  const rest = iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16);
  const sec = iso.slice(17, 19);
  const off = t.offset ?? 0;
  const offText =
    (off < 0 ? '-' : '+') +
    String(Math.floor(Math.abs(off) / 60)).padStart(2, '0') +
    String(Math.abs(off) % 60).padStart(2, '0');
  switch (t.form) {
    case 'utc':
      return tlv(0x17, Buffer.from(y4.slice(2) + rest + sec + 'Z'));
    case 'utc-min':
      return tlv(0x17, Buffer.from(y4.slice(2) + rest + 'Z'));
    case 'utc-offset':
      return tlv(0x17, Buffer.from(y4.slice(2) + rest + sec + offText));
    case 'utc-noz':
      return tlv(0x17, Buffer.from(y4.slice(2) + rest + sec));
    case 'gen':
      return tlv(0x18, Buffer.from(y4 + rest + sec + 'Z'));
    case 'gen-offset':
      return tlv(0x18, Buffer.from(y4 + rest + sec + offText));
    case 'gen-frac':
      return tlv(0x18, Buffer.from(y4 + rest + sec + '.5Z'));
  }
}

export function nameDer(n: NameSpec): Buffer {
  return seq(...n.map((rdn) => set(...rdn.map((a) => seq(oid(a.oid), str(a.kind, a.value))))));
}

export function generalName(g: GeneralName): Buffer {
  switch (g.type) {
    case 'email':
      return ctx(1, false, Buffer.from(g.value, 'latin1'));
    case 'dns':
      return ctx(2, false, Buffer.from(g.value, 'latin1'));
    case 'uri':
      return ctx(6, false, Buffer.from(g.value, 'latin1'));
    case 'ip':
      return ctx(7, false, g.bytes);
    case 'dir':
      return ctx(4, true, nameDer(g.name));
    case 'raw':
      return g.der;
  }
}

export function extensionDer(e: ExtSpec): Buffer {
  const parts = [oid(e.oid)];
  if (e.critical !== undefined) parts.push(bool(e.critical, e.critByte));
  parts.push(octet(e.value));
  return seq(...parts);
}

export function tbsDer(c: CertSpec): Buffer {
  const parts: Buffer[] = [];
  if (!c.omitVersion) parts.push(ctx(0, true, int(c.version)));
  parts.push(int(c.serial), c.sigAlg.ai, nameDer(c.issuer), seq(time(c.notBefore), time(c.notAfter)));
  parts.push(nameDer(c.subject), c.spkiOverride ?? c.subjectKey.spki);
  if (c.extensions) parts.push(ctx(3, true, seq(...c.extensions.map(extensionDer))));
  return seq(...parts);
}

function signWith(spec: SigAlgSpec, key: PoolKey, data: Buffer): Buffer {
  const k = key.privateKey;
  switch (key.kind) {
    case 'rsa': {
      const hash = spec.scheme === 'pkcs1' || spec.scheme === 'pss' ? spec.hash : 'sha256';
      if (spec.scheme === 'pss') {
        return sign(hash, data, {
          key: k,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: spec.saltLength ?? HASH_LEN[hash],
        });
      }
      return sign(hash, data, { key: k, padding: constants.RSA_PKCS1_PADDING });
    }
    case 'p256':
    case 'p384':
    case 'p521':
      return sign(spec.scheme === 'ecdsa' ? spec.hash : 'sha256', data, k);
    case 'dsa':
      return sign(spec.scheme === 'dsa' ? spec.hash : 'sha256', data, k);
    case 'ed25519':
    case 'ed448':
      return sign(null, data, k);
  }
}

export function certDer(c: CertSpec): Buffer {
  const tbs = tbsDer(c);
  const sig = Buffer.from(signWith(c.sigAlg, c.signerKey, tbs));
  if (c.corruptSignature) sig[sig.length >> 1] = (sig[sig.length >> 1] as number) ^ 0x01;
  const der = seq(tbs, c.sigAlg.outerAi ?? c.sigAlg.ai, bitString(sig));
  return c.trailing ? Buffer.concat([der, c.trailing]) : der;
}

export function pemOf(der: Buffer): string {
  const b64 = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${b64.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export const sha256hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const keyId = (k: PoolKey): Buffer => createHash('sha1').update(k.spki).digest();

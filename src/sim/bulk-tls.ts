/**
 * Many `kubernetes.io/tls` secrets, for a cluster the size of a busy production one
 * (`sim start --tls-secrets 10000`): each holds its own certificate (a serial, a name and dates
 * of its own, signed by one bulk CA) followed by that CA, as serving secrets do, and the key.
 * Building 10,000 certificates with the general-purpose builder (pki/issue.ts) takes minutes, so
 * the TBSCertificate is written here directly in DER and signed with node:crypto: an ECDSA
 * P-256 CA (signing is fast) over RSA 2048 leaf keys (what OpenShift's issuers use).
 *
 * The mix is fixed by the index, so a test knows what to expect: a quarter each carry the
 * annotations of the service CA, of library-go certrotation and of cert-manager, a quarter none;
 * index % 1000 == 7 has expired 3 days ago and index % 1000 == 13 expires in 10 days, both with
 * no manager (the problems); index % 1000 == 2 is a cert-manager certificate expiring in 20 days
 * (managed: not a problem).
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { issueCertificate } from '../pki/issue.js';
import { derToPem } from '../pki/parse.js';
import type { ObjectStore } from './kube/store.js';
import type { KubeObject } from './kube/types.js';

const DAY = 86_400_000;
export const BULK_NAMESPACES = 100;
export const BULK_CA_CN = 'sim-bulk-ca';

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);
const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');

/** Pre-encoded OIDs (tag and length included). */
const OID_ECDSA_SHA256 = hex('06082a8648ce3d040302');
const OID_CN = hex('0603550403');
const OID_KEY_USAGE = hex('0603551d0f');
const OID_BASIC_CONSTRAINTS = hex('0603551d13');
const OID_EXT_KEY_USAGE = hex('0603551d25');
const OID_SAN = hex('0603551d11');
const OID_SERVER_AUTH = hex('06082b06010505070301');
const TRUE = hex('0101ff');

/** UTCTime before 2050, GeneralizedTime from then (RFC 5280 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString();
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

function name(cn: string): Buffer {
  return seq(set(seq(OID_CN, tlv(0x0c, Buffer.from(cn, 'utf8')))));
}

function extension(oid: Buffer, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid, TRUE, tlv(0x04, value)) : seq(oid, tlv(0x04, value));
}

export interface BulkTlsOptions {
  count: number;
  now: Date;
}

interface Shape {
  notBefore: Date;
  notAfter: Date;
  annotations: Record<string, string>;
}

function shapeOf(i: number, now: Date, caCn: string): Shape {
  const t = now.getTime();
  const special = i % 1000;
  if (special === 7) {
    return { notBefore: new Date(t - 368 * DAY), notAfter: new Date(t - 3 * DAY), annotations: {} };
  }
  if (special === 13) {
    return { notBefore: new Date(t - 355 * DAY), notAfter: new Date(t + 10 * DAY), annotations: {} };
  }
  switch (i % 4) {
    case 0:
      return {
        notBefore: new Date(t - 30 * DAY),
        notAfter: new Date(t + 700 * DAY),
        annotations: {
          'service.beta.openshift.io/originating-service-name': `svc-${i}`,
          'service.beta.openshift.io/originating-service-uid': `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          'service.beta.openshift.io/expiry': new Date(t + 700 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      };
    case 1: {
      const notBefore = new Date(t - 30 * DAY);
      const notAfter = new Date(t + 335 * DAY);
      return {
        notBefore,
        notAfter,
        annotations: {
          'auth.openshift.io/certificate-not-before': notBefore.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          'auth.openshift.io/certificate-not-after': notAfter.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          'auth.openshift.io/certificate-issuer': caCn,
        },
      };
    }
    case 2:
      return {
        notBefore: new Date(t - 70 * DAY),
        notAfter: new Date(t + (special === 2 ? 20 : 60) * DAY),
        annotations: {
          'cert-manager.io/certificate-name': `cert-${i}`,
          'cert-manager.io/issuer-name': 'sim-issuer',
          'cert-manager.io/issuer-kind': 'ClusterIssuer',
          'cert-manager.io/issuer-group': 'cert-manager.io',
        },
      };
    default:
      return { notBefore: new Date(t - 165 * DAY), notAfter: new Date(t + 200 * DAY), annotations: {} };
  }
}

/** The namespaces and secrets; `count` of them, spread over BULK_NAMESPACES namespaces `bulk-N`. */
export async function bulkTlsObjects(opts: BulkTlsOptions): Promise<KubeObject[]> {
  const ca = await issueCertificate({
    subject: `CN=${BULK_CA_CN}`,
    isCA: true,
    keyAlgorithm: 'ecdsa-p256',
    notBefore: new Date(opts.now.getTime() - 400 * DAY),
    notAfter: new Date(opts.now.getTime() + 3650 * DAY),
  });
  const caKey = createPrivateKey(ca.keyPem);
  // RSA 2048, as library-go, the service CA and cert-manager generate by default; one key for
  // every leaf (generating 10,000 would take minutes), each certificate still its own.
  const leafKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = leafKeys.publicKey.export({ type: 'spki', format: 'der' });
  const keyPemB64 = Buffer.from(
    leafKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  ).toString('base64');
  const sigAlg = seq(OID_ECDSA_SHA256);
  const issuer = ca.cert.rawSubject;
  const namespaces = Math.min(BULK_NAMESPACES, Math.max(1, opts.count));
  const objects: KubeObject[] = [];
  for (let n = 0; n < namespaces; n++) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bulk-${n}` } });
  }
  const extensionsFixed = [
    extension(OID_KEY_USAGE, true, hex('030205a0')),
    extension(OID_BASIC_CONSTRAINTS, true, seq()),
    extension(OID_EXT_KEY_USAGE, false, seq(OID_SERVER_AUTH)),
  ];
  for (let i = 0; i < opts.count; i++) {
    const ns = `bulk-${i % namespaces}`;
    const secretName = `tls-${i}`;
    const host = `${secretName}.${ns}.svc`;
    const shape = shapeOf(i, opts.now, BULK_CA_CN);
    const serial = randomBytes(16);
    serial[0] = (serial[0]! & 0x7f) | 0x01;
    const tbs = seq(
      hex('a003020102'),
      tlv(0x02, serial),
      sigAlg,
      issuer,
      seq(time(shape.notBefore), time(shape.notAfter)),
      name(host),
      spki,
      tlv(
        0xa3,
        seq(...extensionsFixed, extension(OID_SAN, false, seq(tlv(0x82, Buffer.from(host, 'ascii'))))),
      ),
    );
    const signature = sign('sha256', tbs, caKey);
    const der = seq(tbs, sigAlg, tlv(0x03, Buffer.from([0]), signature));
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: secretName,
        namespace: ns,
        ...(Object.keys(shape.annotations).length ? { annotations: shape.annotations } : {}),
      },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(derToPem(der) + ca.certPem).toString('base64'),
        'tls.key': keyPemB64,
      },
    });
  }
  return objects;
}

/** Adds them to a running simulated cluster's store. */
export async function addBulkTlsSecrets(store: ObjectStore, opts: BulkTlsOptions): Promise<void> {
  const namespaces = store.type('namespaces', '');
  const secrets = store.type('secrets', '');
  for (const obj of await bulkTlsObjects(opts)) {
    store.apply(obj.kind === 'Namespace' ? namespaces : secrets, obj);
  }
}

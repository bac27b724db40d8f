/**
 * kube-controller-manager's csrsigning for the two kubelet signers: an approved CSR (never a
 * denied, failed or unapproved one) gets a certificate from the cluster's kubelet CA, with the
 * requested subject, SANs and usages, backdated 5 minutes as the signer does, valid 30 days
 * (OpenShift's kubelet certificates), never past the CA. A request the signer's rules refuse
 * (k8s.io/kubernetes pkg/apis/certificates ValidateKubeletClientCSR/IsKubeletServingCSR checks:
 * O=system:nodes, CN prefix, allowed usages, SAN kinds) gets a Failed condition instead.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { loadIssuedCert, signingAlgorithm, type IssuedCert } from '../../../pki/issue.js';
import type { KubeObject } from '../../kube/types.js';
import { KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER } from '../host/csr-request.js';
import { hasCondition, parseCsrRequest } from './csr-rules.js';

const BACKDATE_MS = 5 * 60_000;
export const KUBELET_CERT_DURATION_MS = 30 * 24 * 3600_000;

const CLIENT_USAGES = new Set(['digital signature', 'key encipherment', 'client auth']);
const SERVING_USAGES = new Set(['digital signature', 'key encipherment', 'server auth']);

/** Why the signer refuses to sign this request, or undefined when it will. */
export function signerRefusal(csr: KubeObject): string | undefined {
  const spec = (csr.spec ?? {}) as { signerName?: string; usages?: string[] };
  const req = parseCsrRequest(csr);
  if (!req) return 'unable to parse csr: PEM block type must be CERTIFICATE REQUEST';
  const usages = spec.usages ?? [];
  if (!(req.organization.length === 1 && req.organization[0] === 'system:nodes'))
    return 'subject organization is not system:nodes';
  if (!req.commonName.startsWith('system:node:'))
    return 'subject common name does not begin with system:node:';
  if (req.emailAddresses.length > 0 || req.uris.length > 0)
    return 'email and URI subjectAltNames are not allowed';
  if (spec.signerName === KUBELET_CLIENT_SIGNER) {
    if (req.dnsNames.length > 0 || req.ipAddresses.length > 0)
      return 'DNS or IP subjectAltNames are not allowed';
    if (!usages.includes('client auth') || usages.some((u) => !CLIENT_USAGES.has(u)))
      return `usages did not match [digital signature key encipherment client auth]: [${usages.join(' ')}]`;
  } else {
    if (req.dnsNames.length === 0 && req.ipAddresses.length === 0)
      return 'DNS or IP subjectAltName is required';
    if (!usages.includes('server auth') || usages.some((u) => !SERVING_USAGES.has(u)))
      return `usages did not match [digital signature key encipherment server auth]: [${usages.join(' ')}]`;
  }
  return undefined;
}

/** Should the signer act on this CSR now? */
export function signable(csr: KubeObject): boolean {
  const spec = (csr.spec ?? {}) as { signerName?: string };
  const status = (csr.status ?? {}) as { certificate?: string };
  return (
    (spec.signerName === KUBELET_CLIENT_SIGNER || spec.signerName === KUBELET_SERVING_SIGNER) &&
    hasCondition(csr, 'Approved') &&
    !hasCondition(csr, 'Denied') &&
    !hasCondition(csr, 'Failed') &&
    !status.certificate
  );
}

const KEY_USAGE: Record<string, number> = {
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
};
const EKU: Record<string, string> = {
  'client auth': '1.3.6.1.5.5.7.3.2',
  'server auth': '1.3.6.1.5.5.7.3.1',
};

/** Loads the kubelet CA once per PEM pair. */
export class KubeletSigner {
  private ca?: Promise<IssuedCert>;

  constructor(private readonly caPem: { certPem: string; keyPem: string }) {}

  /** A PEM certificate for an approved CSR. */
  async sign(csr: KubeObject, now: Date): Promise<string> {
    const ca = await (this.ca ??= loadIssuedCert(this.caPem.certPem, this.caPem.keyPem));
    const b64 = (csr.spec as { request?: string }).request ?? '';
    const pem = Buffer.from(b64, 'base64').toString('utf8');
    const req = new x509.Pkcs10CertificateRequest(pem);
    if (!(await req.verify())) throw new Error('the CSR signature does not verify');
    const parsed = parseCsrRequest(csr);
    const usages = ((csr.spec as { usages?: string[] }).usages ?? []) as string[];
    let flags = 0;
    for (const u of usages) flags |= KEY_USAGE[u] ?? 0;
    const ekus = usages.map((u) => EKU[u]).filter((o): o is string => o !== undefined);
    const extensions: x509.Extension[] = [
      new x509.KeyUsagesExtension(flags, true),
      new x509.ExtendedKeyUsageExtension(ekus, false),
      new x509.BasicConstraintsExtension(false, undefined, true),
    ];
    if (ca.cert.subjectKeyId)
      extensions.push(new x509.AuthorityKeyIdentifierExtension(ca.cert.subjectKeyId, false));
    const sans: x509.JsonGeneralName[] = [
      ...(parsed?.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(parsed?.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));
    const notAfter = Math.min(now.getTime() + KUBELET_CERT_DURATION_MS, ca.cert.notAfter.getTime());
    const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
    serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial.toString('hex'),
      subject: req.subjectName,
      issuer: new x509.Name(ca.cert.rawSubject),
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: new Date(notAfter),
      publicKey: req.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm: signingAlgorithm(ca.keyAlgorithm),
      extensions,
    });
    return cert.toString('pem');
  }
}

/**
 * The two CSRs a joining kubelet files (metal3-redfish-csr.md §6), with real PKCS#10 requests
 * on ECDSA P-256 keys as the kubelet generates them, approved by the machine approver and
 * signed by the kube CA.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { nameFromDisplay, type IssuedCert } from '../../../pki/issue.js';
import type { KubeObject } from '../../kube/types.js';
import { b64, iso, MCO_NS, meta } from './meta.js';
import {
  KUBELET_CLIENT_SIGNER as CLIENT_SIGNER,
  KUBELET_SERVING_SIGNER as SERVING_SIGNER,
  NODE_BOOTSTRAPPER_USERNAME as BOOTSTRAPPER_USER,
} from '../../../openshift/node-csrs.js';

export { CLIENT_SIGNER, SERVING_SIGNER, BOOTSTRAPPER_USER };
export const BOOTSTRAPPER_GROUPS = [
  'system:serviceaccounts',
  `system:serviceaccounts:${MCO_NS}`,
  'system:authenticated',
];

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface CsrRequest {
  pem: string;
  keys: webcrypto.CryptoKeyPair;
}

/** A kubelet CSR: subject O=system:nodes, CN=system:node:<name>; serving ones carry DNS and IP SANs. */
export async function kubeletCsrRequest(
  nodeName: string,
  sans?: { dns: string[]; ips: string[] },
): Promise<CsrRequest> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const extensions = sans
    ? [
        new x509.SubjectAlternativeNameExtension([
          ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
          ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
        ]),
      ]
    : [];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: nameFromDisplay(`CN=system:node:${nodeName}, O=system:nodes`),
    keys,
    signingAlgorithm: EC_SIGN,
    extensions,
  });
  return { pem: csr.toString('pem'), keys };
}

async function signKubeletCert(
  request: CsrRequest,
  nodeName: string,
  ca: IssuedCert,
  at: Date,
  usage: 'client' | 'serving',
  sans?: { dns: string[]; ips: string[] },
): Promise<string> {
  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([usage === 'client' ? '1.3.6.1.5.5.7.3.2' : '1.3.6.1.5.5.7.3.1']),
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.AuthorityKeyIdentifierExtension(ca.cert.subjectKeyId ?? '', false),
  ];
  if (sans) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
        ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^./, '1'),
    subject: nameFromDisplay(`CN=system:node:${nodeName}, O=system:nodes`),
    issuer: new x509.Name(ca.cert.rawSubject),
    notBefore: new Date(at.getTime() - 5 * 60_000),
    notAfter: new Date(at.getTime() + 30 * 24 * 3_600_000),
    publicKey: request.keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    extensions,
  });
  return cert.toString('pem') + '\n';
}

function csrObject(
  name: string,
  created: Date,
  spec: Record<string, unknown>,
  certificatePem: string,
  approvedAt: Date,
): KubeObject {
  const t = iso(approvedAt);
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: meta(name, created, { generateName: 'csr-' }),
    spec,
    status: {
      certificate: b64(certificatePem),
      conditions: [
        {
          lastTransitionTime: t,
          lastUpdateTime: t,
          message: 'This CSR was approved by the Node CSR Approver (cluster-machine-approver)',
          reason: 'NodeCSRApprove',
          status: 'True',
          type: 'Approved',
        },
      ],
    },
  };
}

/** The approved client and serving CSRs of a node that joined at `joinedAt`. */
export async function approvedNodeCsrs(
  names: [string, string],
  nodeName: string,
  ip: string,
  kubeCa: IssuedCert,
  joinedAt: Date,
  bootstrapperUid: string,
  nodeUserUid: string,
): Promise<KubeObject[]> {
  const clientAt = joinedAt;
  const servingAt = new Date(joinedAt.getTime() + 6_000);
  const sans = { dns: [nodeName], ips: [ip] };
  const [clientReq, servingReq] = await Promise.all([
    kubeletCsrRequest(nodeName),
    kubeletCsrRequest(nodeName, sans),
  ]);
  const approvedClient = new Date(clientAt.getTime() + 1_000);
  const approvedServing = new Date(servingAt.getTime() + 1_000);
  const [clientCert, servingCert] = await Promise.all([
    signKubeletCert(clientReq, nodeName, kubeCa, approvedClient, 'client'),
    signKubeletCert(servingReq, nodeName, kubeCa, approvedServing, 'serving', sans),
  ]);
  return [
    csrObject(
      names[0],
      clientAt,
      {
        groups: BOOTSTRAPPER_GROUPS,
        request: b64(clientReq.pem),
        signerName: CLIENT_SIGNER,
        uid: bootstrapperUid,
        usages: ['digital signature', 'client auth'],
        username: BOOTSTRAPPER_USER,
      },
      clientCert,
      approvedClient,
    ),
    csrObject(
      names[1],
      servingAt,
      {
        groups: ['system:nodes', 'system:authenticated'],
        request: b64(servingReq.pem),
        signerName: SERVING_SIGNER,
        uid: nodeUserUid,
        usages: ['digital signature', 'server auth'],
        username: `system:node:${nodeName}`,
      },
      servingCert,
      approvedServing,
    ),
  ];
}

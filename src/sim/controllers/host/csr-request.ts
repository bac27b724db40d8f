/**
 * The kubelet's certificate requests: a real PKCS#10 with a fresh ECDSA P-256 key (as the kubelet
 * generates), and the CertificateSigningRequest objects it creates for its client and serving
 * certificates, with the requester fields the apiserver fills in from the authenticated user.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import '../../../pki/issue.js'; // sets @peculiar/x509's crypto provider to Node's WebCrypto
import type { KubeObject } from '../../kube/types.js';

import {
  KUBELET_CLIENT_SIGNER,
  KUBELET_SERVING_SIGNER,
  NODE_BOOTSTRAPPER_USERNAME,
} from '../../../openshift/node-csrs.js';

export { KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, NODE_BOOTSTRAPPER_USERNAME };
/** The groups the apiserver gives the node-bootstrapper service account token. */
export const NODE_BOOTSTRAPPER_GROUPS = [
  'system:serviceaccounts',
  'system:serviceaccounts:openshift-machine-config-operator',
  'system:authenticated',
];
export const NODE_GROUPS = ['system:nodes', 'system:authenticated'];

export interface CsrRequestInput {
  commonName: string;
  organization?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
}

function escapeRdnValue(value: string): string {
  return value.replace(/([,+"\\<>;=#])/g, '\\$1');
}

/** A PEM PKCS#10 request signed with a new ECDSA P-256 key (the key stays in memory, never logged). */
export async function createCsrPem(input: CsrRequestInput): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const orgs = (input.organization ?? []).map((o) => `O=${escapeRdnValue(o)}`);
  const name = [...orgs, `CN=${escapeRdnValue(input.commonName)}`].join(', ');
  const sans: x509.JsonGeneralName[] = [
    ...(input.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(input.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const req = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans, false)] : [],
  });
  return req.toString('pem');
}

export interface CsrObjectInput {
  requestPem: string;
  signerName: string;
  usages: string[];
  username: string;
  groups: string[];
  uid?: string;
}

/** A certificates.k8s.io/v1 CSR as the apiserver stores it after admission. */
export function csrObject(input: CsrObjectInput): KubeObject {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: '', generateName: 'csr-' },
    spec: {
      request: Buffer.from(input.requestPem, 'utf8').toString('base64'),
      signerName: input.signerName,
      usages: input.usages,
      username: input.username,
      groups: input.groups,
      ...(input.uid ? { uid: input.uid } : {}),
    },
  };
}

/** The kubelet's bootstrap request for its client certificate (O=system:nodes, CN=system:node:<name>). */
export async function kubeletClientCsr(nodeName: string, bootstrapperUid: string): Promise<KubeObject> {
  const requestPem = await createCsrPem({
    commonName: `system:node:${nodeName}`,
    organization: ['system:nodes'],
  });
  return csrObject({
    requestPem,
    signerName: KUBELET_CLIENT_SIGNER,
    usages: ['digital signature', 'client auth'],
    username: NODE_BOOTSTRAPPER_USERNAME,
    groups: NODE_BOOTSTRAPPER_GROUPS,
    uid: bootstrapperUid,
  });
}

/** The kubelet's serving certificate request (serverTLSBootstrap), made with its node credentials. */
export async function kubeletServingCsr(nodeName: string, ip: string): Promise<KubeObject> {
  const requestPem = await createCsrPem({
    commonName: `system:node:${nodeName}`,
    organization: ['system:nodes'],
    dnsNames: [nodeName],
    ipAddresses: [ip],
  });
  return csrObject({
    requestPem,
    signerName: KUBELET_SERVING_SIGNER,
    usages: ['digital signature', 'key encipherment', 'server auth'],
    username: `system:node:${nodeName}`,
    groups: NODE_GROUPS,
  });
}

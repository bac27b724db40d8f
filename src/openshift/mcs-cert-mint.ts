/**
 * Certificates as library-go's crypto package mints them for certrotation: a self-signed CA
 * `<namespace>_<name>@<unix>` and serving certs for a set of hostnames (IPs go in both the IP and
 * the DNS SANs), RSA 2048, NotBefore now-1s, keys written as PKCS#1 "RSA PRIVATE KEY".
 */
import { createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { issueCertificate, loadIssuedCert, type IssuedCert } from '../pki/issue.js';

export const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export interface MintedPair {
  certPem: string;
  keyPem: string;
  notBefore: Date;
  notAfter: Date;
  issuerCommonName: string;
}

function pkcs1(keyPem: string): string {
  return createPrivateKey(keyPem).export({ format: 'pem', type: 'pkcs1' }).toString();
}

/** A name that needs no escaping in issueCertificate's RFC 4514 subject syntax. */
function cnSubject(cn: string): string {
  return `CN=${cn.replace(/([,+"\\<>;=])/g, '\\$1')}`;
}

export async function mintSigningCa(name: string, now: Date, validityMs = TEN_YEARS_MS): Promise<MintedPair> {
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 1000);
  const notAfter = new Date(notBefore.getTime() + 1000 + validityMs);
  const ca = await issueCertificate({
    subject: cnSubject(name),
    isCA: true,
    notBefore,
    notAfter,
    keyAlgorithm: 'rsa2048',
    keyUsage: ['digitalSignature', 'keyEncipherment', 'keyCertSign'],
    extKeyUsage: [],
  });
  return { certPem: ca.certPem, keyPem: pkcs1(ca.keyPem), notBefore, notAfter, issuerCommonName: name };
}

/** Sorted like sets.List: the first one is the CN. */
export function sortedHostnames(hostnames: string[]): string[] {
  return [...new Set(hostnames.filter((h) => h !== ''))].sort();
}

export async function mintServingCert(
  signer: { certPem: string; keyPem: string },
  hostnames: string[],
  now: Date,
  validityMs = TEN_YEARS_MS,
): Promise<MintedPair & { hostnames: string[] }> {
  const issuer: IssuedCert = await loadIssuedCert(signer.certPem, signer.keyPem);
  const hosts = sortedHostnames(hostnames);
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 1000);
  const notAfter = new Date(notBefore.getTime() + 1000 + validityMs);
  const leaf = await issueCertificate({
    subject: cnSubject(hosts[0] ?? ''),
    issuer,
    notBefore,
    notAfter,
    keyAlgorithm: 'rsa2048',
    dnsNames: hosts,
    ipAddresses: hosts.filter((h) => isIP(h) !== 0),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['serverAuth'],
  });
  return {
    // The chain library-go writes: the serving cert, then its CA.
    certPem: leaf.certPem + issuer.certPem,
    keyPem: pkcs1(leaf.keyPem),
    notBefore,
    notAfter,
    issuerCommonName: issuer.cert.subjectCommonName ?? '',
    hostnames: hosts,
  };
}

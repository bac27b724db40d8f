/** The MCS serving certificate as stored in secret machine-config-server-tls. */
import { keyMatchesCertificate } from '../../pki/keys.js';
import { parseCertificates } from '../../pki/parse.js';
import type { CertInfo } from '../../pki/types.js';
import type { KubeObject, Read } from '../../sources/types.js';
import { MCO_NAMESPACE } from '../snapshot.js';
import { findObject, secretValue } from './secret-data.js';

export const SERVING_SECRET = 'machine-config-server-tls';
export const SERVING_SECRET_REF = `secret ${MCO_NAMESPACE}/${SERVING_SECRET}`;

export type KeyState = 'matches' | 'mismatch' | 'redacted' | 'missing' | 'unparsable';

export interface ServingCertFacts {
  present: boolean;
  type?: string;
  chain: CertInfo[];
  /** Why tls.crt could not be used: missing, redacted, not PEM. */
  certProblem?: string;
  keyState: KeyState;
  keyProblem?: string;
}

export function servingCertFacts(secrets: Read<KubeObject[]>): ServingCertFacts {
  // A failed read of the secrets is reported by the checks from the read itself.
  if (!secrets.ok) return { present: false, chain: [], keyState: 'missing' };
  const secret = findObject(secrets.value, MCO_NAMESPACE, SERVING_SECRET);
  if (!secret) {
    return {
      present: false,
      chain: [],
      keyState: 'missing',
      certProblem: `${SERVING_SECRET_REF} does not exist`,
    };
  }
  const type = typeof secret['type'] === 'string' ? (secret['type'] as string) : undefined;
  const crt = secretValue(secret, 'tls.crt');
  let chain: CertInfo[] = [];
  let certProblem: string | undefined;
  if (crt.kind === 'missing') certProblem = `${SERVING_SECRET_REF} has no tls.crt`;
  else if (crt.kind === 'redacted') certProblem = `tls.crt was redacted ("${crt.note}")`;
  else {
    try {
      chain = parseCertificates(crt.bytes, `${SERVING_SECRET_REF} tls.crt`);
      if (chain.length === 0) certProblem = 'tls.crt holds no certificate';
    } catch (err) {
      certProblem = `tls.crt does not parse: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const key = secretValue(secret, 'tls.key');
  let keyState: KeyState;
  let keyProblem: string | undefined;
  if (key.kind === 'missing') {
    keyState = 'missing';
    keyProblem = `${SERVING_SECRET_REF} has no tls.key`;
  } else if (key.kind === 'redacted') {
    keyState = 'redacted';
    keyProblem = `tls.key was redacted ("${key.note}"), so whether it matches the certificate cannot be checked here`;
  } else if (!chain[0]) {
    keyState = 'unparsable';
    keyProblem = 'no certificate to compare the key with';
  } else {
    try {
      keyState = keyMatchesCertificate(key.bytes, chain[0]) ? 'matches' : 'mismatch';
      if (keyState === 'mismatch')
        keyProblem = 'tls.key is not the private key of the certificate in tls.crt';
    } catch (err) {
      keyState = 'unparsable';
      keyProblem = `tls.key does not parse: ${err instanceof Error ? err.message.replace(/-----BEGIN[^]*$/, '') : String(err)}`;
    }
  }
  return { present: true, type, chain, certProblem, keyState, keyProblem };
}

/**
 * Regenerating the MCS serving certificate as `oc adm ocp-certificates
 * regenerate-machine-config-server-serving-cert` does (reference/mco.md §4): a signing CA in
 * secret and configmap `machine-config-server-ca` (kept when it is valid, else a new one, RSA
 * 2048, 10 years), and a serving certificate for the api-int name and the API VIPs in
 * `machine-config-server-tls` as `kubernetes.io/tls`, with library-go's annotations so the 4.19
 * rotator recognises it.
 */
import { keyMatchesCertificate } from '../../pki/keys.js';
import type { CertInfo } from '../../pki/types.js';
import { verifyChain } from '../../pki/verify.js';
import { mintServingCert, mintSigningCa, type MintedPair } from '../../openshift/mcs-cert-mint.js';
import {
  HOSTNAMES_ANNOTATION,
  ISSUER_ANNOTATION,
  MCO_NAMESPACE,
  MCS_CA_NAME,
  MCS_TLS_SECRET,
  NOT_AFTER_ANNOTATION,
  NOT_BEFORE_ANNOTATION,
} from '../../core/names.js';
import { RESOURCES } from '../../sources/resources.js';
import type { KubeObject } from '../../sources/types.js';
import type { Facts } from '../../checks/facts/index.js';
import { caBundleByHand, servingCertByHand, signingCaByHand } from '../by-hand.js';
import type { ObjectKey } from '../kube-api.js';
import { StepFailed, type FixStep, type StepContext } from '../types.js';
import {
  b64,
  certsIn,
  configMapKey,
  configMapText,
  keyPairMatches,
  rfc3339,
  secretKey,
  secretText,
} from '../util.js';

const CA_SECRET = secretKey(MCO_NAMESPACE, MCS_CA_NAME);
const CA_BUNDLE = configMapKey(MCO_NAMESPACE, MCS_CA_NAME);
const TLS_SECRET = secretKey(MCO_NAMESPACE, MCS_TLS_SECRET);
const TLS_TYPE = 'kubernetes.io/tls';
/** A CA or serving certificate with less than this left is replaced, not reused. */
const MIN_REMAINING_MS = 365 * 24 * 3600_000;

export interface SigningCa {
  cert: CertInfo;
  certPem: string;
  keyPem: string;
}

/** The names the serving certificate must cover: the api-int host and the API VIPs (as hostnames.go builds them). */
export function servingHostnames(facts: Facts): string[] {
  return [facts.cluster.apiIntHost, ...facts.cluster.apiVips].filter((h): h is string => !!h);
}

/** The CA in secret machine-config-server-ca when it can sign: a CA, its key, valid for at least a year. */
export async function readSigningCa(ctx: StepContext): Promise<SigningCa | string> {
  const secret = await ctx.api.get(CA_SECRET);
  if (!secret) return `secret ${MCO_NAMESPACE}/${MCS_CA_NAME} does not exist`;
  const certPem = secretText(secret, 'tls.crt');
  const keyPem = secretText(secret, 'tls.key');
  const cert = certsIn(certPem, 'tls.crt')[0];
  if (!cert || !certPem) return `secret ${MCO_NAMESPACE}/${MCS_CA_NAME} has no parsable tls.crt`;
  if (!cert.isCA) return `the certificate in ${MCS_CA_NAME} is not a CA`;
  if (!keyPem) return `secret ${MCO_NAMESPACE}/${MCS_CA_NAME} has no tls.key`;
  if (!keyPairMatches(keyPem, cert)) return `tls.key in ${MCS_CA_NAME} does not match its certificate`;
  const now = Date.now();
  if (cert.notBefore.getTime() > now)
    return `the CA in ${MCS_CA_NAME} is not valid before ${rfc3339(cert.notBefore)}`;
  if (cert.notAfter.getTime() - now < MIN_REMAINING_MS) {
    return `the CA in ${MCS_CA_NAME} expires ${rfc3339(cert.notAfter)} (less than a year left)`;
  }
  return { cert, certPem, keyPem };
}

function libraryGoAnnotations(pair: MintedPair): Record<string, string> {
  return {
    [NOT_AFTER_ANNOTATION]: rfc3339(pair.notAfter),
    [NOT_BEFORE_ANNOTATION]: rfc3339(pair.notBefore),
    [ISSUER_ANNOTATION]: pair.issuerCommonName,
  };
}

/**
 * Writes a kubernetes.io/tls secret. A secret's type cannot change in place, so an Opaque one
 * (older installs) is deleted and created again, as oc's ensureMCSSecretType does; it was backed up first.
 */
async function writeTlsSecret(
  ctx: StepContext,
  key: ObjectKey,
  current: KubeObject | undefined,
  pair: MintedPair,
  extraAnnotations: Record<string, string> = {},
): Promise<void> {
  const data = { 'tls.crt': b64(pair.certPem), 'tls.key': b64(pair.keyPem) };
  const annotations = {
    ...(current?.metadata.annotations ?? {}),
    ...libraryGoAnnotations(pair),
    ...extraAnnotations,
  };
  if (current && current['type'] === TLS_TYPE) {
    await ctx.api.replace(RESOURCES.secrets, {
      ...current,
      metadata: { ...current.metadata, annotations },
      data,
    });
    return;
  }
  if (current) {
    ctx.log(
      `${key.name} is type ${String(current['type'] ?? 'Opaque')}: deleting and creating it as ${TLS_TYPE}`,
    );
    await ctx.api.delete(key);
  }
  await ctx.api.create(RESOURCES.secrets, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: key.name,
      namespace: key.namespace,
      annotations,
      ...(current?.metadata.labels ? { labels: current.metadata.labels } : {}),
    },
    type: TLS_TYPE,
    data,
  });
}

export function signingCaStep(): FixStep {
  return {
    id: 'mcs-ca',
    title: `Make sure secret ${MCS_CA_NAME} holds a valid signing CA (reuse it, or create one: RSA 2048, 10 years)`,
    kind: 'change',
    touches: [`secret ${MCO_NAMESPACE}/${MCS_CA_NAME}`],
    manual: signingCaByHand(),
    access: [
      { verb: 'get', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
      { verb: 'create', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
      { verb: 'update', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
    ],
    async isDone(ctx) {
      const ca = await readSigningCa(ctx);
      return typeof ca === 'string'
        ? undefined
        : `${MCS_CA_NAME} holds ${ca.cert.subject}, valid until ${rfc3339(ca.cert.notAfter)}`;
    },
    async apply(ctx) {
      const current = await ctx.backupObject(CA_SECRET);
      const name = `${MCO_NAMESPACE}_${MCS_CA_NAME}@${Math.floor(Date.now() / 1000)}`;
      const ca = await mintSigningCa(name, new Date());
      await writeTlsSecret(ctx, CA_SECRET, current, ca);
      return `created the CA ${name}, valid until ${rfc3339(ca.notAfter)}`;
    },
    async verify(ctx) {
      const ca = await readSigningCa(ctx);
      if (typeof ca === 'string') throw new StepFailed(ca);
      return `${MCS_CA_NAME} holds ${ca.cert.subject}`;
    },
  };
}

async function bundleState(
  ctx: StepContext,
): Promise<{ ca: SigningCa; bundle: CertInfo[]; cm?: KubeObject }> {
  const ca = await readSigningCa(ctx);
  if (typeof ca === 'string') throw new StepFailed(ca, 'run the fix again: its first step creates the CA');
  const cm = await ctx.api.get(CA_BUNDLE);
  return { ca, bundle: certsIn(configMapText(cm, 'ca-bundle.crt'), 'ca-bundle.crt'), cm };
}

export function caBundleStep(): FixStep {
  return {
    id: 'mcs-ca-bundle',
    title: `Put the signing CA first in configmap ${MCS_CA_NAME} (ca-bundle.crt), dropping expired CAs`,
    kind: 'change',
    touches: [`configmap ${MCO_NAMESPACE}/${MCS_CA_NAME}`],
    manual: caBundleByHand(),
    access: [
      { verb: 'get', ref: RESOURCES.configMaps, namespace: MCO_NAMESPACE },
      { verb: 'create', ref: RESOURCES.configMaps, namespace: MCO_NAMESPACE },
      { verb: 'update', ref: RESOURCES.configMaps, namespace: MCO_NAMESPACE },
    ],
    async isDone(ctx) {
      const ca = await readSigningCa(ctx);
      if (typeof ca === 'string') return undefined;
      const cm = await ctx.api.get(CA_BUNDLE);
      const bundle = certsIn(configMapText(cm, 'ca-bundle.crt'), 'ca-bundle.crt');
      return bundle[0]?.fingerprintSha256 === ca.cert.fingerprintSha256
        ? `the bundle starts with ${ca.cert.subject}`
        : undefined;
    },
    async apply(ctx) {
      const { ca } = await bundleState(ctx);
      const cm = await ctx.backupObject(CA_BUNDLE);
      const now = Date.now();
      const kept = certsIn(configMapText(cm, 'ca-bundle.crt'), 'ca-bundle.crt').filter(
        (c) => c.fingerprintSha256 !== ca.cert.fingerprintSha256 && c.notAfter.getTime() > now,
      );
      const pem = [ca.cert.pem, ...kept.map((c) => c.pem)].map((p) => p.trimEnd() + '\n').join('');
      if (cm) {
        await ctx.api.replace(RESOURCES.configMaps, {
          ...cm,
          data: { ...((cm['data'] as Record<string, string>) ?? {}), 'ca-bundle.crt': pem },
        });
      } else {
        await ctx.api.create(RESOURCES.configMaps, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: MCS_CA_NAME, namespace: MCO_NAMESPACE },
          data: { 'ca-bundle.crt': pem },
        });
      }
      return `ca-bundle.crt holds ${1 + kept.length} CA(s), the new one first`;
    },
    async verify(ctx) {
      const { ca, bundle } = await bundleState(ctx);
      if (bundle[0]?.fingerprintSha256 !== ca.cert.fingerprintSha256) {
        throw new StepFailed(`configmap ${MCS_CA_NAME} does not start with the signing CA`);
      }
      return `ca-bundle.crt starts with ${ca.cert.subject}`;
    },
  };
}

/** Why the secret's serving certificate is not what the fix wants, or undefined when it is. */
async function servingProblem(
  ctx: StepContext,
  hostnames: string[],
  minRemainingMs: number,
): Promise<string | undefined> {
  const ca = await readSigningCa(ctx);
  if (typeof ca === 'string') return ca;
  const secret = await ctx.api.get(TLS_SECRET);
  if (!secret) return `secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET} does not exist`;
  const chain = certsIn(secretText(secret, 'tls.crt'), 'tls.crt');
  const leaf = chain[0];
  if (!leaf) return `${MCS_TLS_SECRET} has no parsable tls.crt`;
  const keyPem = secretText(secret, 'tls.key');
  try {
    if (!keyPem || !keyMatchesCertificate(keyPem, leaf))
      return `tls.key in ${MCS_TLS_SECRET} does not match tls.crt`;
  } catch {
    return `tls.key in ${MCS_TLS_SECRET} does not parse`;
  }
  if (leaf.notAfter.getTime() - Date.now() < minRemainingMs) {
    return `the serving certificate expires ${rfc3339(leaf.notAfter)}`;
  }
  for (const host of hostnames) {
    const v = verifyChain({ chain, roots: [ca.cert], host, at: new Date() });
    if (!v.ok)
      return `the serving certificate does not verify for ${host} against the signing CA: ${v.error}`;
  }
  return undefined;
}

export function servingCertStep(facts: Facts, minRemainingMs: number): FixStep {
  const hostnames = servingHostnames(facts);
  return {
    id: 'mcs-serving-cert',
    title: `Issue a serving certificate for ${hostnames.join(', ')} into secret ${MCS_TLS_SECRET} (kubernetes.io/tls, RSA 2048)`,
    kind: 'change',
    touches: [`secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET}`],
    manual: servingCertByHand(),
    access: [
      { verb: 'get', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
      { verb: 'update', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
      { verb: 'create', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
      { verb: 'delete', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
    ],
    async isDone(ctx) {
      const problem = await servingProblem(ctx, hostnames, minRemainingMs);
      return problem === undefined
        ? `${MCS_TLS_SECRET} is signed by the signing CA and covers ${hostnames.join(', ')}`
        : undefined;
    },
    async apply(ctx) {
      if (hostnames.length === 0) {
        throw new StepFailed(
          'Infrastructure cluster names no api-int host and no API VIP to put in the certificate',
        );
      }
      const ca = await readSigningCa(ctx);
      if (typeof ca === 'string')
        throw new StepFailed(ca, 'run the fix again: its first step creates the CA');
      const current = await ctx.backupObject(TLS_SECRET);
      const pair = await mintServingCert(ca, hostnames, new Date());
      await writeTlsSecret(ctx, TLS_SECRET, current, pair, {
        [HOSTNAMES_ANNOTATION]: pair.hostnames.join(','),
      });
      return `issued CN=${pair.hostnames[0]} for ${pair.hostnames.join(', ')}, valid until ${rfc3339(pair.notAfter)}`;
    },
    async verify(ctx) {
      const problem = await servingProblem(ctx, hostnames, minRemainingMs);
      if (problem) throw new StepFailed(problem);
      return `${MCS_TLS_SECRET} verifies against the signing CA for ${hostnames.join(', ')}`;
    },
  };
}

/** The signing CA's PEM, for the user-data steps that follow a regeneration. */
export async function signingCaPem(ctx: StepContext): Promise<string> {
  const ca = await readSigningCa(ctx);
  if (typeof ca === 'string') throw new StepFailed(ca);
  return ca.cert.pem;
}

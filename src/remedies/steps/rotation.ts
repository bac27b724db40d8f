/**
 * What the runbook's "delete the secret and let it be recreated" means where it is true (4.19+
 * with the certificate rotator running), and the CA that already verifies the serving
 * certificate (for a CA mismatch, where nothing needs regenerating).
 */
import type { Facts } from '../../checks/facts/index.js';
import { MCO_NAMESPACE, MCS_CA_NAME, MCS_TLS_SECRET } from '../../core/names.js';
import { verifyChain } from '../../pki/verify.js';
import { RESOURCES } from '../../sources/resources.js';
import { StepFailed, type FixStep, type StepContext } from '../types.js';
import { certsIn, configMapKey, configMapText, secretKey, secretText, waitFor } from '../util.js';
import { servingHostnames } from './mcs-pki.js';

const TLS_SECRET = secretKey(MCO_NAMESPACE, MCS_TLS_SECRET);

export function deleteTlsSecretStep(facts: Facts): FixStep {
  const hostnames = servingHostnames(facts);
  const valid = async (ctx: StepContext, since?: string) => {
    const secret = await ctx.api.get(TLS_SECRET);
    const leaf = certsIn(secretText(secret, 'tls.crt'), 'tls.crt')[0];
    if (!secret || !leaf || leaf.notAfter.getTime() < Date.now()) return undefined;
    if (since && Date.parse(secret.metadata.creationTimestamp ?? '') < Date.parse(since) - 1000)
      return undefined;
    return `${MCS_TLS_SECRET} recreated: valid until ${leaf.notAfter.toISOString()}`;
  };
  return {
    id: 'delete-tls-secret',
    title: `Delete secret ${MCS_TLS_SECRET} and wait for the 4.19 rotator to recreate it`,
    kind: 'change',
    touches: [`secret ${MCO_NAMESPACE}/${MCS_TLS_SECRET} (backed up, then deleted)`],
    manual: [`oc -n ${MCO_NAMESPACE} delete secret ${MCS_TLS_SECRET}`],
    access: [
      { verb: 'get', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
      { verb: 'delete', ref: RESOURCES.secrets, namespace: MCO_NAMESPACE },
    ],
    async isDone() {
      return undefined;
    },
    async apply(ctx) {
      await ctx.backupObject(TLS_SECRET);
      await ctx.api.delete(TLS_SECRET);
      return `deleted ${MCS_TLS_SECRET} for ${hostnames.join(', ')}`;
    },
    async verify(ctx) {
      const started = ctx.backup.manifest.steps.find((s) => s.id === 'delete-tls-secret')?.at;
      return waitFor(
        ctx,
        `the rotator to recreate ${MCS_TLS_SECRET}`,
        () => valid(ctx, started),
        `mcs-doctor restore ${ctx.backup.dir} puts the old secret back`,
      );
    },
  };
}

/**
 * The CA among the cluster's CA sources that verifies the serving certificate in the secret:
 * secret and configmap machine-config-server-ca, then kube-system/root-ca. Compared by
 * verifying the chain, never by subject names.
 */
export async function verifyingCaPem(ctx: StepContext): Promise<string> {
  const secret = await ctx.api.get(TLS_SECRET);
  const chain = certsIn(secretText(secret, 'tls.crt'), 'tls.crt');
  if (!chain[0]) throw new StepFailed(`${MCS_TLS_SECRET} has no parsable certificate`);
  const caSecret = await ctx.api.get(secretKey(MCO_NAMESPACE, MCS_CA_NAME));
  const bundle = await ctx.api.get(configMapKey(MCO_NAMESPACE, MCS_CA_NAME));
  const rootCa = await ctx.api.get(configMapKey('kube-system', 'root-ca'));
  const candidates = [
    ...certsIn(secretText(caSecret, 'tls.crt'), 'ca'),
    ...certsIn(configMapText(bundle, 'ca-bundle.crt'), 'bundle'),
    ...certsIn(configMapText(rootCa, 'ca.crt'), 'root-ca'),
  ];
  const host = chain[0].dnsNames[0] ?? chain[0].ipAddresses[0] ?? '';
  const ca = candidates.find((c) => c.isCA && verifyChain({ chain, roots: [c], host, at: new Date() }).ok);
  if (!ca) {
    throw new StepFailed(
      'no CA in the cluster verifies the serving certificate (its CA key may be lost)',
      'regenerate it: mcs-doctor fix mcs-cert-corrupt --apply (a new CA and certificate)',
    );
  }
  return ca.pem;
}

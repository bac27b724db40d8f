/**
 * Getting the CA that signs the serving certificate into the pointer configs, as `oc adm
 * ocp-certificates update-ignition-ca-bundle-for-machine-config-server` does (reference/mco.md
 * §4): `certificateAuthorities[0]` of every unmanaged user-data secret in openshift-machine-api,
 * `kube-system/root-ca` on BareMetal, then the MCO re-renders the `-managed` copies (from
 * root-ca before 4.19, from the machine-config-server-ca bundle from 4.19).
 */
import { parseDataUrl } from '../../ignition/dataurl.js';
import { MAPI_NAMESPACE } from '../../core/names.js';
import { RESOURCES } from '../../sources/resources.js';
import type { KubeObject } from '../../sources/types.js';
import { managedUserDataByHand, rootCaByHand, userDataByHand } from '../by-hand.js';
import { StepFailed, type FixStep, type StepContext } from '../types.js';
import { b64, certsIn, configMapKey, configMapText, secretKey, secretText, waitFor } from '../util.js';

/** Gives the PEM of the CA the pointers must trust, read when the step runs (it may be new). */
export type CaSupplier = (ctx: StepContext) => Promise<string>;

const ROOT_CA = configMapKey('kube-system', 'root-ca');

export function caDataUrl(pem: string): string {
  return `data:text/plain;charset=utf-8;base64,${Buffer.from(pem, 'utf8').toString('base64')}`;
}

type Json = Record<string, unknown>;

function caList(config: Json): Array<{ source?: string }> | undefined {
  const ignition = config['ignition'] as Json | undefined;
  const tls = (ignition?.['security'] as Json | undefined)?.['tls'] as Json | undefined;
  const cas = tls?.['certificateAuthorities'];
  return Array.isArray(cas) ? (cas as Array<{ source?: string }>) : undefined;
}

/** The first CA of a pointer's userData (its fingerprint), or why there is none. */
function firstCa(userData: string | undefined): { fingerprint?: string; problem?: string } {
  if (userData === undefined) return { problem: 'no userData key' };
  let config: Json;
  try {
    config = JSON.parse(userData) as Json;
  } catch {
    return { problem: 'userData is not Ignition JSON' };
  }
  const cas = caList(config) ?? [];
  if (!cas[0]?.source) return { problem: 'no certificateAuthorities' };
  const fingerprint = fingerprintOf(cas[0].source);
  return fingerprint
    ? { fingerprint }
    : { problem: 'certificateAuthorities[0] is not a data URL holding a certificate' };
}

/**
 * Makes the CA the pointer's first. One CA is replaced, as oc does. Where there are several
 * (oc and the 4.19 rotator refuse those: they cannot tell which to replace), the CA goes first
 * and the others stay: they were put there on purpose, and trusting one more CA breaks nothing.
 */
export function trustFirst(config: Json, ca: { pem: string; fingerprint: string }): string | StepFailed {
  const ignition = config['ignition'];
  if (!ignition || typeof ignition !== 'object' || Array.isArray(ignition)) {
    return new StepFailed('userData has no ignition section', 'edit the pointer by hand');
  }
  const source = caDataUrl(ca.pem);
  const cas = caList(config);
  if (!cas || cas.length === 0) {
    const ign = ignition as Json;
    const security = (ign['security'] ?? {}) as Json;
    const tls = (security['tls'] ?? {}) as Json;
    ign['security'] = { ...security, tls: { ...tls, certificateAuthorities: [{ source }] } };
    return 'added the CA (the pointer trusted no CA of its own)';
  }
  if (cas.length === 1) {
    cas[0] = { ...cas[0], source };
    return 'replaced its CA with the CA';
  }
  const others = cas.filter((c) => fingerprintOf(c.source) !== ca.fingerprint);
  cas.splice(0, cas.length, { source }, ...others);
  return `put the CA first and kept its ${others.length} other CA(s)`;
}

function fingerprintOf(source: string | undefined): string | undefined {
  if (!source) return undefined;
  try {
    return certsIn(parseDataUrl(source).data.toString('utf8'), 'CA')[0]?.fingerprintSha256;
  } catch {
    return undefined;
  }
}

async function caFingerprint(
  supply: CaSupplier,
  ctx: StepContext,
): Promise<{ pem: string; fingerprint: string }> {
  const pem = await supply(ctx);
  const fingerprint = certsIn(pem, 'CA')[0]?.fingerprintSha256;
  if (!fingerprint) throw new StepFailed('the CA to trust does not parse');
  return { pem, fingerprint };
}

/** `caEntries`: how many CAs the pointer trusts now (oc replaces only a lone one). */
export function userDataSecretStep(name: string, supply: CaSupplier, caEntries = 1): FixStep {
  const key = secretKey(MAPI_NAMESPACE, name);
  const state = async (ctx: StepContext) => {
    const secret = await ctx.api.get(key);
    const ca = await caFingerprint(supply, ctx);
    return { secret, ca, first: firstCa(secretText(secret, 'userData')) };
  };
  return {
    id: `user-data:${name}`,
    title: `Trust the MCS CA in secret ${MAPI_NAMESPACE}/${name} (certificateAuthorities[0])`,
    kind: 'change',
    touches: [`secret ${MAPI_NAMESPACE}/${name}`],
    manual: userDataByHand(name, caEntries),
    access: [
      { verb: 'get', ref: RESOURCES.secrets, namespace: MAPI_NAMESPACE },
      { verb: 'update', ref: RESOURCES.secrets, namespace: MAPI_NAMESPACE },
    ],
    async isDone(ctx) {
      const s = await state(ctx);
      return s.first.fingerprint === s.ca.fingerprint ? `${name} already trusts the CA` : undefined;
    },
    async apply(ctx) {
      const { ca } = await state(ctx);
      const secret = await ctx.backupObject(key);
      if (!secret) throw new StepFailed(`secret ${MAPI_NAMESPACE}/${name} does not exist`);
      const text = secretText(secret, 'userData');
      let config: Json;
      try {
        config = JSON.parse(text ?? '') as Json;
      } catch {
        throw new StepFailed(`${name} userData is not Ignition JSON`, 'edit the pointer by hand');
      }
      const did = trustFirst(config, ca);
      if (typeof did !== 'string') throw did;
      await ctx.api.replace(RESOURCES.secrets, {
        ...secret,
        data: {
          ...((secret['data'] as Record<string, string>) ?? {}),
          userData: b64(JSON.stringify(config)),
        },
      } as KubeObject);
      return `${name}: ${did}`;
    },
    async verify(ctx) {
      const s = await state(ctx);
      if (s.first.fingerprint !== s.ca.fingerprint) {
        throw new StepFailed(`${name} does not trust the CA: ${s.first.problem ?? 'another CA is first'}`);
      }
      return `${name} certificateAuthorities[0] is the CA`;
    },
  };
}

export function rootCaStep(supply: CaSupplier): FixStep {
  const state = async (ctx: StepContext) => {
    const cm = await ctx.api.get(ROOT_CA);
    const ca = await caFingerprint(supply, ctx);
    return { cm, ca, first: certsIn(configMapText(cm, 'ca.crt'), 'ca.crt')[0]?.fingerprintSha256 };
  };
  return {
    id: 'root-ca',
    title: 'Put the MCS CA in configmap kube-system/root-ca (ca.crt), as oc does on BareMetal',
    kind: 'change',
    touches: ['configmap kube-system/root-ca'],
    manual: rootCaByHand(),
    access: [
      { verb: 'get', ref: RESOURCES.configMaps, namespace: 'kube-system' },
      { verb: 'update', ref: RESOURCES.configMaps, namespace: 'kube-system' },
    ],
    async isDone(ctx) {
      const s = await state(ctx);
      return s.first === s.ca.fingerprint ? 'root-ca already holds the CA' : undefined;
    },
    async apply(ctx) {
      const { ca } = await state(ctx);
      const cm = await ctx.backupObject(ROOT_CA);
      if (!cm) throw new StepFailed('configmap kube-system/root-ca does not exist');
      await ctx.api.replace(RESOURCES.configMaps, {
        ...cm,
        data: { ...((cm['data'] as Record<string, string>) ?? {}), 'ca.crt': ca.pem.trimEnd() + '\n' },
      });
      return 'root-ca ca.crt is the CA';
    },
    async verify(ctx) {
      const s = await state(ctx);
      if (s.first !== s.ca.fingerprint) throw new StepFailed('kube-system/root-ca does not hold the CA');
      return 'root-ca ca.crt is the CA';
    },
  };
}

/** The MCO's part: wait until it has rendered the CA into a `-managed` secret. */
export function managedUserDataStep(name: string, supply: CaSupplier, source: string): FixStep {
  const key = secretKey(MAPI_NAMESPACE, name);
  const trusts = async (ctx: StepContext) => {
    const ca = await caFingerprint(supply, ctx);
    const first = firstCa(secretText(await ctx.api.get(key), 'userData'));
    return first.fingerprint === ca.fingerprint ? `${name} trusts the CA` : undefined;
  };
  return {
    id: `managed-user-data:${name}`,
    title: `Wait for the MCO to render the CA into ${MAPI_NAMESPACE}/${name} (from ${source})`,
    kind: 'check',
    touches: [],
    manual: managedUserDataByHand(name),
    access: [{ verb: 'get', ref: RESOURCES.secrets, namespace: MAPI_NAMESPACE }],
    isDone: trusts,
    async apply() {
      return 'the MCO renders it';
    },
    async verify(ctx) {
      return waitFor(
        ctx,
        `the MCO to render the CA into ${name}`,
        () => trusts(ctx),
        `check the machine-config operator: oc get co machine-config; oc -n openshift-machine-config-operator logs deploy/machine-config-operator`,
      );
    },
  };
}

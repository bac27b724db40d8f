/**
 * The certificate and user-data story of a healthy cluster per version, which the scenarios
 * start from:
 *  - 4.12 / 4.16: the installer's root-ca and MCS cert; every pointer trusts root-ca.
 *  - 4.19: an upgraded cluster. The installer's secret had no not-before/after annotations, so
 *    the MCO's cert rotation minted a new CA and serving cert at its first sync after the
 *    upgrade (mco.md §2 "Upgraded clusters"); the managed user-data takes the CA bundle and
 *    the installer's user-data secrets were rewritten by reconcileSecret. kube-system/root-ca
 *    keeps the installer CA (only `oc adm ocp-certificates` rewrites it).
 */
import type { OpenShiftVersion } from '../seed.js';
import type { ScenarioOptions, ScenarioShape } from './assemble.js';
import { DAY_MS } from './objects/meta.js';
import {
  issueInstallerMcsCert,
  issueKubeCa,
  issueRootCa,
  issueRotatedMcsCa,
  issueRotatedMcsCert,
  joinPem,
  type ScenarioPki,
} from './pki.js';

/** A cluster installed this long ago is old enough to have history, young enough for valid certs. */
export const DEFAULT_CLUSTER_AGE_MS = 400 * DAY_MS;
/** When the 4.19 rotation (after the upgrade) or an `oc adm ocp-certificates` run happened. */
export const ROTATION_AGE_MS = 60 * DAY_MS;

export function upgradedFrom(version: OpenShiftVersion): OpenShiftVersion[] {
  return version === '4.19' ? ['4.12', '4.16'] : version === '4.16' ? ['4.12'] : [];
}

export interface InstallerPkiOptions {
  installedAt: Date;
  certShape?: 'current' | 'legacy';
}

/** The installer's material, untouched since install. */
export async function installerPki(opts: ScenarioOptions, o: InstallerPkiOptions): Promise<ScenarioPki> {
  // The kube-apiserver operator keeps its signers fresh whatever the cluster's age; only the
  // MCS's installer-made root-ca is left to run out.
  const kubeCaFrom = new Date(Math.max(o.installedAt.getTime(), opts.now.getTime() - 30 * DAY_MS));
  const [rootCa, kubeCa] = await Promise.all([issueRootCa(o.installedAt), issueKubeCa(kubeCaFrom)]);
  const serving = await issueInstallerMcsCert(rootCa, opts.network, o.certShape ?? 'current');
  return {
    rootCa,
    serving,
    servingCertPem: serving.certPem,
    servingKeyPem: serving.keyPem,
    tlsSecretWriter: 'installer',
    kubeCa,
  };
}

/** library-go's rotation over an installer PKI: new CA, new serving cert, bundle = the new CA. */
export async function rotatedPki(
  base: ScenarioPki,
  opts: ScenarioOptions,
  rotatedAt: Date,
): Promise<ScenarioPki> {
  const mcsCa = await issueRotatedMcsCa(rotatedAt);
  const serving = await issueRotatedMcsCert(mcsCa, opts.network, rotatedAt);
  return {
    ...base,
    serving,
    servingCertPem: joinPem([serving.certPem, mcsCa.certPem]),
    servingKeyPem: serving.keyPem,
    tlsSecretWriter: 'library-go',
    mcsCa,
    mcsCaBundle: [mcsCa.certPem],
  };
}

/** The shape around a PKI: every pointer trusts the CA that signs the serving cert (the bundle's, else root-ca). */
export function shapeFromPki(opts: ScenarioOptions, installedAt: Date, pki: ScenarioPki): ScenarioShape {
  const pointerCa = (pki.mcsCa ?? pki.rootCa).certPem;
  return {
    installedAt,
    upgradedFrom: upgradedFrom(opts.version),
    pki,
    installerPointerCas: [pointerCa],
    installerPointerStyle: 'installer',
    managedPointerCas: [pointerCa],
    pointerHost: 'vip',
    workerUserData: 'worker-user-data-managed',
    rootCaConfigMapPem: pki.rootCa.certPem,
    machineSet: true,
    problem: { state: 'provisioning' },
    vip: 'forward',
  };
}

/** Shape of a healthy cluster of the version, installed `ageMs` ago. */
export async function healthyShape(
  opts: ScenarioOptions,
  o: { ageMs?: number; certShape?: 'current' | 'legacy'; rotate?: boolean } = {},
): Promise<ScenarioShape> {
  const installedAt = new Date(opts.now.getTime() - (o.ageMs ?? DEFAULT_CLUSTER_AGE_MS));
  const base = await installerPki(opts, { installedAt, certShape: o.certShape });
  const rotate = o.rotate ?? opts.version === '4.19';
  const pki = rotate ? await rotatedPki(base, opts, new Date(opts.now.getTime() - ROTATION_AGE_MS)) : base;
  return shapeFromPki(opts, installedAt, pki);
}

/**
 * Who renews a TLS secret's certificate, and whether they will in time.
 *
 * OpenShift's operators rotate most of their certificates with library-go's certrotation
 * (openshift/library-go pkg/operator/certrotation). Its secrets carry the annotations of
 * annotations.go: `auth.openshift.io/certificate-not-before`, `auth.openshift.io/certificate-not-after`
 * (RFC 3339) and `auth.openshift.io/certificate-issuer` (the signer's common name). Its refresh
 * rule (target.go needNewTargetCertKeyPairForTime, signer.go needNewSigningCertKeyPair), run by
 * a controller that resyncs every minute, reads those annotations, not the certificate:
 *   - a missing or malformed annotation: renew now;
 *   - now after not-after: renew ("already expired");
 *   - now after not-after - (not-after - not-before) / 5, i.e. past 80% of the validity: renew,
 *     unconditionally;
 *   - now after not-before + the operator's refresh period: renew (for a target, only once its
 *     signer is 10% of that period old). The period is in the operator's code, not the object.
 * So an annotated certificate is renewed by the 80% point at the latest, well before it expires.
 * It deserves a warning only when the rotator should already have acted and has not (past the
 * 80% point by more than ROTATOR_GRACE_MS), when the annotations no longer describe the
 * certificate in the secret (a certificate replaced by hand: the rotator would act too late), or
 * when it has expired. A secret without the annotations has nobody to renew it on that schedule.
 *
 * machine-config-server-tls is the exception: `oc adm ocp-certificates
 * regenerate-machine-config-server-serving-cert` writes these annotations on any version, but
 * nothing rotates it before 4.19, and on 4.19+ the MCO's rotator runs only when the cluster has
 * MachineSets (machine-config-operator pkg/controller/certrotation, hasFunctionalMachineAPI).
 */
import { ISSUER_ANNOTATION, NOT_AFTER_ANNOTATION, NOT_BEFORE_ANNOTATION } from '../../core/names.js';
import { versionAtLeast } from '../../openshift/version.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import type { CertInfo } from '../../pki/types.js';
import type { KubeObject } from '../../sources/types.js';
import { MCO_NAMESPACE } from '../snapshot.js';
import { SERVING_SECRET } from './serving-cert.js';

/** `openshift.io/owning-component` (openshift/api annotations): the Jira component that owns the object. */
export const OWNING_COMPONENT_ANNOTATION = 'openshift.io/owning-component';
/** `certificates.openshift.io/refresh-period` (library-go annotations.go): the operator's refresh period, when it publishes it. */
export const REFRESH_PERIOD_ANNOTATION = 'certificates.openshift.io/refresh-period';

/**
 * How long past the 80% point a rotator may still be late before it counts as not acting: the
 * controller resyncs every minute, so ten minutes is ten missed chances.
 */
export const ROTATOR_GRACE_MS = 10 * 60_000;

export type RotationState =
  /** Annotated; the rotator renews it by `refreshBy`, before it expires. */
  | 'rotated'
  /** Annotated, but past the point where the rotator should have renewed it. */
  | 'overdue'
  /** Annotated, but the annotations describe another certificate, and the rotator's deadline falls after this one expires. */
  | 'stale-annotations'
  /** No rotator renews it on library-go's schedule. */
  | 'unmanaged';

export interface Rotation {
  state: RotationState;
  /** Who rotates it: the owning component or the namespace's operator, and the signer. */
  by?: string;
  /** The signer's common name, from auth.openshift.io/certificate-issuer. */
  issuer?: string;
  /** The 80% point of the annotated validity: library-go renews before this. */
  refreshBy?: Date;
  /** Why it is not `rotated`, in words. */
  why?: string;
}

export interface RotationContext {
  now: Date;
  /** Cluster version (`4.16.3`), null when unknown. */
  version: string | null;
  /** Whether the cluster has MachineSets (the MCO's rotator is gated on them). */
  hasMachineSets: boolean;
}

function annotationTime(secret: KubeObject, key: string): Date | undefined {
  const v = secret.metadata.annotations?.[key];
  if (!v) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/**
 * Who rotates it, in words: the owning component when the secret names it (newer releases do),
 * else the mechanism and the signer. The namespace does not say which operator rotates a secret
 * (openshift-config-managed holds certificates several operators write).
 */
function rotatorOf(secret: KubeObject, issuer: string | undefined): string {
  const component = secret.metadata.annotations?.[OWNING_COMPONENT_ANNOTATION];
  const signer = issuer ? `, signer ${issuer}` : '';
  return component
    ? `${component} (library-go certrotation${signer})`
    : `library-go certrotation (${issuer ? `signer ${issuer}` : 'its operator'})`;
}

export function rotationOf(
  secret: KubeObject,
  leaf: Pick<CertInfo, 'notAfter'>,
  ctx: RotationContext,
): Rotation {
  const notBefore = annotationTime(secret, NOT_BEFORE_ANNOTATION);
  const notAfter = annotationTime(secret, NOT_AFTER_ANNOTATION);
  const issuer = secret.metadata.annotations?.[ISSUER_ANNOTATION];
  if (!notBefore || !notAfter) {
    return { state: 'unmanaged', why: 'no auth.openshift.io/certificate-not-before/-not-after annotations' };
  }
  if (secret.metadata.namespace === MCO_NAMESPACE && secret.metadata.name === SERVING_SECRET) {
    const version = ctx.version;
    if (!version || !versionAtLeast(version, '4.19'))
      return {
        state: 'unmanaged',
        issuer,
        why: `nothing rotates ${SERVING_SECRET} before OpenShift 4.19${version ? ` (this cluster is ${version})` : ''}`,
      };
    if (!ctx.hasMachineSets)
      return {
        state: 'unmanaged',
        issuer,
        why: 'the MCO rotates it only on clusters with MachineSets, and this one has none',
      };
  }
  const by = rotatorOf(secret, issuer);
  const refreshBy = new Date(notAfter.getTime() - (notAfter.getTime() - notBefore.getTime()) / 5);
  if (refreshBy.getTime() > leaf.notAfter.getTime()) {
    return {
      state: 'stale-annotations',
      by,
      issuer,
      refreshBy,
      why: `its annotations (not-after ${formatRFC3339(notAfter)}) do not describe the certificate in the secret, which expires first: the rotator would renew it too late`,
    };
  }
  if (ctx.now.getTime() > refreshBy.getTime() + ROTATOR_GRACE_MS) {
    return {
      state: 'overdue',
      by,
      issuer,
      refreshBy,
      why: `${by} should have renewed it by ${formatRFC3339(refreshBy)} (80% of its validity) and has not`,
    };
  }
  return { state: 'rotated', by, issuer, refreshBy };
}

/**
 * Who renews a certificate, read from what its holder carries: the annotations and labels the
 * OpenShift operators, the service CA, OLM and cert-manager write on the Secrets and ConfigMaps
 * they maintain. Nothing is guessed from a name except the objects Kubernetes and the service-ca
 * operator create under fixed names. Sources, as read in their code:
 *  - library-go certrotation (openshift/library-go pkg/operator/certrotation): secrets annotated
 *    `auth.openshift.io/certificate-not-before/-not-after/-issuer`, objects labelled
 *    `auth.openshift.io/managed-certificate-type` (signer, target, ca-bundle); renewed by 80% of
 *    the validity (cert-rotation.ts);
 *  - the service CA (openshift/service-ca-operator pkg/controller/api): serving secrets annotated
 *    `service.{beta,alpha}.openshift.io/originating-service-name`, regenerated when less than an
 *    hour is left (minTimeLeftForCert); ConfigMaps annotated `service.{beta,alpha}.openshift.io/
 *    inject-cabundle: "true"` get `service-ca.crt` injected; its own CA, secret
 *    `openshift-service-ca/signing-key`, is rotated when less than 395 days (13 months) of its 790
 *    remain (minimumTrustDuration);
 *  - OLM (operator-lifecycle-manager pkg/controller/install/certresources.go): `olmcahash`, or
 *    label `olm.managed=true`; certificates of 2 years rotated a day before they expire
 *    (DefaultCertMinFresh). Its pprof client certificate, `openshift-operator-lifecycle-manager/
 *    pprof-cert`, is valid an hour and written anew by the collect-profiles CronJob, which mounts
 *    it and runs every 15 minutes (a 4.9 must-gather shows the CronJob and a certificate whose
 *    notBefore is on a quarter hour; later releases annotate the secret with its owning component);
 *  - cert-manager: `cert-manager.io/certificate-name` (and `issuer-name`, `issuer-kind`);
 *  - the cluster network operator: ConfigMaps labelled `config.openshift.io/inject-trusted-cabundle=true`
 *    receive the cluster's trusted CA bundle;
 *  - kube-controller-manager's root-ca-cert-publisher: `kube-root-ca.crt` in every namespace;
 *  - `openshift.io/owning-component`: the component that owns the object (openshift/api).
 *  - the MCO, from 4.19 and only with MachineSets: the CA of the user-data pointer configs
 *    (reference mco.md §3: `-managed` secrets rendered from the MCS CA bundle, the others'
 *    single CA rewritten; more than one CA aborts the rewrite).
 * A certificate whose manager should already have renewed it (or that has expired) is `overdue`:
 * for the exit code it counts as unmanaged, since nobody is in fact renewing it.
 */
import type { Management } from '../../core/certs.js';
import { ISSUER_ANNOTATION, MAPI_NAMESPACE, MCO_NAMESPACE, MCS_TLS_SECRET } from '../../core/names.js';
import { versionAtLeast } from '../../openshift/version.js';
import { formatRFC3339 } from '../../pki/gotime.js';
import type { KubeObject } from '../../sources/types.js';
import type { CertFacts } from './cert-pem.js';
import {
  OWNING_COMPONENT_ANNOTATION,
  ROTATOR_GRACE_MS,
  rotationOf,
  type RotationContext,
} from './cert-rotation.js';

export const SERVICE_CA_NAMESPACE = 'openshift-service-ca';
export const SERVICE_CA_SECRET = 'signing-key';
export const KUBE_ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const OLM_NAMESPACE = 'openshift-operator-lifecycle-manager';
/** OLM's pprof client certificate: one hour, written every 15 minutes by the collect-profiles CronJob. */
export const OLM_PPROF_SECRET = 'pprof-cert';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** service-ca-operator minimumTrustDuration: its CA is rotated when less than this is left. */
const SERVICE_CA_MIN_TRUST_MS = 395 * DAY;
/** service-ca minTimeLeftForCert: a serving certificate is regenerated when less than this is left. */
const SERVICE_SERVING_MIN_LEFT_MS = HOUR;
/** OLM DefaultCertMinFresh. */
const OLM_MIN_FRESH_MS = DAY;

export interface ManagerVerdict {
  managedBy: string | null;
  management: Management;
  reason: string;
}

const annotation = (o: KubeObject, key: string): string | undefined => o.metadata.annotations?.[key];
const label = (o: KubeObject, key: string): string | undefined => o.metadata.labels?.[key];

function firstAnnotation(o: KubeObject, keys: string[]): { key: string; value: string } | undefined {
  for (const key of keys) {
    const value = annotation(o, key);
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

/**
 * `openshift-kube-apiserver-operator_aggregator-client-signer@1631625512` names the operator's
 * namespace before the `_`: library-go signers are called `<namespace>_<name>@<unix time>`.
 */
function operatorOfIssuer(issuer: string | undefined): string | undefined {
  if (!issuer) return undefined;
  const m = /^([a-z0-9][a-z0-9-]*)_[^@]+@\d+$/.exec(issuer);
  return m?.[1];
}

/**
 * `certrotation (<who>)`: the owning component, else the operator a signer's name gives, else
 * the signer; plain `certrotation` when the object names none of them.
 */
function certrotationBy(o: KubeObject): string {
  const issuer = annotation(o, ISSUER_ANNOTATION);
  const who =
    annotation(o, OWNING_COMPONENT_ANNOTATION) ??
    operatorOfIssuer(issuer) ??
    (issuer ? `signer ${issuer}` : undefined);
  return who ? `certrotation (${who})` : 'certrotation';
}

/** A manager that renews when less than `minLeftMs` is left: overdue once it is later than that (plus grace). */
function renewedBefore(
  managedBy: string,
  reason: string,
  cert: Pick<CertFacts, 'notAfter'> | undefined,
  now: Date,
  minLeftMs: number,
  rule: string,
): ManagerVerdict {
  if (cert) {
    const deadline = cert.notAfter.getTime() - minLeftMs + ROTATOR_GRACE_MS;
    if (now.getTime() > cert.notAfter.getTime()) {
      return {
        managedBy,
        management: 'overdue',
        reason: `${reason}; it expired ${formatRFC3339(cert.notAfter)} and ${managedBy} did not renew it`,
      };
    }
    if (minLeftMs > 0 && now.getTime() > deadline) {
      return {
        managedBy,
        management: 'overdue',
        reason: `${reason}; ${managedBy} ${rule} and has not renewed it`,
      };
    }
  }
  return { managedBy, management: 'managed', reason };
}

/**
 * Who renews the certificate a Secret holds (`leaf`: the first certificate of its tls.crt, the
 * one its manager renews; undefined when it does not parse).
 */
export function secretManager(
  secret: KubeObject,
  leaf: Pick<CertFacts, 'notAfter'> | undefined,
  ctx: RotationContext,
): ManagerVerdict {
  const { now } = ctx;
  const certManager = annotation(secret, 'cert-manager.io/certificate-name');
  if (certManager !== undefined) {
    const kind = annotation(secret, 'cert-manager.io/issuer-kind');
    const issuer = annotation(secret, 'cert-manager.io/issuer-name');
    const by = issuer ? `cert-manager (${kind ?? 'Issuer'}/${issuer})` : 'cert-manager';
    return renewedBefore(
      by,
      `annotation cert-manager.io/certificate-name=${certManager}`,
      leaf,
      now,
      0,
      'renews before expiry',
    );
  }
  if (leaf && annotation(secret, 'auth.openshift.io/certificate-not-after') !== undefined) {
    const rotation = rotationOf(secret, leaf, ctx);
    const by = certrotationBy(secret);
    const evidence = 'annotations auth.openshift.io/certificate-not-before/-not-after';
    switch (rotation.state) {
      case 'rotated':
        return {
          managedBy: by,
          management: 'managed',
          reason: `${evidence}; renewed by ${formatRFC3339(rotation.refreshBy!)} (80% of its validity)`,
        };
      case 'overdue':
      case 'stale-annotations':
        return { managedBy: by, management: 'overdue', reason: `${evidence}; ${rotation.why}` };
      case 'unmanaged':
        return { managedBy: null, management: 'unmanaged', reason: rotation.why ?? 'nothing rotates it' };
    }
  }
  const service = firstAnnotation(secret, [
    'service.beta.openshift.io/originating-service-name',
    'service.alpha.openshift.io/originating-service-name',
  ]);
  if (service) {
    return renewedBefore(
      'service-ca',
      `annotation ${service.key}=${service.value}`,
      leaf,
      now,
      SERVICE_SERVING_MIN_LEFT_MS,
      'regenerates a serving certificate an hour before it expires',
    );
  }
  if (secret.metadata.namespace === SERVICE_CA_NAMESPACE && secret.metadata.name === SERVICE_CA_SECRET) {
    return renewedBefore(
      'service-ca-operator',
      `the service CA (secret ${SERVICE_CA_NAMESPACE}/${SERVICE_CA_SECRET})`,
      leaf,
      now,
      SERVICE_CA_MIN_TRUST_MS,
      'rotates its CA when less than 395 days are left',
    );
  }
  if (secret.metadata.namespace === OLM_NAMESPACE && secret.metadata.name === OLM_PPROF_SECRET) {
    return renewedBefore(
      'olm (collect-profiles)',
      `the pprof client certificate OLM's collect-profiles CronJob mounts and writes anew every 15 minutes (later releases annotate it ${OWNING_COMPONENT_ANNOTATION})`,
      leaf,
      now,
      0,
      'renews it every 15 minutes',
    );
  }
  const olm = annotation(secret, 'olmcahash') !== undefined ? 'annotation olmcahash' : undefined;
  const olmLabel = label(secret, 'olm.managed') === 'true' ? 'label olm.managed=true' : undefined;
  if (olm ?? olmLabel) {
    return renewedBefore(
      'olm',
      (olm ?? olmLabel)!,
      leaf,
      now,
      OLM_MIN_FRESH_MS,
      'rotates its certificates a day before they expire',
    );
  }
  const type = label(secret, 'auth.openshift.io/managed-certificate-type');
  if (type !== undefined) {
    return renewedBefore(
      certrotationBy(secret),
      `label auth.openshift.io/managed-certificate-type=${type}`,
      leaf,
      now,
      0,
      'renews before expiry',
    );
  }
  const component = annotation(secret, OWNING_COMPONENT_ANNOTATION);
  if (component !== undefined) {
    return renewedBefore(
      component,
      `annotation ${OWNING_COMPONENT_ANNOTATION}=${component}`,
      leaf,
      now,
      0,
      'renews before expiry',
    );
  }
  if (secret.metadata.namespace === MCO_NAMESPACE && secret.metadata.name === MCS_TLS_SECRET) {
    const version = ctx.version;
    return {
      managedBy: null,
      management: 'unmanaged',
      reason:
        version && versionAtLeast(version, '4.19')
          ? ctx.hasMachineSets
            ? 'no auth.openshift.io/certificate-* annotations: the MCO rotator has not taken it over'
            : 'the MCO rotates it only on clusters with MachineSets, and this one has none'
          : `nothing rotates ${MCS_TLS_SECRET} before OpenShift 4.19${version ? ` (this cluster is ${version})` : ''}`,
    };
  }
  return {
    managedBy: null,
    management: 'unmanaged',
    reason: 'no annotation or label of a certificate manager',
  };
}

/**
 * Who maintains a CA bundle ConfigMap. A maintained bundle is managed as a whole: an expired CA
 * left in it (a public root in the trusted bundle) is the maintainer's to drop, not a problem.
 */
export function configMapManager(cm: KubeObject): ManagerVerdict {
  const inject = firstAnnotation(cm, [
    'service.beta.openshift.io/inject-cabundle',
    'service.alpha.openshift.io/inject-cabundle',
  ]);
  if (inject && inject.value.toLowerCase() === 'true') {
    return {
      managedBy: 'service-ca',
      management: 'managed',
      reason: `annotation ${inject.key}=true (the service CA injects service-ca.crt)`,
    };
  }
  if (label(cm, 'config.openshift.io/inject-trusted-cabundle') === 'true') {
    return {
      managedBy: 'cluster-network-operator',
      management: 'managed',
      reason: 'label config.openshift.io/inject-trusted-cabundle=true (the trusted CA bundle is injected)',
    };
  }
  const type = label(cm, 'auth.openshift.io/managed-certificate-type');
  if (type !== undefined) {
    return {
      managedBy: certrotationBy(cm),
      management: 'managed',
      reason: `label auth.openshift.io/managed-certificate-type=${type}`,
    };
  }
  const component = annotation(cm, OWNING_COMPONENT_ANNOTATION);
  if (component !== undefined) {
    return {
      managedBy: component,
      management: 'managed',
      reason: `annotation ${OWNING_COMPONENT_ANNOTATION}=${component}`,
    };
  }
  if (cm.metadata.name === KUBE_ROOT_CA_CONFIGMAP) {
    return {
      managedBy: 'kube-controller-manager',
      management: 'managed',
      reason: `${KUBE_ROOT_CA_CONFIGMAP} is published in every namespace by kube-controller-manager (root-ca-cert-publisher)`,
    };
  }
  return {
    managedBy: null,
    management: 'unmanaged',
    reason: 'no annotation or label of a certificate manager',
  };
}

/**
 * Who keeps the CA of a user-data pointer config current. Before 4.19 nothing does: the pointer
 * trusts the installer's root-ca, which nobody rotates. From 4.19 the MCO's rotation controller
 * does, but only when the cluster has MachineSets, and not for a pointer with several CAs (the
 * rewrite aborts), unless it is a `-managed` secret the MCO renders itself.
 */
export function userDataManager(secret: KubeObject, caSources: number, ctx: RotationContext): ManagerVerdict {
  const version = ctx.version;
  if (secret.metadata.namespace !== MAPI_NAMESPACE) {
    return { managedBy: null, management: 'unmanaged', reason: `not in ${MAPI_NAMESPACE}` };
  }
  if (!version || !versionAtLeast(version, '4.19')) {
    return {
      managedBy: null,
      management: 'unmanaged',
      reason: `nothing rotates a pointer config's CA before OpenShift 4.19${version ? ` (this cluster is ${version})` : ' (the cluster version is unknown)'}`,
    };
  }
  if (!ctx.hasMachineSets) {
    return {
      managedBy: null,
      management: 'unmanaged',
      reason:
        "the MCO rotates the pointer configs' CA only on clusters with MachineSets, and this one has none",
    };
  }
  const managed = /-user-data-managed$/.test(secret.metadata.name);
  if (!managed && caSources > 1) {
    return {
      managedBy: null,
      management: 'unmanaged',
      reason: `it has ${caSources} CAs: the MCO rewrites only a pointer config with one`,
    };
  }
  return {
    managedBy: 'machine-config-operator',
    management: 'managed',
    reason: managed
      ? 'rendered by the MCO from the machine-config-server-ca bundle (4.19+)'
      : 'its CA is rewritten by the MCO cert rotation controller when the MCS CA rotates (4.19+, MachineSets present)',
  };
}

/** Names the real MCO uses (pkg/controller/common/constants.go, manifests/). */
export const MCO_NAMESPACE = 'openshift-machine-config-operator';
export const MAPI_NAMESPACE = 'openshift-machine-api';
export const MCS_NAME = 'machine-config-server';
export const MCS_TLS_SECRET = 'machine-config-server-tls';
export const MCS_CA_NAME = 'machine-config-server-ca';
export const BOOTSTRAP_TOKEN_SECRET = 'node-bootstrapper-token';
export const MCS_APP_LABEL = 'k8s-app';
export const MASTER_ROLE_LABEL = 'node-role.kubernetes.io/master';
export const MANAGED_CA_LABEL = 'machineconfiguration.openshift.io/managed-ca-bundle-derived-from-configmap';
export const CLUSTER_OPERATOR = 'machine-config';

/** library-go certrotation annotations. */
export const NOT_BEFORE_ANNOTATION = 'auth.openshift.io/certificate-not-before';
export const NOT_AFTER_ANNOTATION = 'auth.openshift.io/certificate-not-after';
export const ISSUER_ANNOTATION = 'auth.openshift.io/certificate-issuer';
export const HOSTNAMES_ANNOTATION = 'auth.openshift.io/certificate-hostnames';
export const OWNING_COMPONENT_ANNOTATION = 'openshift.io/owning-component';
export const DESCRIPTION_ANNOTATION = 'openshift.io/description';

/** Operator resync: how soon the operator's sync loop reacts to a change (simulated ms). */
export const OPERATOR_SYNC_MS = 2_000;
/** Kubelet: a changed secret reaches a mounted volume (simulated ms). */
export const SECRET_VOLUME_SYNC_MS = 1_000;
/** Kubelet: first retry of a failed volume mount, doubled up to the cap (nestedpendingoperations). */
export const MOUNT_RETRY_INITIAL_MS = 500;
export const MOUNT_RETRY_MAX_MS = 122_000;
/** Kubelet: CrashLoopBackOff cap. */
export const CRASH_LOOP_MAX_MS = 300_000;
/** MCO waitForDaemonsetRollout timeout: Degraded after this long not ready. */
export const DAEMONSET_ROLLOUT_TIMEOUT_MS = 600_000;
/** library-go certrotation resync. */
export const CERT_ROTATION_RESYNC_MS = 60_000;

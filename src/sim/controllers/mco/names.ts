/** Names the real MCO uses (pkg/controller/common/constants.go, manifests/). */
export {
  HOSTNAMES_ANNOTATION,
  ISSUER_ANNOTATION,
  MANAGED_CA_LABEL,
  MAPI_NAMESPACE,
  MCO_NAMESPACE,
  MCS_APP_LABEL,
  MCS_CA_NAME,
  MCS_NAME,
  MCS_TLS_SECRET,
  NOT_AFTER_ANNOTATION,
  NOT_BEFORE_ANNOTATION,
} from '../../../core/names.js';
export const BOOTSTRAP_TOKEN_SECRET = 'node-bootstrapper-token';
export const MASTER_ROLE_LABEL = 'node-role.kubernetes.io/master';
export const CLUSTER_OPERATOR = 'machine-config';

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

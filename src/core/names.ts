/** Names the real MCO uses (pkg/controller/common/constants.go, manifests/) and library-go's certrotation annotations. */
export const MCO_NAMESPACE = 'openshift-machine-config-operator';
export const MAPI_NAMESPACE = 'openshift-machine-api';
export const MCS_NAME = 'machine-config-server';
export const MCS_TLS_SECRET = 'machine-config-server-tls';
export const MCS_CA_NAME = 'machine-config-server-ca';
export const MCS_APP_LABEL = 'k8s-app';
export const MANAGED_CA_LABEL = 'machineconfiguration.openshift.io/managed-ca-bundle-derived-from-configmap';

export const NOT_BEFORE_ANNOTATION = 'auth.openshift.io/certificate-not-before';
export const NOT_AFTER_ANNOTATION = 'auth.openshift.io/certificate-not-after';
export const ISSUER_ANNOTATION = 'auth.openshift.io/certificate-issuer';
export const HOSTNAMES_ANNOTATION = 'auth.openshift.io/certificate-hostnames';

export const KUBE_SYSTEM_NAMESPACE = 'kube-system';
/** The installer's root CA (configmap kube-system/root-ca, key ca.crt); its private key is not in the cluster. */
export const ROOT_CA_CONFIGMAP = 'root-ca';

/**
 * The `certs` report: every certificate a cluster holds, one row each, and who rotates it. One
 * model, rendered as text (an `oc get` table), JSON, YAML and JUnit. Field names are a public
 * contract (`schemaVersion` 1); new optional fields may be added.
 *
 * A row carries only a certificate's public facts (names, dates, serial, fingerprints): never a
 * key, a token or any other secret value.
 */

/** Where the certificate is kept: a Secret, a ConfigMap (a CA bundle), or a user-data pointer config's CAs. */
export type CertHolderKind = 'Secret' | 'ConfigMap' | 'UserData';

export type CertStatus = 'ok' | 'expiring' | 'expired' | 'not-yet-valid' | 'unparsable';

/**
 * `managed`: something renews it before it expires (an operator, the service CA, cert-manager,
 * or it is a copy of such a certificate). `overdue`: it has a manager, but the manager should
 * already have renewed it and has not (or it has expired): nobody is effectively rotating it.
 * `unmanaged`: nothing in the cluster says who renews it.
 */
export type Management = 'managed' | 'overdue' | 'unmanaged';

export interface CertRow {
  kind: CertHolderKind;
  namespace: string;
  /** The Secret or ConfigMap name (for UserData, the user-data Secret). */
  name: string;
  /** The data key the certificate is in (`tls.crt`, `ca-bundle.crt`, `userData`). */
  key: string;
  /** Position of the certificate in the value (0 is the leaf of a chain, or a bundle's first CA). */
  index: number;
  /** How many certificates the value holds (PEM blocks read). */
  certificatesInValue: number;
  /** For UserData: the JSON path of the CA source (`$.ignition.security.tls.certificateAuthorities[0].source`). */
  path?: string;
  /** RFC 4514-style names as openssl prints them; null when unparsable. */
  subject: string | null;
  issuer: string | null;
  /** RFC 3339. */
  notBefore: string | null;
  notAfter: string | null;
  /** notAfter minus the time judged at, in seconds (negative: expired). */
  expiresInSeconds: number | null;
  serialNumber: string | null;
  fingerprintSha256: string | null;
  isCA: boolean | null;
  dnsNames: string[];
  status: CertStatus;
  /** For `unparsable`: why (Go's crypto/x509 text when it is a parse error). */
  error?: string;
  /** Who renews it, short (`service-ca`, `certrotation (openshift-kube-apiserver-operator)`); null when nobody. */
  managedBy: string | null;
  management: Management;
  /** The evidence for managedBy (the annotation or label read), or why it is overdue or unmanaged. */
  managementReason: string;
  /** When it is managed as a copy: the `namespace/name` of the managed Secret it copies. */
  copyOf?: string;
  /** An unmanaged (or overdue) certificate that is expired or expires within the window: what exit 1 is for. */
  problem: boolean;
}

/** A read that could not be done (RBAC, API error): the rows are incomplete without it. */
export interface CertsUnreadable {
  what: string;
  reason: 'forbidden' | 'not-found' | 'not-collected' | 'error';
  message: string;
  /** For `forbidden`: the rule to grant (`list secrets cluster-wide`). */
  permission?: string;
}

export interface CertsSummary {
  certificates: number;
  managed: number;
  overdue: number;
  unmanaged: number;
  ok: number;
  expiring: number;
  expired: number;
  notYetValid: number;
  unparsable: number;
  problems: number;
}

export interface CertsReport {
  schemaVersion: 1;
  source: {
    kind: 'live' | 'must-gather';
    location: string;
    /** API requests made (live) or files opened (must-gather). */
    requests: number;
    /** List pages read (live: limit/continue requests; must-gather: one per list). */
    pages: number;
    collectedAt: string;
  };
  /** null: every namespace. */
  namespace: string | null;
  /** The time certificates are judged at: now (live), or when the must-gather was collected. */
  at: string;
  /** `--expiring`: a certificate expiring sooner than this is `expiring`. */
  expiringWithinSeconds: number;
  /** `--all-certs`: every certificate of a value, not only its first. */
  allCerts: boolean;
  openshiftVersion: string | null;
  certificates: CertRow[];
  unreadable: CertsUnreadable[];
  /** What could not be checked, in words (a must-gather's redacted user-data). */
  notes: string[];
  summary: CertsSummary;
  /** `problem`: an unmanaged certificate expired or expiring; `inconclusive`: none, but a read failed. */
  verdict: 'ok' | 'problem' | 'inconclusive';
  exitCode: 0 | 1 | 4;
}

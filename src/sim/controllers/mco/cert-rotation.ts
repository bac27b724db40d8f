/**
 * 4.19's certrotation controller in machine-config-controller (pkg/controller/certrotation with
 * library-go certrotation): the MCS signing CA secret and CA bundle configmap
 * `machine-config-server-ca`, the serving cert secret `machine-config-server-tls`, and the CA
 * in every unmanaged `*-user-data` secret in openshift-machine-api. Enabled only when
 * MachineSets exist when the controller starts.
 */
import type { SimContext } from '../../context.js';
import type { StoreChange } from '../../kube/store.js';
import type { KubeObject } from '../../kube/types.js';
import { parseCertificates } from '../../../pki/parse.js';
import {
  mintServingCert,
  mintSigningCa,
  sortedHostnames,
  type MintedPair,
} from '../../../openshift/mcs-cert-mint.js';
import { Debounced, encodeData, getConfigMap, getSecret, secretData, type Scheduler } from './kube-util.js';
import {
  CERT_ROTATION_RESYNC_MS,
  DESCRIPTION_ANNOTATION,
  HOSTNAMES_ANNOTATION,
  ISSUER_ANNOTATION,
  MANAGED_CA_LABEL,
  MAPI_NAMESPACE,
  MCO_NAMESPACE,
  MCS_CA_NAME,
  MCS_TLS_SECRET,
  NOT_AFTER_ANNOTATION,
  NOT_BEFORE_ANNOTATION,
  OWNING_COMPONENT_ANNOTATION,
} from './names.js';
import type { KlogWriter } from './operator-pods.js';
import { caDataUrl, goMarshal } from './pointer.js';

const SRC = 'certrotation_controller.go';
const JIRA = 'Machine Config Operator';
const DESCRIPTIONS = {
  ca: 'CA used to sign the MachineConfigServer TLS certificate',
  bundle: 'CA bundle that stores all valid CAs for the MachineConfigServer TLS certificate',
  target: 'Secret containing the MachineConfigServer TLS certificate and key',
};
const TLS_TYPE = 'kubernetes.io/tls';

function rfc3339(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** library-go needNewSigningCertKeyPair / needNewTargetCertKeyPairForTime (10y validity, 8y refresh). */
export function validityReason(annotations: Record<string, string> | undefined, now: Date): string {
  const a = annotations ?? {};
  const notAfterText = a[NOT_AFTER_ANNOTATION];
  if (!notAfterText) return 'missing notAfter';
  const notAfter = new Date(notAfterText);
  if (Number.isNaN(notAfter.getTime())) return `bad expiry: "${notAfterText}"`;
  const notBeforeText = a[NOT_BEFORE_ANNOTATION] ?? '';
  const notBefore = new Date(notBeforeText);
  if (Number.isNaN(notBefore.getTime())) return `bad expiry: "${notBeforeText}"`;
  if (now > notAfter) return 'already expired';
  const at80 = new Date(notAfter.getTime() - (notAfter.getTime() - notBefore.getTime()) / 5);
  if (now > at80) return `past refresh time (80% of validity): ${at80.toISOString()}`;
  const refresh = new Date(notBefore.getTime() + 8 * 365 * 24 * 3600 * 1000);
  if (now > refresh) return `past its refresh time ${refresh.toISOString()}`;
  return '';
}

function tlsAnnotations(pair: MintedPair, description: string): Record<string, string> {
  return {
    [NOT_AFTER_ANNOTATION]: rfc3339(pair.notAfter),
    [NOT_BEFORE_ANNOTATION]: rfc3339(pair.notBefore),
    [ISSUER_ANNOTATION]: pair.issuerCommonName,
    [OWNING_COMPONENT_ANNOTATION]: JIRA,
    [DESCRIPTION_ANNOTATION]: description,
  };
}

/** Go's %w of a nil error. */
const NIL_W = '%!w(<nil>)';

export class CertRotation {
  private enabled = false;
  private readonly sync: Debounced;
  private readonly userData: Debounced;
  private hostnames: string[] = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly scheduler: Scheduler,
    private readonly log: KlogWriter,
  ) {
    this.sync = new Debounced(scheduler, 100, () => this.rotate());
    this.userData = new Debounced(scheduler, 100, () => this.reconcileUserDataSecrets());
  }

  get active(): boolean {
    return this.enabled;
  }

  /** New() + Run(): decides once whether the rotator runs, then PreFlightChecks and the first sync. */
  start(): () => void {
    const s = this.ctx.store;
    const machineSets = s.list(s.type('machinesets', 'machine.openshift.io'), {
      namespace: MAPI_NAMESPACE,
    }).items;
    if (machineSets.length > 0) {
      this.log('I', `${SRC}:171`, 'Adding MCS CA/TLS cert rotator');
      this.enabled = true;
    } else {
      this.log('I', `${SRC}:174`, 'MCS CA/TLS cert rotator not added');
    }
    this.log('I', `${SRC}:193`, 'Starting machineconfigcontroller-certrotationcontroller');
    if (!this.enabled) {
      this.log('I', `${SRC}:199`, 'No cert rotators needed, shutting down');
      return () => {};
    }
    this.preFlightChecks();
    this.syncHostnames();
    const off = s.onChange((change) => this.onStoreChange(change));
    const tick = (): void => {
      this.sync.trigger();
      this.scheduler.after(CERT_ROTATION_RESYNC_MS, tick);
    };
    tick();
    return off;
  }

  async idle(): Promise<void> {
    await this.sync.idle();
    await this.userData.idle();
  }

  private preFlightChecks(): void {
    const s = this.ctx.store;
    const secrets = s.type('secrets', '');
    const current = s.get(secrets, MCO_NAMESPACE, MCS_TLS_SECRET);
    if (!current) {
      this.log('E', 'runtime.go:221', `cannot get MCS TLS secret: secrets "${MCS_TLS_SECRET}" not found`);
      return;
    }
    if (current.type === TLS_TYPE) return;
    this.log('I', `${SRC}:280`, `Migration to ${TLS_TYPE} for ${MCS_TLS_SECRET} required`);
    s.delete(secrets, MCO_NAMESPACE, MCS_TLS_SECRET);
    s.create(secrets, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: MCS_TLS_SECRET, namespace: MCO_NAMESPACE },
      data: structuredClone(current.data ?? {}),
      type: TLS_TYPE,
    });
    this.log('I', `${SRC}:300`, `Migration to ${TLS_TYPE} for ${MCS_TLS_SECRET} successful`);
  }

  private syncHostnames(): void {
    const s = this.ctx.store;
    const infra = s.get(s.type('infrastructures', 'config.openshift.io'), undefined, 'cluster');
    const status = (infra?.status ?? {}) as {
      apiServerInternalURI?: string;
      platformStatus?: { baremetal?: { apiServerInternalIPs?: string[] } };
    };
    if (!status.apiServerInternalURI) {
      this.log(
        'E',
        'runtime.go:221',
        'key failed with : no APIServerInternalURL found in cluster infrastructure resource',
      );
      return;
    }
    const hostnames = [
      new URL(status.apiServerInternalURI).hostname,
      ...(status.platformStatus?.baremetal?.apiServerInternalIPs ?? []),
    ];
    if (JSON.stringify(hostnames) === JSON.stringify(this.hostnames)) return;
    this.hostnames = hostnames;
    this.log('I', 'hostnames.go:44', `syncing hostnames: [${hostnames.join(' ')}]`);
  }

  private onStoreChange({ type, event }: StoreChange): void {
    const obj = event.object;
    const ns = obj.metadata.namespace;
    if (type.plural === 'infrastructures') {
      this.syncHostnames();
      this.sync.trigger();
      return;
    }
    if (ns === MCO_NAMESPACE && (type.plural === 'secrets' || type.plural === 'configmaps')) {
      if (obj.metadata.name === MCS_CA_NAME || obj.metadata.name === MCS_TLS_SECRET) this.sync.trigger();
      if (type.plural === 'configmaps' && obj.metadata.name === MCS_CA_NAME && event.type !== 'DELETED') {
        this.log(
          'I',
          `${SRC}:${event.type === 'ADDED' ? 329 : 352}`,
          `configMap ${MCS_CA_NAME} ${event.type === 'ADDED' ? 'added' : 'updated'}, reconciling all user data secrets`,
        );
        this.userData.trigger();
      }
      return;
    }
    if (ns === MAPI_NAMESPACE && type.plural === 'secrets' && event.type !== 'DELETED') {
      if (!this.isUserDataSecret(obj)) return;
      this.log(
        'I',
        `${SRC}:${event.type === 'ADDED' ? 368 : 388}`,
        `secret ${obj.metadata.name} ${event.type === 'ADDED' ? 'added' : 'updated'}, ensuring CA is up to date`,
      );
      // The add/update handlers drop reconcileSecret's error.
      this.scheduler.after(0, () => {
        try {
          this.reconcileSecret(obj.metadata.name);
        } catch {
          // dropped, as in the Go handler
        }
      });
    }
  }

  private isUserDataSecret(secret: KubeObject): boolean {
    if (secret.metadata.labels?.[MANAGED_CA_LABEL] !== undefined) return false;
    const userData = secretData(secret)?.get('userData');
    if (!userData) return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(userData.toString('utf8'));
    } catch (err) {
      this.log(
        'E',
        'helpers.go:31',
        `failed to unmarshal decoded user-data to json (secret ${secret.metadata.name}): ${goJsonError(err, userData)}, skipping secret`,
      );
      return false;
    }
    const ign = (parsed as Record<string, unknown> | null)?.ignition;
    if (!ign || typeof ign !== 'object' || Array.isArray(ign)) {
      this.log(
        'I',
        'helpers.go:38',
        `Unable to find ignition in user-data, skipping secret ${secret.metadata.name}`,
      );
      return false;
    }
    return true;
  }

  private reconcileUserDataSecrets(): void {
    const s = this.ctx.store;
    for (const secret of s.list(s.type('secrets', ''), { namespace: MAPI_NAMESPACE }).items) {
      if (!this.isUserDataSecret(secret)) continue;
      try {
        this.reconcileSecret(secret.metadata.name);
      } catch (err) {
        this.log(
          'E',
          `${SRC}:414`,
          `error reconciling secret: ${secret.metadata.name} ${(err as Error).message}`,
        );
      }
    }
  }

  /** reconcileSecret: the CA bundle replaces certificateAuthorities[0].source, unless there are several CAs. */
  private reconcileSecret(name: string): void {
    const s = this.ctx.store;
    const secret = getSecret(s, MAPI_NAMESPACE, name);
    if (!secret) return;
    const cm = getConfigMap(s, MCO_NAMESPACE, MCS_CA_NAME);
    if (!cm) throw new Error(`cannot read MCS CA bundle configmap: configmaps "${MCS_CA_NAME}" not found`);
    const bundle = ((cm.data ?? {}) as Record<string, string>)['ca-bundle.crt'];
    if (bundle === undefined) throw new Error(`could not find MCS CA bundle at ${MCS_CA_NAME}`);
    const userData = secretData(secret)?.get('userData') ?? Buffer.alloc(0);
    let ign: Record<string, unknown>;
    try {
      ign = JSON.parse(userData.toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new Error(
        `failed to unmarshal decoded user-data to json (secret ${name}): ${goJsonError(err, userData)}, skipping secret`,
      );
    }
    const cas = (
      ((ign.ignition as Record<string, unknown> | undefined)?.security as Record<string, unknown> | undefined)
        ?.tls as Record<string, unknown> | undefined
    )?.certificateAuthorities;
    if (!Array.isArray(cas) || cas.length === 0) {
      throw new Error(`failed to find certificateauthorities field in ignition (secret ${name}): ${NIL_W}`);
    }
    if (cas.length > 1) throw new Error('additional CAs detected, cannot modify automatically. Aborting');
    (cas[0] as Record<string, unknown>).source = caDataUrl(bundle);
    const updated = goMarshal(ign);
    if (updated === userData.toString('utf8')) return;
    s.mutate(s.type('secrets', ''), MAPI_NAMESPACE, name, (sec) => {
      sec.data = {
        ...((sec.data ?? {}) as Record<string, string>),
        userData: Buffer.from(updated).toString('base64'),
      };
    });
    // The Go format string ends with " \n": klog keeps the trailing space.
    this.log('I', `${SRC}:470`, `Successfully modified ${name} secret `);
  }

  /** One pass of the three library-go controllers: signer, bundle, target. */
  private async rotate(): Promise<void> {
    if (!this.enabled || !this.scheduler.active) return;
    const s = this.ctx.store;
    const secrets = s.type('secrets', '');
    const configmaps = s.type('configmaps', '');
    const now = this.ctx.clock.now();

    // Signer.
    let caSecret = s.get(secrets, MCO_NAMESPACE, MCS_CA_NAME);
    const caReason = caSecret ? validityReason(caSecret.metadata.annotations, now) : "secret doesn't exist";
    let signer = caSecret ? secretData(caSecret) : undefined;
    let signerRotated = false;
    if (caReason || !signer?.get('tls.crt') || !signer.get('tls.key')) {
      const ca = await mintSigningCa(
        `${MCO_NAMESPACE}_${MCS_CA_NAME}@${Math.floor(now.getTime() / 1000)}`,
        now,
      );
      if (!this.scheduler.active) return;
      const body: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: MCS_CA_NAME,
          namespace: MCO_NAMESPACE,
          annotations: { ...(caSecret?.metadata.annotations ?? {}), ...tlsAnnotations(ca, DESCRIPTIONS.ca) },
        },
        type: TLS_TYPE,
        data: encodeData({ 'tls.crt': ca.certPem, 'tls.key': ca.keyPem }),
      };
      caSecret = caSecret
        ? s.mutate(secrets, MCO_NAMESPACE, MCS_CA_NAME, (o) => ({
            ...o,
            ...body,
            metadata: { ...o.metadata, ...body.metadata },
          }))
        : s.create(secrets, body);
      signer = secretData(caSecret);
      signerRotated = true;
    }
    const signerCertPem = signer?.get('tls.crt')?.toString('utf8') ?? '';
    const signerKeyPem = signer?.get('tls.key')?.toString('utf8') ?? '';
    const signerCert = parseCertificates(signerCertPem, MCS_CA_NAME)[0];
    if (!signerCert) return;

    // CA bundle: the current signer first, expired ones dropped, duplicates removed.
    const cm = getConfigMap(s, MCO_NAMESPACE, MCS_CA_NAME);
    const bundleText = ((cm?.data ?? {}) as Record<string, string>)['ca-bundle.crt'] ?? '';
    let existing: ReturnType<typeof parseCertificates> = [];
    try {
      existing = bundleText.trim() ? parseCertificates(bundleText, 'ca-bundle.crt') : [];
    } catch {
      existing = [];
    }
    const bundle = [signerCert, ...existing].filter(
      (c, i, all) => c.notAfter > now && all.findIndex((d) => d.der.equals(c.der)) === i,
    );
    const bundlePem = bundle.map((c) => (c.pem.endsWith('\n') ? c.pem : `${c.pem}\n`)).join('');
    if (bundlePem !== bundleText) {
      const data = { 'ca-bundle.crt': bundlePem };
      const annotations = {
        [OWNING_COMPONENT_ANNOTATION]: JIRA,
        [DESCRIPTION_ANNOTATION]: DESCRIPTIONS.bundle,
      };
      if (cm) {
        s.mutate(configmaps, MCO_NAMESPACE, MCS_CA_NAME, (o) => {
          o.data = data;
          o.metadata.annotations = { ...(o.metadata.annotations ?? {}), ...annotations };
        });
      } else {
        s.create(configmaps, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: MCS_CA_NAME, namespace: MCO_NAMESPACE, annotations },
          data,
        });
      }
    }

    // Target serving cert.
    const target = s.get(secrets, MCO_NAMESPACE, MCS_TLS_SECRET);
    let reason = target ? validityReason(target.metadata.annotations, now) : "secret doesn't exist";
    if (!reason && target) {
      const issuer = target.metadata.annotations?.[ISSUER_ANNOTATION];
      if (!issuer) reason = 'missing issuer name';
      else if (!bundle.some((c) => c.subjectCommonName === issuer))
        reason = `issuer "${issuer}", not in ca bundle`;
    }
    const required = sortedHostnames(this.hostnames);
    if (!reason && target) {
      const have = sortedHostnames((target.metadata.annotations?.[HOSTNAMES_ANNOTATION] ?? '').split(','));
      if (have.join(',') !== required.join(',')) reason = 'hostnames changed';
    }
    if (!reason && !signerRotated) return;
    if (!reason) return;
    if (required.length === 0) return;
    const cert = await mintServingCert({ certPem: signerCertPem, keyPem: signerKeyPem }, required, now);
    if (!this.scheduler.active) return;
    const annotations = {
      ...(target?.metadata.annotations ?? {}),
      ...tlsAnnotations(cert, DESCRIPTIONS.target),
      [HOSTNAMES_ANNOTATION]: cert.hostnames.join(','),
    };
    const data = encodeData({ 'tls.crt': cert.certPem, 'tls.key': cert.keyPem });
    if (target) {
      s.mutate(secrets, MCO_NAMESPACE, MCS_TLS_SECRET, (o) => {
        o.type = TLS_TYPE;
        o.data = data;
        o.metadata.annotations = annotations;
      });
    } else {
      s.create(secrets, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: MCS_TLS_SECRET, namespace: MCO_NAMESPACE, annotations },
        type: TLS_TYPE,
        data,
      });
    }
  }
}

/** encoding/json's syntax error text for the first offending byte (the common cases). */
function goJsonError(_err: unknown, input: Buffer): string {
  const text = input.toString('utf8').trim();
  if (text === '') return 'unexpected end of JSON input';
  const first = text[0] ?? '';
  if (!'{["-0123456789tfn'.includes(first))
    return `invalid character '${first}' looking for beginning of value`;
  return 'unexpected end of JSON input';
}

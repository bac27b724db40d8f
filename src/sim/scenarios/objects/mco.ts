/**
 * The Machine Config Operator's side: the MCS DaemonSet (its pods are the MCO controller's job),
 * the serving secret, the CA objects, the bootstrap token, root-ca, pools and MachineConfigs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KubeObject } from '../../kube/types.js';
import { renderedConfigName } from '../../mcs/ignition-config.js';
import type { SimNetwork } from '../../network.js';
import { versionAtLeast, type OpenShiftVersion } from '../../seed.js';
import { joinPem, rotatedMcsHostnames, type ScenarioPki } from '../pki.js';
import { b64, iso, MCO_NS, meta } from './meta.js';

const CERT_NOT_BEFORE = 'auth.openshift.io/certificate-not-before';
const CERT_NOT_AFTER = 'auth.openshift.io/certificate-not-after';
const MCO_IMAGE =
  'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:5e1b8c0a9f3d7e2b4c6a8e0f2d4b6a8c0e2f4d6b8a0c2e4f6d8b0a2c4e6f8d0b';

export function apiServerInternalUrl(network: SimNetwork): string {
  return `https://${network.apiIntName}:${network.apiPort}`;
}

export function mcsDaemonSet(network: SimNetwork, created: Date, masters: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('machine-config-server', created, {
      namespace: MCO_NS,
      annotations: { 'deprecated.daemonset.template.generation': '1' },
      generation: 1,
    }),
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: { 'k8s-app': 'machine-config-server' } },
      template: {
        metadata: {
          annotations: {
            'openshift.io/required-scc': 'hostnetwork',
            'target.workload.openshift.io/management': '{"effect": "PreferredDuringScheduling"}',
          },
          creationTimestamp: null,
          labels: { 'k8s-app': 'machine-config-server' },
          name: 'machine-config-server',
        },
        spec: {
          containers: [
            {
              // --cert and --key are left at their defaults, /etc/ssl/mcs/tls.{crt,key}, as the manifest does.
              args: ['start', `--apiserver-url=${apiServerInternalUrl(network)}`],
              command: ['/usr/bin/machine-config-server'],
              image: MCO_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              name: 'machine-config-server',
              ports: [
                { containerPort: network.mcsPort, hostPort: network.mcsPort, name: 'https', protocol: 'TCP' },
                {
                  containerPort: network.mcsInsecurePort,
                  hostPort: network.mcsInsecurePort,
                  name: 'http',
                  protocol: 'TCP',
                },
              ],
              resources: { requests: { cpu: '20m', memory: '50Mi' } },
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'FallbackToLogsOnError',
              volumeMounts: [
                { mountPath: '/etc/ssl/mcs', name: 'certs' },
                { mountPath: '/etc/mcs/bootstrap-token', name: 'node-bootstrap-token' },
              ],
            },
          ],
          dnsPolicy: 'ClusterFirst',
          hostNetwork: true,
          nodeSelector: { 'node-role.kubernetes.io/master': '' },
          priorityClassName: 'system-cluster-critical',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          serviceAccount: 'machine-config-server',
          serviceAccountName: 'machine-config-server',
          terminationGracePeriodSeconds: 30,
          tolerations: [
            { effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Exists' },
            { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
            { effect: 'NoSchedule', key: 'node-role.kubernetes.io/etcd', operator: 'Exists' },
          ],
          volumes: [
            {
              name: 'node-bootstrap-token',
              secret: { defaultMode: 420, secretName: 'node-bootstrapper-token' },
            },
            { name: 'certs', secret: { defaultMode: 420, secretName: 'machine-config-server-tls' } },
          ],
        },
      },
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
    status: {
      currentNumberScheduled: masters,
      desiredNumberScheduled: masters,
      numberAvailable: masters,
      numberMisscheduled: 0,
      numberReady: masters,
      observedGeneration: 1,
      updatedNumberScheduled: masters,
    },
  };
}

export function mcsService(network: SimNetwork, created: Date): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('machine-config-server', created, {
      namespace: MCO_NS,
      labels: { 'k8s-app': 'machine-config-server' },
    }),
    spec: {
      clusterIP: '172.30.71.105',
      clusterIPs: ['172.30.71.105'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [
        { name: 'https', port: network.mcsPort, protocol: 'TCP', targetPort: network.mcsPort },
        { name: 'http', port: network.mcsInsecurePort, protocol: 'TCP', targetPort: network.mcsInsecurePort },
      ],
      selector: { 'k8s-app': 'machine-config-server' },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

function certAnnotations(pki: ScenarioPki, which: 'ca' | 'serving'): Record<string, string> {
  const cert = which === 'ca' ? pki.mcsCa?.cert : pki.serving.cert;
  if (!cert) return {};
  return {
    [CERT_NOT_AFTER]: iso(cert.notAfter),
    [CERT_NOT_BEFORE]: iso(cert.notBefore),
    ...(which === 'serving' && pki.mcsCa
      ? {
          'auth.openshift.io/certificate-issuer': pki.mcsCa.cert.subject.replace(/^CN=/, ''),
        }
      : {}),
  };
}

/** `machine-config-server-tls`: Opaque from the installer's bootkube template, kubernetes.io/tls from library-go. */
export function mcsTlsSecret(pki: ScenarioPki, network: SimNetwork, written: Date): KubeObject {
  const libraryGo = pki.tlsSecretWriter === 'library-go';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta('machine-config-server-tls', written, {
      namespace: MCO_NS,
      ...(libraryGo
        ? {
            annotations: {
              ...certAnnotations(pki, 'serving'),
              'auth.openshift.io/certificate-hostnames': rotatedMcsHostnames(network).join(','),
            },
          }
        : {}),
    }),
    data: { 'tls.crt': b64(pki.servingCertPem), 'tls.key': b64(pki.servingKeyPem) },
    type: libraryGo ? 'kubernetes.io/tls' : 'Opaque',
  };
}

/** Secret and configmap `machine-config-server-ca` (installer PR #9309 shape / library-go signer). */
export function mcsCaObjects(pki: ScenarioPki, written: Date): KubeObject[] {
  if (!pki.mcsCa) return [];
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta('machine-config-server-ca', written, {
        namespace: MCO_NS,
        annotations: certAnnotations(pki, 'ca'),
      }),
      data: { 'tls.crt': b64(pki.mcsCa.certPem), 'tls.key': b64(pki.mcsCa.keyPem) },
      type: 'kubernetes.io/tls',
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta('machine-config-server-ca', written, { namespace: MCO_NS }),
      data: { 'ca-bundle.crt': joinPem(pki.mcsCaBundle ?? [pki.mcsCa.certPem]) },
    },
  ];
}

/** A service-account token shaped like the real JWT (header.claims.signature); never a credential anywhere. */
function serviceAccountToken(namespace: string, serviceAccount: string, uid: string): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return [
    enc({ alg: 'RS256', kid: randomBytes(16).toString('base64url') }),
    enc({
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': namespace,
      'kubernetes.io/serviceaccount/secret.name': `${serviceAccount}-token`,
      'kubernetes.io/serviceaccount/service-account.name': serviceAccount,
      'kubernetes.io/serviceaccount/service-account.uid': uid,
      sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
    }),
    randomBytes(256).toString('base64url'),
  ].join('.');
}

export function nodeBootstrapperToken(
  pki: ScenarioPki,
  created: Date,
): { secret: KubeObject; token: string } {
  const saUid = meta('x', created).uid ?? '';
  const token = serviceAccountToken(MCO_NS, 'node-bootstrapper', saUid);
  return {
    token,
    secret: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta('node-bootstrapper-token', created, {
        namespace: MCO_NS,
        annotations: {
          'kubernetes.io/service-account.name': 'node-bootstrapper',
          'kubernetes.io/service-account.uid': saUid,
        },
      }),
      data: {
        'ca.crt': b64(pki.kubeCa.certPem),
        namespace: b64(MCO_NS),
        'service-ca.crt': b64(pki.kubeCa.certPem),
        token: b64(token),
      },
      type: 'kubernetes.io/service-account-token',
    },
  };
}

/** kube-system/root-ca: the installer's root CA, which pre-4.19 managed user-data embeds. */
export function rootCaConfigMap(caPem: string, created: Date): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('root-ca', created, { namespace: 'kube-system' }),
    data: { 'ca.crt': caPem },
  };
}

const SOURCES = (pool: string): string[] => [
  `00-${pool}`,
  `01-${pool}-container-runtime`,
  `01-${pool}-kubelet`,
  `97-${pool}-generated-kubelet`,
  `98-${pool}-generated-kubelet`,
  `99-${pool}-generated-registries`,
  `99-${pool}-ssh`,
];

export interface PoolPlan {
  pool: 'master' | 'worker';
  /** The rendered config every node of the pool runs (status.configuration). */
  rendered: string;
  machineCount: number;
  /** Nodes of the pool that are not Ready (the node controller counts them unavailable). */
  notReady?: number;
  /**
   * The render controller cannot render the pool (an invalid MachineConfig): RenderDegraded and
   * Degraded True with this message (render_controller.go syncFailingStatus).
   */
  renderDegraded?: string;
  /**
   * The pool is paused (spec.paused) after a new MachineConfig: the render controller put the new
   * rendered config in spec, the node controller (calculateStatus, node/status.go) keeps
   * status.configuration on `rendered` while no node runs the new one: updatedMachineCount 0,
   * Updated False, Updating False "Pool is paused; will not update to <new>".
   */
  pausedBefore?: { rendered: string; source: string };
}

export function renderedNames(
  network: SimNetwork,
  bootstrapToken: string,
  kubeCaPem: string,
): { master: string; worker: string } {
  const content = {
    apiServerInternalUrl: apiServerInternalUrl(network),
    bootstrapToken,
    kubeApiServerCaPem: kubeCaPem,
  };
  return { master: renderedConfigName('master', content), worker: renderedConfigName('worker', content) };
}

export function machineConfigPool(plan: PoolPlan, created: Date, updatedAt: Date): KubeObject {
  const { pool } = plan;
  const ref = (name: string) => ({
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    name,
  });
  const configuration = { name: plan.rendered, source: SOURCES(pool).map(ref) };
  const paused = plan.pausedBefore;
  const specConfiguration = paused
    ? { name: paused.rendered, source: [...SOURCES(pool), paused.source].sort().map(ref) }
    : configuration;
  const notReady = plan.notReady ?? 0;
  const updated = paused ? 0 : plan.machineCount;
  const t = iso(updatedAt);
  const cond = (type: string, status: string, message = '', reason = ''): Record<string, string> => ({
    lastTransitionTime: t,
    message,
    reason,
    status,
    type,
  });
  const renderDegraded = plan.renderDegraded;
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: meta(pool, created, {
      generation: 3,
      labels: {
        'machineconfiguration.openshift.io/mco-built-in': '',
        [`pools.operator.machineconfiguration.openshift.io/${pool}`]: '',
        ...(pool === 'master'
          ? { 'operator.machineconfiguration.openshift.io/required-for-upgrade': '' }
          : {}),
      },
    }),
    spec: {
      configuration: specConfiguration,
      machineConfigSelector: { matchLabels: { 'machineconfiguration.openshift.io/role': pool } },
      maxUnavailable: 1,
      nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${pool}`]: '' } },
      paused: paused !== undefined,
    },
    status: {
      certExpirys: [],
      conditions: [
        renderDegraded
          ? cond('RenderDegraded', 'True', renderDegraded, 'RenderDegraded')
          : cond('RenderDegraded', 'False'),
        cond('NodeDegraded', 'False'),
        renderDegraded
          ? cond('Degraded', 'True', renderDegraded, 'RenderDegraded')
          : cond('Degraded', 'False'),
        ...(paused || notReady > 0
          ? [
              cond('Updated', 'False'),
              cond(
                'Updating',
                paused ? 'False' : 'True',
                paused
                  ? `Pool is paused; will not update to ${paused.rendered}`
                  : `All nodes are updating to MachineConfig ${plan.rendered}`,
              ),
            ]
          : [
              cond('Updated', 'True', `All nodes are updated with MachineConfig ${plan.rendered}`),
              cond('Updating', 'False'),
            ]),
      ],
      configuration,
      degradedMachineCount: 0,
      machineCount: plan.machineCount,
      observedGeneration: 3,
      // getReadyMachines: updated to the spec's config and Ready; unavailable: not Ready.
      readyMachineCount: paused ? 0 : plan.machineCount - notReady,
      unavailableMachineCount: notReady,
      updatedMachineCount: updated,
    },
  };
}

function machineConfig(
  name: string,
  pool: string,
  created: Date,
  config: Record<string, unknown>,
  extra: { generatedBy?: string; owner?: KubeObject } = {},
): KubeObject {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    metadata: meta(name, created, {
      generation: 1,
      labels: { 'machineconfiguration.openshift.io/role': pool },
      ...(extra.generatedBy
        ? {
            annotations: {
              'machineconfiguration.openshift.io/generated-by-controller-version': extra.generatedBy,
            },
          }
        : {}),
    }),
    spec: {
      config,
      extensions: [],
      fips: false,
      kernelArguments: [],
      kernelType: '',
      osImageURL: '',
    },
  };
}

/** A few MachineConfigs per pool: the template, the ssh key, and the rendered config the pool points at. */
export function machineConfigs(
  rendered: { master: string; worker: string },
  created: Date,
  version: OpenShiftVersion,
): KubeObject[] {
  const sshKey = `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${randomBytes(32).toString('base64').slice(0, 43)} admin@sim`;
  const spec = versionAtLeast(version, '4.16') ? '3.4.0' : '3.2.0';
  const out: KubeObject[] = [];
  for (const pool of ['master', 'worker'] as const) {
    const files = [
      {
        contents: { source: `data:,${encodeURIComponent(`${pool}\n`)}` },
        mode: 420,
        overwrite: true,
        path: '/etc/node-role',
      },
    ];
    out.push(
      machineConfig(
        `00-${pool}`,
        pool,
        created,
        { ignition: { version: spec }, storage: { files } },
        {
          generatedBy: 'controller',
        },
      ),
      machineConfig(`99-${pool}-ssh`, pool, created, {
        ignition: { version: '3.2.0' },
        passwd: { users: [{ name: 'core', sshAuthorizedKeys: [sshKey] }] },
      }),
      machineConfig(
        rendered[pool],
        pool,
        created,
        {
          ignition: { version: spec },
          passwd: { users: [{ name: 'core', sshAuthorizedKeys: [sshKey] }] },
          storage: { files },
        },
        { generatedBy: 'controller' },
      ),
    );
  }
  return out;
}

/**
 * A MachineConfig added while the pool is paused (the admin's chrony settings) and the rendered
 * config the render controller made from it: `rendered-<pool>-` and a hash of the content, as
 * getMachineConfigHashedName names it.
 */
export function pausedUpdateConfigs(
  pool: 'worker' | 'master',
  oldRendered: string,
  created: Date,
  version: OpenShiftVersion,
): { source: string; rendered: string; objects: KubeObject[] } {
  const source = `99-${pool}-chrony`;
  const chrony = 'server ntp.example.test iburst\ndriftfile /var/lib/chrony/drift\nmakestep 1.0 3\nrtcsync\n';
  const files = [
    {
      contents: { source: `data:,${encodeURIComponent(chrony)}` },
      mode: 420,
      overwrite: true,
      path: '/etc/chrony.conf',
    },
  ];
  const hash = createHash('md5').update(`${oldRendered}\n${source}\n${chrony}`).digest('hex');
  const rendered = `rendered-${pool}-${hash}`;
  const spec = versionAtLeast(version, '4.16') ? '3.4.0' : '3.2.0';
  return {
    source,
    rendered,
    objects: [
      machineConfig(source, pool, created, { ignition: { version: '3.2.0' }, storage: { files } }),
      machineConfig(
        rendered,
        pool,
        created,
        { ignition: { version: spec }, storage: { files } },
        {
          generatedBy: 'controller',
        },
      ),
    ],
  };
}

/**
 * ConfigMap `coreos-bootimages`: the boot images the installer's release ships, as the MCO
 * publishes them (`stream`: the CoreOS stream metadata, `releaseVersion`). New hosts boot the
 * `metal` artifact of this stream; its release names the RHCOS build, hence its Ignition.
 */
export function coreosBootImages(
  version: OpenShiftVersion,
  releaseVersion: string,
  rhcosRelease: string,
  created: Date,
): KubeObject {
  const artifact = (format: string): Record<string, unknown> => ({
    disk: {
      location: `https://rhcos.mirror.openshift.com/art/storage/prod/streams/${version}/builds/${rhcosRelease}/x86_64/rhcos-${rhcosRelease}-metal.x86_64.${format}`,
      sha256: createHash('sha256').update(`${rhcosRelease} ${format}`).digest('hex'),
    },
  });
  const stream = {
    stream: `rhcos-${version}`,
    metadata: { 'last-modified': iso(created), generator: 'plume cosa2stream 0.16.0+dev' },
    architectures: {
      x86_64: {
        artifacts: {
          metal: {
            release: rhcosRelease,
            formats: { iso: artifact('iso'), 'raw.gz': artifact('raw.gz') },
          },
        },
      },
    },
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta('coreos-bootimages', created, {
      namespace: MCO_NS,
      annotations: { 'include.release.openshift.io/self-managed-high-availability': 'true' },
    }),
    data: { releaseVersion, stream: JSON.stringify(stream, null, 2) },
  };
}

/** A MachineConfig an administrator applied to a pool (labelled with its role), as `oc apply` leaves it. */
export function adminMachineConfig(
  name: string,
  pool: string,
  created: Date,
  config: Record<string, unknown>,
): KubeObject {
  return machineConfig(name, pool, created, config);
}

/**
 * manifests/exporter as an administrator applies it: rendered by real kubectl's kustomize,
 * sent with real `kubectl apply --dry-run=server -k` to the simulated cluster (which serves the
 * RBAC, apps, networking and monitoring.coreos.com types), then applied for real and again
 * (unchanged); the pod meets OpenShift's restricted-v2 SCC and the restricted Pod Security
 * Standard; the dashboard ConfigMap carries the dashboard.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import { kubectl, SPEED } from '../helpers/fix.js';
import { MANIFESTS } from '../helpers/exporter.js';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

async function rendered(): Promise<Obj[]> {
  const { stdout } = await kubectl(['kustomize', MANIFESTS]);
  return YAML.parseAllDocuments(stdout).map((d) => d.toJSON() as Obj);
}

type Container = {
  name: string;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    runAsUser?: number;
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { add?: string[]; drop?: string[] };
    seccompProfile?: { type: string };
  };
  ports?: Array<{ containerPort: number; hostPort?: number }>;
};
type PodSpec = {
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: { runAsUser?: number; runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<Record<string, unknown>>;
};

describe('manifests/exporter', () => {
  let objects: Obj[];
  before(async () => {
    objects = await rendered();
  });

  test('kustomize renders every object the exporter needs', () => {
    const kinds = objects.map((o) => o.kind).sort();
    for (const k of [
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'Deployment',
      'Service',
      'ServiceMonitor',
      'PrometheusRule',
      'NetworkPolicy',
      'ConfigMap',
    ])
      assert.ok(kinds.includes(k), `no ${k} in manifests/exporter`);
    const dashboard = objects.find((o) => o.kind === 'ConfigMap')!;
    assert.equal(dashboard.metadata.labels?.['grafana_dashboard'], '1');
    const json = JSON.parse((dashboard['data'] as Record<string, string>)['mcs-doctor.json']!) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    assert.ok(json.panels.length > 0 && json.panels.every((p) => p.targets.length > 0));
    // The ServiceMonitor scrapes the Service's port, which reaches the container's.
    const service = objects.find((o) => o.kind === 'Service')!;
    const sm = objects.find((o) => o.kind === 'ServiceMonitor')!;
    const port = (sm['spec'] as { endpoints: Array<{ port: string }> }).endpoints[0]!.port;
    assert.ok((service['spec'] as { ports: Array<{ name: string }> }).ports.some((p) => p.name === port));
    assert.equal(
      service.metadata.name,
      'mcs-doctor-exporter',
      'the job label the ExporterDown alert looks for',
    );
  });

  /**
   * OpenShift's restricted-v2 SCC (openshift/cluster-kube-apiserver-operator
   * bindata/bootkube/scc-manifests/..._scc-restricted-v2.yaml): no host network, PID, IPC or
   * ports, no privileged container, no privilege escalation, every capability dropped (only
   * NET_BIND_SERVICE may be added), a UID from the namespace's range (so none set), SELinux and
   * fsGroup from the namespace, seccomp runtime/default, and only configMap, downwardAPI,
   * emptyDir, persistentVolumeClaim, projected and secret volumes. The restricted Pod Security
   * Standard adds runAsNonRoot and a RuntimeDefault seccomp profile.
   */
  test("the pod meets OpenShift's restricted-v2 SCC and the restricted Pod Security Standard", () => {
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const pod = (deployment['spec'] as { template: { spec: PodSpec } }).template.spec;
    assert.ok(!pod.hostNetwork && !pod.hostPID && !pod.hostIPC, 'no host namespaces');
    assert.equal(pod.securityContext?.runAsUser, undefined, 'MustRunAsRange: the SCC assigns the UID');
    assert.equal(pod.securityContext?.runAsNonRoot, true);
    assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault');
    const allowedVolumes = new Set([
      'configMap',
      'downwardAPI',
      'emptyDir',
      'persistentVolumeClaim',
      'projected',
      'secret',
    ]);
    for (const v of pod.volumes ?? []) {
      const kinds = Object.keys(v).filter((k) => k !== 'name');
      for (const k of kinds)
        assert.ok(allowedVolumes.has(k), `volume type ${k} is not allowed by restricted-v2`);
    }
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      const sc = c.securityContext ?? {};
      assert.equal(sc.allowPrivilegeEscalation, false, `${c.name}: allowPrivilegeEscalation`);
      assert.notEqual(sc.privileged, true);
      assert.equal(sc.runAsUser, undefined, `${c.name}: no runAsUser`);
      assert.deepEqual(sc.capabilities?.drop, ['ALL'], `${c.name}: drop ALL`);
      for (const cap of sc.capabilities?.add ?? []) assert.equal(cap, 'NET_BIND_SERVICE');
      assert.ok(sc.seccompProfile === undefined || sc.seccompProfile.type === 'RuntimeDefault');
      assert.equal(sc.readOnlyRootFilesystem, true, `${c.name}: read-only root filesystem`);
      for (const p of c.ports ?? []) {
        assert.equal(p.hostPort, undefined, 'no host ports');
        assert.ok(p.containerPort >= 1024, 'an unprivileged port (no NET_BIND_SERVICE needed)');
      }
    }
    const ns = objects.find((o) => o.kind === 'Namespace')!;
    assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  });

  test('RBAC: read-only, and no rule on a resource the exporter does not read', () => {
    for (const o of objects.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
      for (const r of o['rules'] as Array<{ verbs: string[]; resources: string[] }>) {
        for (const v of r.verbs)
          assert.ok(['get', 'list', 'watch'].includes(v), `${o.kind} ${o.metadata.name}: ${v}`);
        assert.ok(!r.resources.includes('*'), 'no wildcard resource');
      }
    }
  });
});

describe('manifests/exporter against the simulated cluster, with real kubectl', () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await startSimCluster({ scenario: 'healthy', speed: SPEED });
  });
  after(async () => {
    await cluster?.close();
  });

  test('kubectl apply --dry-run=server -k: every object is accepted and none is created', async () => {
    const kc = ['--kubeconfig', cluster.kubeconfigPath];
    // As on a real cluster, objects in a namespace that does not exist yet are refused even in
    // a dry run: the namespace goes first.
    await kubectl([...kc, 'apply', '-f', join(MANIFESTS, 'namespace.yaml')]);
    const objects = await rendered();
    const { stdout } = await kubectl([...kc, 'apply', '--dry-run=server', '-k', MANIFESTS]);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
      const line = `${o.kind.toLowerCase()}${group}/${o.metadata.name} created (server dry run)`;
      assert.ok(stdout.includes(line), `"${line}" not in:\n${stdout}`);
    }
    const none = await kubectl([
      ...kc,
      'get',
      'deployments,servicemonitors,prometheusrules',
      '-n',
      'mcs-doctor',
      '-o',
      'name',
    ]);
    assert.equal(none.stdout.trim(), '', 'a dry run creates nothing');
  });

  test('kubectl apply -k creates them; a second apply changes nothing', async () => {
    const kc = ['--kubeconfig', cluster.kubeconfigPath];
    const first = await kubectl([...kc, 'apply', '-k', MANIFESTS]);
    assert.match(first.stdout, /prometheusrule\.monitoring\.coreos\.com\/mcs-doctor-exporter created/);
    assert.match(first.stdout, /servicemonitor\.monitoring\.coreos\.com\/mcs-doctor-exporter created/);
    const got = await kubectl([
      ...kc,
      'get',
      'prometheusrule',
      'mcs-doctor-exporter',
      '-n',
      'mcs-doctor',
      '-o',
      'json',
    ]);
    const rule = JSON.parse(got.stdout) as { spec: { groups: unknown[] } };
    const local = YAML.parse(readFileSync(join(MANIFESTS, 'prometheusrule.yaml'), 'utf8')) as {
      spec: unknown;
    };
    assert.deepEqual(rule.spec, local.spec, 'the rules are stored as written');
    const again = await kubectl([...kc, 'apply', '-k', MANIFESTS]);
    for (const line of again.stdout.trim().split('\n')) assert.match(line, / unchanged$/, again.stdout);
  });
});

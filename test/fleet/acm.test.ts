/**
 * manifests/fleet/acm against the real CRD schemas of the Open Cluster Management policy
 * framework (test/fixtures/acm, with their licence): every Policy, PlacementBinding and Placement,
 * and every ConfigurationPolicy inside a Policy (which the Policy CRD keeps as an open object),
 * passes the schema checks; real `kubectl apply --dry-run=server -k` against the simulated API
 * server started with those CRDs accepts them, and refuses, with the apiserver's messages, a
 * value outside an enum, an undeclared field and a oneOf violation (so the check can fail); the
 * generated files are what scripts/acm-policy.mjs writes; the install policy carries the fleet
 * exporter bundle, which itself applies; the status policy requires exactly what the exporter
 * writes. ACM itself is not run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { resourceTypeFromCrd, validateCustomResource } from '../../src/sim/apiserver/crd.js';
import { ApiError } from '../../src/sim/apiserver/status.js';
import { startSimCluster, type SimCluster } from '../../src/sim/cluster.js';
import type { ResourceType } from '../../src/sim/kube/types.js';
import { ROOT } from '../helpers/exporter.js';
import { KUBECTL, kubectl, SPEED } from '../helpers/fix.js';

const ACM = join(ROOT, 'manifests', 'fleet', 'acm');
const FLEET_EXPORTER = join(ROOT, 'manifests', 'fleet', 'exporter');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'acm');
const run = promisify(execFile);

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

const crds = (): unknown[] =>
  readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => YAML.parse(readFileSync(join(FIXTURES, f), 'utf8')) as unknown);

async function rendered(dir: string): Promise<Obj[]> {
  const { stdout } = await kubectl(['kustomize', dir]);
  return YAML.parseAllDocuments(stdout).map((d) => d.toJSON() as Obj);
}

interface PolicyTemplate {
  objectDefinition: Obj;
  extraDependencies?: unknown[];
}
const templatesOf = (policy: Obj): PolicyTemplate[] =>
  (policy.spec?.['policy-templates'] as PolicyTemplate[] | undefined) ?? [];

describe('manifests/fleet/acm against the policy framework CRD schemas', () => {
  let types: ResourceType[];
  let objects: Obj[];
  before(async () => {
    types = crds().map(resourceTypeFromCrd);
    objects = await rendered(ACM);
  });
  const typeFor = (o: Obj): ResourceType => {
    const t = types.find((x) => `${x.group}/${x.version}` === o.apiVersion && x.kind === o.kind);
    assert.ok(t, `no CRD fixture serves ${o.apiVersion} ${o.kind}`);
    return t;
  };

  test('the fixtures are the four CRDs, at the versions the manifests use', () => {
    assert.deepEqual(types.map((t) => `${t.kind}.${t.group}/${t.version}`).sort(), [
      'ConfigurationPolicy.policy.open-cluster-management.io/v1',
      'Placement.cluster.open-cluster-management.io/v1beta1',
      'PlacementBinding.policy.open-cluster-management.io/v1',
      'Policy.policy.open-cluster-management.io/v1',
    ]);
    assert.match(readFileSync(join(FIXTURES, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  });

  test('every Policy, PlacementBinding and Placement, and every ConfigurationPolicy in a Policy, is valid (strict)', () => {
    const kinds = objects.map((o) => o.kind).sort();
    assert.deepEqual(kinds, ['Namespace', 'Placement', 'PlacementBinding', 'Policy', 'Policy']);
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
      validateCustomResource(typeFor(o), structuredClone(o), true);
      for (const t of o.kind === 'Policy' ? templatesOf(o) : []) {
        assert.equal(t.objectDefinition.kind, 'ConfigurationPolicy');
        validateCustomResource(typeFor(t.objectDefinition), structuredClone(t.objectDefinition), true);
      }
    }
  });

  test('the checks fail on what ACM would refuse: an undeclared field, a value outside an enum, a missing required field, a oneOf violation', () => {
    const policy = objects.find((o) => o.metadata.name === 'mcs-doctor-status')!;
    const cp = templatesOf(policy)[0]!.objectDefinition;
    const refused = (o: Obj, message: RegExp): void => {
      const t = typeFor(o);
      assert.throws(
        () => validateCustomResource(t, o, true),
        (err: unknown) => err instanceof ApiError && message.test(err.message),
      );
    };
    refused(
      { ...cp, spec: { ...cp.spec, objectTemplates: [] } },
      /strict decoding error: unknown field "spec\.objectTemplates"/,
    );
    refused(
      { ...cp, spec: { ...cp.spec, remediationAction: 'Enforced' } },
      /spec\.remediationAction: Unsupported value: "Enforced"/,
    );
    const { disabled: _d, ...noDisabled } = policy.spec!;
    refused({ ...policy, spec: noDisabled }, /spec\.disabled: Required value/);
    // ConfigurationPolicy: object-templates and object-templates-raw are oneOf.
    refused(
      { ...cp, spec: { ...cp.spec, 'object-templates-raw': 'x' } },
      /must validate one and only one schema \(oneOf\)/,
    );
    // Template entries keep their objects open, but their own fields are checked.
    const bad = structuredClone(cp);
    (bad.spec!['object-templates'] as Array<Record<string, unknown>>)[0]!['complianceType'] = 'mustHaveIt';
    refused(bad, /spec\.object-templates\[0\]\.complianceType: Unsupported value: "mustHaveIt"/);
  });

  test("templates are not resolved in the install policy: its alert and dashboard {{ }} are Prometheus's and Grafana's", () => {
    const install = objects.find((o) => o.metadata.name === 'mcs-doctor-exporter')!;
    const key = 'policy.open-cluster-management.io/disable-templates';
    assert.equal(install.metadata.annotations?.[key], 'true');
    for (const t of templatesOf(install))
      assert.equal(t.objectDefinition.metadata.annotations?.[key], 'true');
    assert.ok(JSON.stringify(install).includes('{{ $labels.'), 'the PrometheusRule is carried as written');
  });
});

describe('manifests/fleet/acm: what the policies install and judge', () => {
  let objects: Obj[];
  before(async () => {
    objects = await rendered(ACM);
  });

  test('the generated files are up to date (scripts/acm-policy.mjs --check)', async () => {
    await run(process.execPath, [join(ROOT, 'scripts', 'acm-policy.mjs'), '--check'], {
      env: { ...process.env, KUBECTL },
      timeout: 120_000,
    }).catch((err: { stderr?: string }) => assert.fail(err.stderr ?? String(err)));
  });

  test('the install policy carries the fleet exporter bundle, namespace first, the rest after it', async () => {
    const bundle = await rendered(FLEET_EXPORTER);
    const install = objects.find((o) => o.metadata.name === 'mcs-doctor-exporter')!;
    const [ns, rest] = templatesOf(install);
    const carried = (t: PolicyTemplate): Obj[] =>
      (
        t.objectDefinition.spec!['object-templates'] as Array<{
          complianceType: string;
          objectDefinition: Obj;
        }>
      ).map((x) => (assert.equal(x.complianceType, 'musthave'), x.objectDefinition));
    assert.deepEqual(
      carried(ns!),
      bundle.filter((o) => o.kind === 'Namespace'),
    );
    assert.deepEqual(
      carried(rest!),
      bundle.filter((o) => o.kind !== 'Namespace'),
    );
    assert.deepEqual(rest!.extraDependencies, [
      {
        apiVersion: 'policy.open-cluster-management.io/v1',
        kind: 'ConfigurationPolicy',
        name: ns!.objectDefinition.metadata.name,
        compliance: 'Compliant',
      },
    ]);
    assert.equal(install.spec!['remediationAction'], 'enforce');
    // The status ConfigMap is installed without data: enforcing musthave never resets the verdict.
    const status = carried(rest!).find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === 'mcs-doctor-status',
    );
    assert.ok(status && status['data'] === undefined);
    const deployment = carried(rest!).find((o) => o.kind === 'Deployment')!;
    const args = (deployment.spec as { template: { spec: { containers: Array<{ args: string[] }> } } })
      .template.spec.containers[0]!.args;
    assert.deepEqual(args.slice(args.indexOf('--status-configmap'), args.indexOf('--status-configmap') + 2), [
      '--status-configmap',
      `${status.metadata.namespace}/${status.metadata.name}`,
    ]);
  });

  test('the status policy: inform, musthave data.verdict "ok" on the ConfigMap the exporter writes, after the install policy', () => {
    const policy = objects.find((o) => o.metadata.name === 'mcs-doctor-status')!;
    assert.equal(policy.spec!['remediationAction'], 'inform');
    assert.deepEqual(policy.spec!['dependencies'], [
      {
        apiVersion: 'policy.open-cluster-management.io/v1',
        kind: 'Policy',
        name: 'mcs-doctor-exporter',
        namespace: policy.metadata.namespace,
        compliance: 'Compliant',
      },
    ]);
    const cp = templatesOf(policy)[0]!.objectDefinition;
    assert.deepEqual(cp.spec!['object-templates'], [
      {
        complianceType: 'musthave',
        recordDiff: 'InStatus',
        objectDefinition: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'mcs-doctor-status', namespace: 'mcs-doctor' },
          data: { verdict: 'ok' },
        },
      },
    ]);
  });

  test('the Placement and PlacementBinding bind both policies, in their namespace', () => {
    const placement = objects.find((o) => o.kind === 'Placement')!;
    const binding = objects.find((o) => o.kind === 'PlacementBinding')!;
    assert.deepEqual(binding['placementRef'], {
      apiGroup: 'cluster.open-cluster-management.io',
      kind: 'Placement',
      name: placement.metadata.name,
    });
    const policies = objects
      .filter((o) => o.kind === 'Policy')
      .map((o) => o.metadata.name)
      .sort();
    assert.deepEqual((binding['subjects'] as Array<{ name: string }>).map((s) => s.name).sort(), policies);
    for (const o of objects.filter((x) => x.kind !== 'Namespace'))
      assert.equal(o.metadata.namespace, placement.metadata.namespace);
  });

  test('the thanos-ruler custom rules pass promtool check rules', async () => {
    const cm = YAML.parse(readFileSync(join(ACM, 'thanos-ruler-custom-rules.yaml'), 'utf8')) as {
      data: Record<string, string>;
    };
    const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-thanos-rules-'));
    try {
      writeFileSync(join(dir, 'custom_rules.yaml'), cm.data['custom_rules.yaml']!);
      const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'custom_rules.yaml')], {
        timeout: 60_000,
      });
      assert.match(stdout, /SUCCESS: 5 rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('manifests/fleet/acm and manifests/fleet/exporter with real kubectl against the simulated cluster serving the ACM CRDs', () => {
  let cluster: SimCluster;
  let kc: string[];
  before(async () => {
    cluster = await startSimCluster({ scenario: 'healthy', speed: SPEED, crds: crds() });
    kc = ['--kubeconfig', cluster.kubeconfigPath];
  });
  after(async () => {
    await cluster?.close();
  });

  test('kubectl apply --dry-run=server -k manifests/fleet/acm: every object accepted, none created', async () => {
    await kubectl([...kc, 'apply', '-f', join(ACM, 'namespace.yaml')]);
    const { stdout } = await kubectl([...kc, 'apply', '--dry-run=server', '-k', ACM]);
    for (const o of (await rendered(ACM)).filter((x) => x.kind !== 'Namespace')) {
      const group = o.apiVersion.split('/')[0];
      const line = `${o.kind.toLowerCase()}.${group}/${o.metadata.name} created (server dry run)`;
      assert.ok(stdout.includes(line), `"${line}" not in:\n${stdout}`);
    }
    const none = await kubectl([
      ...kc,
      'get',
      'policies,placements,placementbindings',
      '-n',
      'mcs-doctor-policies',
      '-o',
      'name',
    ]);
    assert.equal(none.stdout.trim(), '', 'a dry run creates nothing');
  });

  test("kubectl refuses, with the schema's messages, a bad enum, an undeclared field and a oneOf violation", async () => {
    const policy = YAML.parse(readFileSync(join(ACM, 'policy-exporter-status.yaml'), 'utf8')) as Obj;
    const dir = mkdtempSync(join(tmpdir(), 'mcs-doctor-acm-bad-'));
    const refused = async (name: string, o: object): Promise<string> => {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, YAML.stringify(o));
      const err = await kubectl([...kc, 'apply', '--dry-run=server', '-f', file]).then(
        () => assert.fail(`${name} was accepted`),
        (e: { stderr?: string }) => e.stderr ?? '',
      );
      return err;
    };
    try {
      assert.match(
        await refused('enum', { ...policy, spec: { ...policy.spec, remediationAction: 'Enforced' } }),
        /The Policy "mcs-doctor-status" is invalid: spec\.remediationAction: Unsupported value: "Enforced"/,
      );
      assert.match(
        await refused('unknown', { ...policy, spec: { ...policy.spec, placement: 'x' } }),
        /strict decoding error: unknown field "spec\.placement"/,
      );
      const binding = YAML.parseAllDocuments(readFileSync(join(ACM, 'placement.yaml'), 'utf8'))
        .map((d) => d.toJSON() as Obj)
        .find((o) => o.kind === 'PlacementBinding')!;
      assert.match(
        await refused('oneof', {
          ...binding,
          placementRef: { apiGroup: 'apps.open-cluster-management.io', kind: 'Placement', name: 'x' },
        }),
        /placementRef: Invalid value: .*must validate one and only one schema \(oneOf\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('kubectl explain reads the served schema', async () => {
    const { stdout } = await kubectl([...kc, 'explain', 'configurationpolicies.spec.remediationAction']);
    assert.match(stdout, /KIND:\s+ConfigurationPolicy/);
    assert.match(stdout, /enforce/i);
  });

  test('the allow-list and the hub rules apply (dry run) to open-cluster-management-observability', async () => {
    await kubectl([...kc, 'create', 'namespace', 'open-cluster-management-observability']);
    for (const f of ['observability-allowlist.yaml', 'thanos-ruler-custom-rules.yaml']) {
      const { stdout } = await kubectl([...kc, 'apply', '--dry-run=server', '-f', join(ACM, f)]);
      assert.match(stdout, /^configmap\/\S+ created \(server dry run\)$/m);
    }
  });

  test('kubectl apply --dry-run=server -k manifests/fleet/exporter: the bundle the install policy carries is accepted', async () => {
    await kubectl([...kc, 'apply', '-f', join(ROOT, 'manifests', 'exporter', 'namespace.yaml')]);
    const { stdout } = await kubectl([...kc, 'apply', '--dry-run=server', '-k', FLEET_EXPORTER]);
    for (const line of [
      'role.rbac.authorization.k8s.io/mcs-doctor-exporter-status created (server dry run)',
      'configmap/mcs-doctor-status created (server dry run)',
      'deployment.apps/mcs-doctor-exporter created (server dry run)',
    ])
      assert.ok(stdout.includes(line), `"${line}" not in:\n${stdout}`);
  });
});

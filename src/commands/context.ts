/**
 * `mcs-doctor context`: which API server, context, cluster, user and namespace every command
 * would use with these flags (kubectl's rules), before anything is read or changed. `--check`
 * also asks the server who it is: its version and OpenShift cluster ID.
 */
import { Command } from 'commander';
import { ExitCode, UnreachableError } from '../core/errors.js';
import { isDataFormat, renderData } from '../report/data.js';
import {
  describeCredentials,
  processKubeconfigEnvironment,
  resolveKubeTarget,
  secretFingerprint,
  type KubeTarget,
} from '../sources/kubeconfig.js';
import {
  kubeconfigFlagsOf,
  outputOption,
  parseRequestTimeout,
  withClusterFlags,
  type ClusterFlags,
} from './flags.js';

interface ContextFlags extends ClusterFlags {
  check?: boolean;
  output: 'text' | 'json' | 'yaml';
}

interface ServerIdentity {
  kubernetesVersion: string | null;
  openshiftVersion: string | null;
  clusterID: string | null;
}

/** The target as data: paths and fingerprints, never a token, password or key. */
function targetData(t: KubeTarget): Record<string, unknown> {
  const a = t.auth;
  return {
    server: t.server,
    context: t.context,
    cluster: t.cluster,
    user: t.user,
    namespace: t.namespace,
    namespaceFrom: t.namespaceFrom,
    credentials: {
      token: a.token ? secretFingerprint(a.token) : null,
      tokenFile: a.tokenFile ?? null,
      clientCertificate:
        a.clientCertificate ?? (a.clientCertificateData ? secretFingerprint(a.clientCertificateData) : null),
      clientKey: a.clientKey ?? (a.clientKeyData ? 'embedded' : null),
      username: a.username ?? null,
      password: a.password ? 'set' : null,
      exec: a.exec
        ? { command: a.exec.command, args: a.exec.args ?? [], apiVersion: a.exec.apiVersion }
        : null,
      authProvider: a.authProvider?.name ?? null,
    },
    impersonate: t.impersonate ?? null,
    tls: {
      certificateAuthority: t.tls.caFile ?? null,
      certificateAuthorityData: t.tls.caData ? secretFingerprint(t.tls.caData) : null,
      insecureSkipTlsVerify: t.tls.insecure,
      tlsServerName: t.tls.serverName ?? null,
    },
    kubeconfig: { files: t.origin.files, missing: t.origin.missing, inCluster: t.origin.inCluster },
  };
}

function renderText(t: KubeTarget, identity: ServerIdentity | undefined): string {
  const rows: [string, string][] = [
    ['API server', t.server],
    ['context', t.context || '(none)'],
    ['cluster', t.cluster || '(none)'],
    ['user', t.user || '(none)'],
    [
      'namespace',
      `${t.namespace} (${{ flag: '-n', context: 'from the context', default: "kubectl's default", 'service-account': "the pod's" }[t.namespaceFrom]})`,
    ],
    ['credentials', describeCredentials(t).join(', ')],
    [
      'TLS',
      t.tls.insecure
        ? 'certificate not checked (insecure-skip-tls-verify)'
        : t.tls.caFile
          ? `CA file ${t.tls.caFile}`
          : t.tls.caData
            ? 'CA embedded in the kubeconfig'
            : 'system CAs',
    ],
  ];
  if (t.tls.serverName) rows.push(['TLS server name', t.tls.serverName]);
  if (t.impersonate) {
    rows.push([
      'impersonate',
      `${t.impersonate.user}${t.impersonate.groups.length ? `, groups ${t.impersonate.groups.join(', ')}` : ''}${t.impersonate.uid ? `, uid ${t.impersonate.uid}` : ''}`,
    ]);
  }
  rows.push([
    'kubeconfig',
    t.origin.inCluster
      ? 'in-cluster service account'
      : `${t.origin.files.join(':') || '(none)'}${t.origin.missing.length ? ` (missing, skipped: ${t.origin.missing.join(', ')})` : ''}`,
  ]);
  if (identity) {
    rows.push([
      'reached',
      `Kubernetes ${identity.kubernetesVersion ?? '?'}, OpenShift ${identity.openshiftVersion ?? '?'}`,
    ]);
    rows.push(['cluster ID', identity.clusterID ?? '(not an OpenShift cluster, or not readable)']);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${`${k}:`.padEnd(w + 2)}${v}\n`).join('');
}

async function identify(flags: ContextFlags): Promise<ServerIdentity> {
  const { openLiveSource } = await import('../sources/live.js');
  const source = await openLiveSource({
    ...kubeconfigFlagsOf(flags),
    requestTimeoutMs: parseRequestTimeout(flags.requestTimeout),
  });
  const json = (body: Buffer): Record<string, unknown> => {
    try {
      return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  try {
    const version = await source.send({ method: 'GET', path: '/version' }).catch((err: Error) => {
      throw new UnreachableError(`cannot reach the API server at ${source.apiServer}: ${err.message}`, {
        where: source.location,
        hint: 'check the server address and that the API is up (kubectl version)',
      });
    });
    if (version.status === 401) {
      throw new UnreachableError(
        `the API server at ${source.apiServer} refused the credentials (401 Unauthorized)`,
        {
          where: source.location,
          hint: 'log in again (oc login) or pass a kubeconfig with a valid token',
        },
      );
    }
    const cv = await source.send({
      method: 'GET',
      path: '/apis/config.openshift.io/v1/clusterversions/version',
    });
    const cvBody = cv.status === 200 ? json(cv.body) : {};
    const history =
      (cvBody['status'] as { history?: { state?: string; version?: string }[] } | undefined)?.history ?? [];
    return {
      kubernetesVersion:
        version.status === 200 ? ((json(version.body)['gitVersion'] as string | undefined) ?? null) : null,
      openshiftVersion: history.find((h) => h.state === 'Completed')?.version ?? history[0]?.version ?? null,
      clusterID:
        ((cvBody['spec'] as { clusterID?: string } | undefined)?.clusterID as string | undefined) ?? null,
    };
  } finally {
    await source.close();
  }
}

export function contextCommand(): Command {
  const cmd = new Command('context')
    .description(
      'Show the cluster every command would talk to with these flags (API server, context, cluster, user, namespace), resolved exactly as kubectl does; --check asks the server who it is',
    )
    .option('--check', "contact the API server: its Kubernetes and OpenShift versions and the cluster's ID");
  return withClusterFlags(cmd, { namespaceHelp: "kubectl's namespace override" })
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExit codes: 0 resolved (and reached, with --check), 2 bad kubeconfig or flags, 3 not reachable or credentials refused.\n' +
        'Examples:\n  mcs-doctor context\n  KUBECONFIG=~/a:~/b mcs-doctor context --context prod --check -o json',
    )
    .action(async (flags: ContextFlags) => {
      const target = resolveKubeTarget(kubeconfigFlagsOf(flags), processKubeconfigEnvironment());
      const identity = flags.check ? await identify(flags) : undefined;
      process.stdout.write(
        isDataFormat(flags.output)
          ? renderData(
              { schemaVersion: 1, ...targetData(target), ...(identity ? { reached: identity } : {}) },
              flags.output,
            )
          : renderText(target, identity),
      );
      process.exitCode = ExitCode.healthy;
    });
}

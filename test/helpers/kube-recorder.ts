/**
 * Small recording Kubernetes API servers for differential tests against real kubectl: each
 * listens on its own 127.x.y.z loopback address with a certificate from its own CA (made with
 * the system's openssl), answers just enough discovery for `kubectl get configmaps` and the
 * OpenShift clusterversion, and records who asked what: path, Authorization, Impersonate-*
 * headers, the client certificate presented, and connections that never got to a request (a
 * client that refused the server's certificate).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

/** A CA or a leaf: PEM files on disk and their text. */
export interface PemPair {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

function readPair(dir: string, name: string): PemPair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return {
    certFile,
    keyFile,
    certPem: readFileSync(certFile, 'utf8'),
    keyPem: readFileSync(keyFile, 'utf8'),
  };
}

/** A self-signed P-256 CA, valid a year. */
export function makeCa(dir: string, name: string): PemPair {
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '365',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return readPair(dir, name);
}

/** A leaf signed by `ca`: serverAuth with the given SANs, or clientAuth with CN and O. */
export function makeLeaf(
  dir: string,
  name: string,
  ca: PemPair,
  options: { sans?: string[]; clientCn?: string; clientOrg?: string },
): PemPair {
  const subject = options.clientCn
    ? `/CN=${options.clientCn}${options.clientOrg ? `/O=${options.clientOrg}` : ''}`
    : `/CN=${name}`;
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ],
    dir,
  );
  const ext = options.clientCn
    ? 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n'
    : `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${(options.sans ?? []).join(',')}\n`;
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '365',
      '-extfile',
      `${name}.ext`,
    ],
    dir,
  );
  return readPair(dir, name);
}

/** What one request carried. */
export interface RecordedRequest {
  server: string;
  method: string;
  path: string;
  userAgent: string;
  authorization: string | null;
  impersonateUser: string | null;
  impersonateGroups: string[];
  impersonateUid: string | null;
  /** sha256 of the DER of the client certificate presented, or null. */
  clientCert: string | null;
}

export interface RecordingServer {
  /** Short name (a, b, c): what assertions print. */
  name: string;
  host: string;
  port: number;
  url: string;
  clusterID: string;
  requests: RecordedRequest[];
  /** TCP connections accepted, whether or not a request followed. */
  connections: number;
  /** TLS handshakes that failed (a client refusing the certificate). */
  tlsFailures: number;
  reset(): void;
  close(): Promise<void>;
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function statusBody(code: number, reason: string, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * Starts one recording API server on `host` (port 0: any free port). Requests without a bearer
 * token or a client certificate are answered 401, as a real API server with anonymous access off.
 */
export async function startRecordingServer(options: {
  name: string;
  host: string;
  cert: PemPair;
  clusterID: string;
}): Promise<RecordingServer> {
  const sockets = new Set<Socket>();
  const rec: RecordingServer = {
    name: options.name,
    host: options.host,
    port: 0,
    url: '',
    clusterID: options.clusterID,
    requests: [],
    connections: 0,
    tlsFailures: 0,
    reset() {
      rec.requests = [];
      rec.connections = 0;
      rec.tlsFailures = 0;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer(
    {
      cert: options.cert.certPem,
      key: options.cert.keyPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      const clientCert =
        peer && peer.raw ? createHash('sha256').update(peer.raw).digest('hex').slice(0, 16) : null;
      const header = (name: string): string | null => {
        const v = req.headers[name];
        return v === undefined ? null : Array.isArray(v) ? v.join(',') : v;
      };
      const groups = req.headersDistinct['impersonate-group'] ?? [];
      const url = new URL(req.url ?? '/', 'https://x');
      const path = url.pathname.replace(/\/+$/, '') || '/';
      rec.requests.push({
        server: rec.name,
        method: req.method ?? 'GET',
        path,
        userAgent: header('user-agent') ?? '',
        authorization: header('authorization'),
        impersonateUser: header('impersonate-user'),
        impersonateGroups: groups,
        impersonateUid: header('impersonate-uid'),
        clientCert,
      });
      req.resume();
      if (!req.headers.authorization && !clientCert) {
        return json(res, 401, statusBody(401, 'Unauthorized', 'Unauthorized'));
      }
      if (path === '/version') {
        return json(res, 200, {
          major: '1',
          minor: '32',
          gitVersion: 'v1.32.0-recorder',
          platform: 'linux/amd64',
        });
      }
      if (path === '/api') {
        return json(res, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `${rec.host}:${rec.port}` }],
        });
      }
      if (path === '/apis') {
        return json(res, 200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [
            {
              name: 'config.openshift.io',
              versions: [{ groupVersion: 'config.openshift.io/v1', version: 'v1' }],
              preferredVersion: { groupVersion: 'config.openshift.io/v1', version: 'v1' },
            },
          ],
        });
      }
      if (path === '/api/v1') {
        return json(res, 200, {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: 'v1',
          resources: [
            {
              name: 'configmaps',
              singularName: 'configmap',
              namespaced: true,
              kind: 'ConfigMap',
              verbs: VERBS,
              shortNames: ['cm'],
            },
          ],
        });
      }
      if (path === '/apis/config.openshift.io/v1') {
        return json(res, 200, {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: 'config.openshift.io/v1',
          resources: [
            {
              name: 'clusterversions',
              singularName: 'clusterversion',
              namespaced: false,
              kind: 'ClusterVersion',
              verbs: VERBS,
            },
          ],
        });
      }
      const cm = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps$/.exec(path);
      if (cm) {
        return json(res, 200, {
          kind: 'ConfigMapList',
          apiVersion: 'v1',
          metadata: { resourceVersion: '1' },
          items: [
            {
              metadata: {
                name: `from-${rec.name}`,
                namespace: decodeURIComponent(cm[1]!),
                resourceVersion: '1',
              },
              data: {},
            },
          ],
        });
      }
      if (path === '/apis/config.openshift.io/v1/clusterversions/version') {
        return json(res, 200, {
          apiVersion: 'config.openshift.io/v1',
          kind: 'ClusterVersion',
          metadata: { name: 'version', resourceVersion: '1' },
          spec: { clusterID: rec.clusterID, channel: 'stable-4.16' },
          status: { history: [{ state: 'Completed', version: '4.16.3' }] },
        });
      }
      return json(res, 404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    },
  );
  server.on('connection', (s: Socket) => {
    rec.connections += 1;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('tlsClientError', () => {
    rec.tlsFailures += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  rec.port = address.port;
  rec.url = `https://${options.host}:${rec.port}`;
  return rec;
}

export { runProcess, type CliResult as ProcessResult } from './cli.js';

/** The environment both tools get: only PATH, HOME and what the case sets (no proxies, no pod). */
export function cleanEnv(home: string, extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** True when the real kubectl 1.32 can be run here. */
export function kubectlAvailable(): boolean {
  try {
    execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

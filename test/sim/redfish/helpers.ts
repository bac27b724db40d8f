/** Shared by the Redfish BMC tests: the mockup, a BMC certificate, HTTPS requests, child processes. */
import { execFile } from 'node:child_process';
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { issueCertificate } from '../../../src/pki/issue.js';
import { defaultMockupDir } from '../../../src/sim/redfish/component.js';

export const MOCKUP_DIR = defaultMockupDir();
export const SUSHY_CLIENT = fileURLToPath(new URL('./sushy_client.py', import.meta.url));
/** Debian's python3 (python3 on PATH may be a pyenv without sushy). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

export async function bmcTls(): Promise<{ certPem: string; keyPem: string }> {
  const now = Date.now();
  const cert = await issueCertificate({
    subject: 'CN=bmc.test',
    keyAlgorithm: 'ecdsa-p256',
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 86_400_000),
    ipAddresses: ['127.0.0.1'],
  });
  return { certPem: cert.certPem, keyPem: cert.keyPem };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Call {
  method?: string;
  path: string;
  auth?: string;
  token?: string;
  body?: unknown;
  rawBody?: string;
  agent?: Agent;
}

/** One HTTPS request to a BMC (its certificate is self-signed, as a BMH with disableCertificateVerification). */
export function call(baseUrl: string, c: Call): Promise<Reply> {
  const url = new URL(c.path, baseUrl);
  const payload = c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  const headers: Record<string, string> = {};
  if (c.auth) headers['Authorization'] = `Basic ${Buffer.from(c.auth).toString('base64')}`;
  if (c.token) headers['X-Auth-Token'] = c.token;
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: c.method ?? 'GET',
        headers,
        rejectUnauthorized: false,
        agent: c.agent ?? false,
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url.href} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client with a hard timeout (SIGKILL) and an environment without proxies or CA-bundle overrides. */
export function run(file: string, args: string[], env: Record<string, string> = {}, timeoutMs = 30_000) {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE make python-requests ignore verify=False (psf/requests#3829)
    if (v === undefined || /proxy|^REQUESTS_CA_BUNDLE$|^CURL_CA_BUNDLE$/i.test(k)) continue;
    clean[k] = v;
  }
  return new Promise<RunResult>((resolve) => {
    execFile(
      file,
      args,
      { env: { ...clean, ...env }, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/**
 * Reading user-supplied files for `--pointer` and `--ca`: a path or `-` for stdin, with the
 * same hygiene everywhere (missing, directory, unreadable, huge or binary input is an
 * InputError that says what and where, never a stack trace).
 */
import { open, stat } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../core/errors.js';
import { parseCertificates } from '../pki/parse.js';
import type { CertInfo } from '../pki/types.js';
import { parsePointer } from './pointer.js';
import type { PointerConfig } from './types.js';

/** Pointer configs and CA bundles are kilobytes; anything this large is the wrong file. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export interface InputBytes {
  bytes: Buffer;
  /** The path, or "stdin". */
  origin: string;
}

function fsError(err: unknown, path: string, what: string): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : `cannot read (${code ?? String(err)})`;
  return new InputError(`${what}: ${reason}`, {
    where: path,
    hint:
      code === 'EACCES' || code === 'EPERM'
        ? 'check the file permissions, or pipe it in with -'
        : `check the path of the ${what}`,
  });
}

function tooLarge(origin: string, what: string): InputError {
  return new InputError(`${what} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`, {
    where: origin,
    hint: `a ${what} is a few kilobytes; check you gave the right file`,
  });
}

async function readStdin(what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) throw tooLarge('stdin', what);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads a path or `-` (stdin), bounded to MAX_INPUT_BYTES. `what` names the input in errors. */
export async function readInputBytes(input: string, what: string): Promise<InputBytes> {
  if (input === '-') return { bytes: await readStdin(what), origin: 'stdin' };
  let info;
  try {
    info = await stat(input);
  } catch (err) {
    throw fsError(err, input, what);
  }
  if (info.isDirectory()) throw fsError(Object.assign(new Error(), { code: 'EISDIR' }), input, what);
  if (info.isFile() && info.size > MAX_INPUT_BYTES) throw tooLarge(input, what);
  try {
    // Read through a handle with a bound: a FIFO or device has no size to check up front.
    const handle = await open(input, 'r');
    try {
      const buf = Buffer.alloc(MAX_INPUT_BYTES + 1);
      let length = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buf, length, buf.length - length, null);
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > MAX_INPUT_BYTES) throw tooLarge(input, what);
      }
      return { bytes: Buffer.from(buf.subarray(0, length)), origin: input };
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw fsError(err, input, what);
  }
}

/** Says what a binary input looks like, so the hint can name the fix. */
export function describeBinary(bytes: Buffer): string | undefined {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    return 'gzip-compressed data (decompress it first, e.g. zcat FILE)';
  if (bytes.subarray(0, 6).toString('latin1') === '\xfd7zXZ\x00')
    return 'xz-compressed data (decompress it first, e.g. xzcat FILE)';
  if (bytes.includes(0)) return 'binary data (it contains NUL bytes)';
  return undefined;
}

async function readText(input: string, what: string): Promise<{ text: string; origin: string }> {
  const { bytes, origin } = await readInputBytes(input, what);
  const binary = describeBinary(bytes);
  if (binary) throw new InputError(`expected a text ${what}, got ${binary}`, { where: origin });
  if (bytes.toString('utf8').trim() === '') {
    throw new InputError(`the ${what} is empty`, {
      where: origin,
      hint: `give a ${what} file, or pipe one in with -`,
    });
  }
  return { text: bytes.toString('utf8'), origin };
}

interface SecretLike {
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  data?: unknown;
  stringData?: unknown;
  items?: unknown;
}

/** Keys that may carry the pointer config: OpenShift's `userData`, and Metal3's fallback `value`. */
const USER_DATA_KEYS = ['userData', 'value'];

function pointerFromSecret(secret: SecretLike, origin: string, pathPrefix: string): PointerConfig {
  const name = typeof secret.metadata?.name === 'string' ? secret.metadata.name : '<unnamed>';
  const ns = typeof secret.metadata?.namespace === 'string' ? secret.metadata.namespace : '<no namespace>';
  const secretOrigin = `secret ${ns}/${name}`;
  const data =
    typeof secret.data === 'object' && secret.data !== null ? (secret.data as Record<string, unknown>) : {};
  const stringData =
    typeof secret.stringData === 'object' && secret.stringData !== null
      ? (secret.stringData as Record<string, unknown>)
      : {};
  for (const key of USER_DATA_KEYS) {
    const plain = stringData[key];
    if (typeof plain === 'string')
      return parsePointer(plain, `${secretOrigin} (${origin}: ${pathPrefix}.stringData.${key})`);
    const encoded = data[key];
    if (encoded === undefined || encoded === null) continue;
    const path = `${pathPrefix}.data.${key}`;
    if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(encoded)) {
      throw new InputError(`expected base64 text at ${path}`, {
        where: `${origin}: ${path}`,
        hint: 'Secret data values are base64; put plain text under stringData instead',
      });
    }
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    if (isRedactedByMustGather(decoded)) {
      throw new InputError(`${secretOrigin} was redacted by must-gather: ${path} reads "${decoded.trim()}"`, {
        where: `${origin}: ${path}`,
        hint: `a must-gather keeps no secret values; export the real one from the cluster: oc get secret -n ${ns} ${name} -o yaml > ${name}.yaml`,
      });
    }
    if (decoded.trim() === '') {
      throw new InputError(`${path} is empty`, {
        where: `${origin}: ${path}`,
        hint: 'a must-gather redacts secret values; get the secret from the cluster with oc get secret -o yaml',
      });
    }
    return parsePointer(decoded, `${secretOrigin} (${origin}: ${path})`);
  }
  const keys = [...Object.keys(data), ...Object.keys(stringData)];
  throw new InputError(`${secretOrigin} has no userData key`, {
    where: `${origin}: ${pathPrefix}.data`,
    hint: keys.length
      ? `its keys are ${keys.join(', ')}; expected userData (worker-user-data, worker-user-data-managed) or value`
      : 'the secret has no data (a must-gather redacts it); get it with oc get secret -n openshift-machine-api worker-user-data -o yaml',
  });
}

function fromKubernetesObject(obj: SecretLike, origin: string): PointerConfig | undefined {
  if (obj.kind === 'Secret') return pointerFromSecret(obj, origin, '$');
  if (obj.kind !== 'List' && !(typeof obj.kind === 'string' && obj.kind.endsWith('List'))) return undefined;
  const items = Array.isArray(obj.items) ? (obj.items as SecretLike[]) : [];
  const secrets = items
    .map((item, i) => ({ item, i }))
    .filter(({ item }) => item?.kind === 'Secret' || obj.kind === 'SecretList');
  if (secrets.length !== 1) {
    const userData = secrets
      .map(({ item }) => (typeof item?.metadata?.name === 'string' ? item.metadata.name : ''))
      .filter((n) => /-user-data(-managed)?$/.test(n));
    throw new InputError(`expected a List with exactly one Secret, got ${secrets.length}`, {
      where: `${origin}: $.items`,
      hint: userData.length
        ? `it holds the user-data secrets ${userData.join(', ')}; export the one the host uses: oc get secret -n openshift-machine-api ${userData.find((n) => n.startsWith('worker')) ?? userData[0]} -o yaml`
        : 'select one secret, e.g. oc get secret -n openshift-machine-api worker-user-data -o yaml',
    });
  }
  const only = secrets[0] as { item: SecretLike; i: number };
  return pointerFromSecret(only.item, origin, `$.items[${only.i}]`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** must-gather replaces every secret value with its length: `1755 bytes long`. */
export function isRedactedByMustGather(value: string): boolean {
  return /^\d+ bytes long$/.test(value.trim());
}

/** Reads a pointer config from a path or `-`: raw pointer JSON, or a Secret (or a List of one) in YAML or JSON. */
export async function readPointer(input: string): Promise<PointerConfig> {
  const { text, origin } = await readText(input, 'pointer config');
  const trimmed = text.trimStart().replace(/^\uFEFF/, '');
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return parsePointer(text, origin); // reports the JSON syntax error with line and column
    }
    if (isObject(json)) {
      const fromK8s = fromKubernetesObject(json as SecretLike, origin);
      if (fromK8s) return fromK8s;
    }
    return parsePointer(text, origin);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const where =
      err instanceof YAMLParseError && err.linePos
        ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}`
        : '';
    throw new InputError(`neither a JSON pointer config nor a YAML Secret: YAML error${where}`, {
      where: origin,
      hint: 'give the pointer config JSON, or the Secret from oc get secret -n openshift-machine-api worker-user-data -o yaml',
    });
  }
  if (isObject(doc)) {
    const fromK8s = fromKubernetesObject(doc as SecretLike, origin);
    if (fromK8s) return fromK8s;
    if ('ignition' in doc) {
      throw new InputError('the pointer config is YAML, but Ignition reads only JSON', {
        where: origin,
        hint: 'convert it to JSON (a Butane file must be transpiled with butane first)',
      });
    }
  }
  throw new InputError('neither a pointer Ignition config (JSON) nor a Kubernetes Secret', {
    where: origin,
    hint: 'give the pointer config JSON, or the Secret from oc get secret -n openshift-machine-api worker-user-data -o yaml',
  });
}

/** Reads a CA bundle for `--ca FILE|-`: PEM (any number of certificates) or one DER certificate. */
export async function readCertificateBundle(input: string): Promise<CertInfo[]> {
  const { bytes, origin } = await readInputBytes(input, 'CA bundle');
  // DER is binary by nature, so only compressed archives are refused up front; parseCertificates says the rest.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new InputError('expected a PEM or DER CA bundle, got gzip-compressed data', {
      where: origin,
      hint: 'decompress it first',
    });
  }
  return parseCertificates(bytes, origin);
}

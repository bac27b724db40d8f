/**
 * The pointer Ignition config a worker boots with (what `worker-user-data` holds): which URL it
 * fetches its real config from, which CAs it trusts for that fetch, its timeouts and proxy.
 * Spec 2.2-2.4 (`config.append`) and 3.0-3.5 (`config.merge`). Every error names the JSON path.
 */
import { z } from 'zod';
import { InputError, UserError } from '../core/errors.js';
import { parseCertificates } from '../pki/parse.js';
import { DataUrlError, isDataUrl, parseDataUrl } from './dataurl.js';
import type { CaEncoding, PointerCa, PointerConfig, PointerSource } from './types.js';

const SUPPORTED_2 = ['2.2', '2.3', '2.4'];
const SUPPORTED_3 = ['3.0', '3.1', '3.2', '3.3', '3.4', '3.5'];
/** The one experimental spec beyond the newest stable one (Ignition accepts `X.Y.0-experimental`). */
const NEXT_EXPERIMENTAL = '3.6';
const SUPPORTED_TEXT = '2.2.0-2.4.0 or 3.0.0-3.5.0 (optionally -experimental)';

const source = z.string();
const timeouts = z
  .object({
    httpResponseHeaders: z.number().int().positive().nullish(),
    httpTotal: z.number().int().positive().nullish(),
  })
  .passthrough();
const proxy = z
  .object({
    httpProxy: z.string().nullish(),
    httpsProxy: z.string().nullish(),
    noProxy: z.array(z.string()).nullish(),
  })
  .passthrough();
const ca = z.object({ source }).passthrough();
const security = z
  .object({
    tls: z
      .object({ certificateAuthorities: z.array(ca).nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();
const resource = z.object({ source: source.nullish() }).passthrough();

const common = {
  version: z.string(),
  security: security.nullish(),
  timeouts: timeouts.nullish(),
  proxy: proxy.nullish(),
};
const spec3 = z.object({
  ignition: z
    .object({
      ...common,
      config: z
        .object({ merge: z.array(resource).nullish(), replace: resource.nullish() })
        .passthrough()
        .nullish(),
    })
    .passthrough(),
});
const spec2 = z.object({
  ignition: z
    .object({
      ...common,
      config: z
        .object({ append: z.array(resource).nullish(), replace: resource.nullish() })
        .passthrough()
        .nullish(),
    })
    .passthrough(),
});

/** `["ignition","security",0]` -> `$.ignition.security[0]` */
export function jsonPath(path: ReadonlyArray<string | number>): string {
  return (
    '$' +
    path
      .map((p) =>
        typeof p === 'number'
          ? `[${p}]`
          : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p)
            ? `.${p}`
            : `[${JSON.stringify(p)}]`,
      )
      .join('')
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Line and column of a JSON.parse error position, which V8 reports as "position N". */
function jsonErrorLocation(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

function parseJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new InputError(
      `not a JSON pointer config: ${message.replace(/ in JSON at position \d+.*$/, '')}${jsonErrorLocation(text, message)}`,
      {
        where: origin,
        hint: 'a pointer config is a JSON object like {"ignition":{"version":"3.2.0","config":{"merge":[{"source":"https://api-int.<cluster>:22623/config/worker"}]}}}',
      },
    );
  }
}

function checkVersion(root: unknown, origin: string): { version: string; major: 2 | 3 } {
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new InputError(`expected a JSON object at $, got ${describe(root)}`, { where: origin });
  }
  const obj = root as Record<string, unknown>;
  if ('ignitionVersion' in obj) {
    throw new InputError('Ignition spec 1 ($.ignitionVersion) is not supported', {
      where: `${origin}: $.ignitionVersion`,
      hint: `OpenShift pointer configs use spec ${SUPPORTED_TEXT}; regenerate the user-data`,
    });
  }
  const ignition = obj.ignition;
  if (typeof ignition !== 'object' || ignition === null || Array.isArray(ignition)) {
    throw new InputError(
      `expected an object at $.ignition, got ${ignition === undefined ? 'nothing' : describe(ignition)}`,
      {
        where: `${origin}: $.ignition`,
        hint: 'is this a pointer Ignition config? It must have {"ignition":{"version":...}}',
      },
    );
  }
  const version = (ignition as Record<string, unknown>).version;
  if (typeof version !== 'string') {
    throw new InputError(
      `expected a version string at $.ignition.version, got ${version === undefined ? 'nothing' : describe(version)}`,
      {
        where: `${origin}: $.ignition.version`,
        hint: `use a spec version ${SUPPORTED_TEXT}`,
      },
    );
  }
  const m = /^(\d+)\.(\d+)\.0(-experimental)?$/.exec(version);
  const minor = m ? `${m[1]}.${m[2]}` : '';
  const ok =
    m !== null &&
    (SUPPORTED_2.includes(minor) ||
      SUPPORTED_3.includes(minor) ||
      (minor === NEXT_EXPERIMENTAL && m[3] !== undefined));
  if (!ok) {
    const old = m !== null && (m[1] === '1' || minor === '2.0' || minor === '2.1');
    throw new InputError(
      `unsupported Ignition spec version ${JSON.stringify(version)} at $.ignition.version`,
      {
        where: `${origin}: $.ignition.version`,
        hint: old
          ? `spec ${minor} predates OpenShift pointer configs; expected ${SUPPORTED_TEXT}`
          : `expected ${SUPPORTED_TEXT}`,
      },
    );
  }
  return { version, major: m[1] === '2' ? 2 : 3 };
}

function zodError(error: z.ZodError, origin: string): InputError {
  const issue = error.issues[0] as z.ZodIssue;
  const path = jsonPath(issue.path);
  let expected = issue.message;
  if (issue.code === 'invalid_type') {
    expected = `expected ${issue.expected}, got ${issue.received}`;
  }
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return new InputError(`invalid pointer config at ${path}: ${expected}${more}`, {
    where: `${origin}: ${path}`,
    hint: 'fix the value at that JSON path; see the Ignition spec for its type',
  });
}

function checkUrl(url: string, path: string, origin: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(`invalid URL ${JSON.stringify(url)} at ${path}`, {
      where: `${origin}: ${path}`,
      hint: 'expected an absolute URL like https://api-int.<cluster>.<domain>:22623/config/worker',
    });
  }
  if (!['https:', 'http:', 'data:', 's3:', 'tftp:', 'gs:', 'arn:'].includes(parsed.protocol)) {
    throw new InputError(`unsupported URL scheme ${JSON.stringify(parsed.protocol)} at ${path}`, {
      where: `${origin}: ${path}`,
      hint: 'Ignition fetches http(s), s3, gs, tftp and data URLs; the Machine Config Server is https://...:22623',
    });
  }
}

function caFromSource(text: string, index: number, path: string, origin: string): PointerCa {
  const where = `${origin}: ${path}`;
  const trimmed = text.trim();
  let encoding: CaEncoding;
  let pem: Buffer;
  if (isDataUrl(trimmed)) {
    try {
      const data = parseDataUrl(trimmed);
      encoding = data.base64 ? 'base64' : 'percent';
      pem = data.data;
    } catch (err) {
      if (!(err instanceof DataUrlError)) throw err;
      throw new InputError(`invalid data URL at ${path}: ${err.reason}`, {
        where,
        hint: 'expected data:[<mediatype>][;base64],<PEM>, e.g. data:text/plain;charset=utf-8;base64,LS0tLS1CRUdJTi...',
      });
    }
  } else if (trimmed.startsWith('-----BEGIN')) {
    // Not valid Ignition (it wants a URL), but people paste PEM there; read it and say so in `encoding`.
    encoding = 'inline-pem';
    pem = Buffer.from(trimmed, 'utf8');
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    checkUrl(trimmed, path, origin);
    return { index, path, encoding: 'remote', source: text, certs: [] };
  } else {
    throw new InputError(
      `expected a data: URL, an https:// URL or PEM at ${path}, got ${JSON.stringify(trimmed.slice(0, 40))}`,
      {
        where,
        hint: 'the CA source is usually data:text/plain;charset=utf-8;base64,<base64 of the PEM bundle>',
      },
    );
  }
  try {
    return { index, path, encoding, source: text, certs: parseCertificates(pem, where) };
  } catch (err) {
    if (err instanceof UserError) {
      throw new InputError(`no usable CA certificate at ${path}: ${err.message}`, {
        where: err.where ?? where,
        hint: err.hint,
      });
    }
    throw err;
  }
}

function present<T>(value: T | null | undefined): value is T {
  return value !== null && value !== undefined;
}

/** Parses pointer config JSON text; `origin` names where it came from (file, stdin, secret). */
export function parsePointer(text: string, origin: string): PointerConfig {
  const root = parseJson(text.replace(/^\uFEFF/, ''), origin);
  const { version, major } = checkVersion(root, origin);
  const sources: PointerSource[] = [];
  const pushSource = (kind: PointerSource['kind'], url: string | null | undefined, path: string): void => {
    if (!present(url)) return;
    checkUrl(url, path, origin);
    sources.push({ kind, url, path });
  };
  let ignition: z.infer<typeof spec3>['ignition'];
  if (major === 3) {
    const parsed = spec3.safeParse(root);
    if (!parsed.success) throw zodError(parsed.error, origin);
    ignition = parsed.data.ignition;
    parsed.data.ignition.config?.merge?.forEach((r, i) =>
      pushSource('merge', r.source, `$.ignition.config.merge[${i}].source`),
    );
    pushSource('replace', parsed.data.ignition.config?.replace?.source, '$.ignition.config.replace.source');
  } else {
    const parsed = spec2.safeParse(root);
    if (!parsed.success) throw zodError(parsed.error, origin);
    ignition = parsed.data.ignition;
    parsed.data.ignition.config?.append?.forEach((r, i) =>
      pushSource('append', r.source, `$.ignition.config.append[${i}].source`),
    );
    pushSource('replace', parsed.data.ignition.config?.replace?.source, '$.ignition.config.replace.source');
  }
  const certificateAuthorities = (ignition.security?.tls?.certificateAuthorities ?? []).map((c, i) =>
    caFromSource(c.source, i, `$.ignition.security.tls.certificateAuthorities[${i}].source`, origin),
  );
  const config: PointerConfig = {
    origin,
    specVersion: version,
    major,
    sources,
    certificateAuthorities,
    timeouts: {
      ...(present(ignition.timeouts?.httpResponseHeaders)
        ? { httpResponseHeaders: ignition.timeouts.httpResponseHeaders }
        : {}),
      ...(present(ignition.timeouts?.httpTotal) ? { httpTotal: ignition.timeouts.httpTotal } : {}),
    },
  };
  const p = ignition.proxy;
  if (present(p)) {
    config.proxy = {
      ...(present(p.httpProxy) ? { httpProxy: p.httpProxy } : {}),
      ...(present(p.httpsProxy) ? { httpsProxy: p.httpsProxy } : {}),
      ...(present(p.noProxy) ? { noProxy: p.noProxy } : {}),
    };
  }
  return config;
}

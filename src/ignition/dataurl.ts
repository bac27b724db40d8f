/**
 * RFC 2397 data URLs, decoded the way Ignition does it (github.com/vincent-petithory/dataurl):
 * `data:[<type>/<subtype>][;attr=value]*[;base64],<data>`. Base64 is Go's StdEncoding (padding
 * required; CR and LF ignored); otherwise the data is percent-decoded. No media type means
 * text/plain;charset=US-ASCII.
 */

export interface DataUrl {
  mediaType: string;
  params: Record<string, string>;
  base64: boolean;
  data: Buffer;
}

/** A data URL that Ignition would reject; `reason` says why in words a user can act on. */
export class DataUrlError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'DataUrlError';
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isDataUrl(source: string): boolean {
  return source.startsWith('data:');
}

function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '%') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new DataUrlError(
          `invalid percent-escape ${JSON.stringify(text.slice(i, i + 3))} at data offset ${i}`,
        );
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes);
}

function parseParamValue(raw: string): string {
  if (raw.startsWith('"')) {
    if (!raw.endsWith('"') || raw.length < 2)
      throw new DataUrlError(`unterminated quoted parameter value ${raw}`);
    return raw.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return percentDecode(raw).toString('utf8');
}

export function parseDataUrl(source: string): DataUrl {
  if (!isDataUrl(source)) throw new DataUrlError('does not start with "data:"');
  const comma = source.indexOf(',');
  if (comma < 0) throw new DataUrlError('has no "," between the media type and the data');
  const header = source.slice(5, comma);
  const body = source.slice(comma + 1);
  const parts = header === '' ? [] : header.split(';');
  let mediaType = 'text/plain';
  const params: Record<string, string> = { charset: 'US-ASCII' };
  let base64 = false;
  parts.forEach((part, i) => {
    if (i === 0 && part !== '' && part.includes('/')) {
      const [type, subtype, ...rest] = part.split('/');
      if (!type || !subtype || rest.length > 0 || !TOKEN.test(type) || !TOKEN.test(subtype)) {
        throw new DataUrlError(`invalid media type ${JSON.stringify(part)} (expected type/subtype)`);
      }
      mediaType = `${type}/${subtype}`.toLowerCase();
      delete params.charset;
      return;
    }
    if (i === 0 && part === '') return; // "data:;base64,..." has an empty media type
    if (part === 'base64' && i === parts.length - 1) {
      base64 = true;
      return;
    }
    const eq = part.indexOf('=');
    if (eq <= 0 || !TOKEN.test(part.slice(0, eq))) {
      throw new DataUrlError(
        `invalid parameter ${JSON.stringify(part)} (expected attribute=value or a final ;base64)`,
      );
    }
    params[part.slice(0, eq).toLowerCase()] = parseParamValue(part.slice(eq + 1));
  });
  if (!base64) return { mediaType, params, base64, data: percentDecode(body) };
  // Go's base64 decoder skips CR and LF; anything else outside the alphabet is an error.
  const compact = body.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact)) {
    const bad = /[^A-Za-z0-9+/=]/.exec(compact);
    throw new DataUrlError(
      bad
        ? `invalid base64 data: character ${JSON.stringify(bad[0])} at offset ${bad.index}` +
            (bad[0] === '%' ? ' (percent-encoded base64 is not accepted by Ignition)' : '')
        : 'invalid base64 data: wrong length or padding (Ignition requires standard padded base64)',
    );
  }
  return { mediaType, params, base64, data: Buffer.from(compact, 'base64') };
}

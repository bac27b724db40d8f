/**
 * PEM splitting with errors that say which block and line is wrong. Blocks that are not
 * certificates (private keys above all) are reported by label only: their content is never
 * decoded here and never appears in an error.
 */
import { InputError } from '../core/errors.js';

export interface PemBlock {
  label: string;
  /** Decoded body; empty for blocks other than CERTIFICATE (we do not decode what we do not need). */
  der: Buffer;
  /** "<source>: block N (line L)" */
  where: string;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----\s*$/;
const END = /^-----END ([A-Z0-9 ]+)-----\s*$/;

export function splitPem(text: string, source: string): PemBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: PemBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const begin = BEGIN.exec((lines[i] as string).trim());
    if (!begin) {
      i++;
      continue;
    }
    const label = begin[1] as string;
    const startLine = i + 1;
    const where = `${source}: block ${blocks.length + 1} (line ${startLine})`;
    const body: string[] = [];
    let ended = false;
    for (i++; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      const end = END.exec(line);
      if (end) {
        if (end[1] !== label) {
          throw new InputError(`PEM block '${label}' ends with '-----END ${end[1]}-----'`, {
            where,
            hint: 'the file looks spliced from two blocks; re-export the certificate',
          });
        }
        ended = true;
        i++;
        break;
      }
      if (BEGIN.test(line)) break;
      body.push(line);
    }
    if (!ended) {
      throw new InputError(`truncated PEM: block '${label}' has no END line`, {
        where,
        hint:
          'the PEM was cut off (copy/paste or a line limit?); copy the whole block including -----END ' +
          label +
          '-----',
      });
    }
    blocks.push({
      label,
      der: label === 'CERTIFICATE' ? decodeBody(body, startLine, where) : Buffer.alloc(0),
      where,
    });
  }
  return blocks;
}

function decodeBody(body: string[], startLine: number, where: string): Buffer {
  // RFC 7468 allows headers only in legacy encrypted blocks; certificates have none.
  const b64Lines: string[] = [];
  for (let k = 0; k < body.length; k++) {
    const line = body[k] as string;
    if (line === '') continue;
    if (!/^[A-Za-z0-9+/=]+$/.test(line)) {
      throw new InputError('invalid base64 in PEM certificate', {
        where: `${where}, line ${startLine + 1 + k}`,
        hint: 'the line has characters that are not base64; the PEM was edited or mangled (e.g. by a YAML/JSON escape)',
      });
    }
    b64Lines.push(line);
  }
  const b64 = b64Lines.join('');
  if (b64.length === 0) {
    throw new InputError('empty PEM certificate block', { where, hint: 'the block has no base64 content' });
  }
  const padIndex = b64.indexOf('=');
  if (b64.length % 4 !== 0 || (padIndex !== -1 && !/^=+$/.test(b64.slice(padIndex)))) {
    throw new InputError('truncated or corrupted base64 in PEM certificate', {
      where,
      hint: 'the base64 length is not a multiple of 4 or padding is misplaced: the certificate was cut or mangled; copy it again',
    });
  }
  return Buffer.from(b64, 'base64');
}

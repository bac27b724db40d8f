/**
 * A must-gather as a read-only file tree: a directory (files opened only when needed), or an
 * archive (.tar, .tar.gz, .tar.xz, .zip, told apart by their magic bytes) read once without
 * extracting it, keeping in memory only the entries diagnose can use.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip, inflateRawSync } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputError } from '../../core/errors.js';

export const MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface FileTree {
  /** Paths relative to the tree root, `/`-separated, of the entries under a directory (recursively for archives). */
  listDir(dir: string): Promise<string[]>;
  read(path: string): Promise<Buffer | undefined>;
  /** Every directory that directly contains `namespaces` or `cluster-scoped-resources`. */
  roots(): Promise<string[]>;
  opened(): number;
}

export type KeepFilter = (path: string) => boolean;

class DirectoryTree implements FileTree {
  private count = 0;
  constructor(private readonly base: string) {}
  opened(): number {
    return this.count;
  }
  async listDir(dir: string): Promise<string[]> {
    try {
      const entries = await readdir(join(this.base, dir), { withFileTypes: true });
      return entries.map((e) => (dir ? `${dir}/${e.name}` : e.name) + (e.isDirectory() ? '/' : ''));
    } catch {
      return [];
    }
  }
  async read(path: string): Promise<Buffer | undefined> {
    const full = join(this.base, path);
    try {
      const st = await stat(full);
      if (!st.isFile()) return undefined;
      if (st.size > MAX_FILE_BYTES)
        throw new InputError(`${path} is ${st.size} bytes, more than a must-gather file can be`, {
          where: full,
        });
      this.count++;
      return await readFile(full);
    } catch (err) {
      if (err instanceof InputError) throw err;
      return undefined;
    }
  }
  async roots(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      const entries = await this.listDir(dir);
      if (
        entries.some(
          (e) =>
            e.endsWith('/namespaces/') ||
            e.endsWith('/cluster-scoped-resources/') ||
            e === 'namespaces/' ||
            e === 'cluster-scoped-resources/',
        )
      ) {
        found.push(dir);
      }
      if (depth >= 3) return;
      for (const e of entries)
        if (e.endsWith('/') && !/\/(namespaces|cluster-scoped-resources)\/$/.test(`/${e}`))
          await walk(e.slice(0, -1), depth + 1);
    };
    await walk('', 0);
    return found;
  }
}

class MemoryTree implements FileTree {
  private count = 0;
  constructor(private readonly files: Map<string, Buffer>) {}
  opened(): number {
    return this.count;
  }
  async listDir(dir: string): Promise<string[]> {
    const prefix = dir ? `${dir}/` : '';
    const out = new Set<string>();
    for (const p of this.files.keys()) {
      if (!p.startsWith(prefix)) continue;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      out.add(prefix + (slash < 0 ? rest : rest.slice(0, slash + 1)));
    }
    return [...out];
  }
  async read(path: string): Promise<Buffer | undefined> {
    const b = this.files.get(path);
    if (b) this.count++;
    return b;
  }
  async roots(): Promise<string[]> {
    const found = new Set<string>();
    for (const p of this.files.keys()) {
      const m = /^(.*?)(?:^|\/)(namespaces|cluster-scoped-resources)\//.exec(p);
      if (m) found.add(m[1] ?? '');
    }
    return [...found];
  }
}

type Kind = 'directory' | 'tar' | 'gzip' | 'xz' | 'zip';

async function kindOf(path: string): Promise<Kind> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new InputError(`must-gather ${path} does not exist or cannot be read`, {
      where: '--must-gather',
      hint: 'give the directory oc adm must-gather wrote, or its .tar, .tar.gz, .tar.xz or .zip archive',
    });
  }
  if (st.isDirectory()) return 'directory';
  const fh = await open(path, 'r');
  const head = Buffer.alloc(512);
  try {
    await fh.read(head, 0, 512, 0);
  } finally {
    await fh.close();
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  throw new InputError(`${path} is neither a directory nor a .tar, .tar.gz, .tar.xz or .zip archive`, {
    where: '--must-gather',
    hint: 'give the must-gather directory or an archive of it (tar czf must-gather.tar.gz must-gather.local.*)',
  });
}

export async function openTree(path: string, keep: KeepFilter): Promise<FileTree> {
  const kind = await kindOf(path);
  if (kind === 'directory') return new DirectoryTree(path);
  if (kind === 'zip') return new MemoryTree(await readZip(path, keep));
  let stream: Readable;
  let child: ReturnType<typeof spawn> | undefined;
  if (kind === 'xz') {
    child = spawn('xz', ['-dc', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    stream = child.stdout!;
  } else if (kind === 'gzip') {
    stream = createReadStream(path).pipe(createGunzip());
  } else stream = createReadStream(path);
  const files = await readTar(stream, keep, path, child);
  return new MemoryTree(files);
}

function corrupt(path: string, what: string): InputError {
  return new InputError(`${path} is a damaged archive: ${what}`, {
    where: '--must-gather',
    hint: 'copy the archive again, or extract it and pass the directory',
  });
}

function octal(buf: Buffer, start: number, len: number): number {
  const s = buf
    .subarray(start, start + len)
    .toString('latin1')
    .replace(/\0.*$/s, '')
    .trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function cString(buf: Buffer, start: number, len: number): string {
  const s = buf.subarray(start, start + len);
  const z = s.indexOf(0);
  return s.subarray(0, z < 0 ? s.length : z).toString('utf8');
}

async function readTar(
  stream: Readable,
  keep: KeepFilter,
  path: string,
  child?: ReturnType<typeof spawn>,
): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let longName: string | undefined;
  let ended = false;
  let childError = '';
  child?.stderr?.on('data', (d: Buffer) => (childError += d.toString()));
  const spawnFailed = new Promise<never>((_, reject) =>
    child?.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new InputError('reading a .tar.xz needs the xz program, which is not installed', {
              where: path,
              hint: 'install xz-utils (apt-get install xz-utils), or extract the archive and pass the directory',
            })
          : e,
      ),
    ),
  );
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => {
      try {
        consumePadded(c);
      } catch (e) {
        stream.destroy();
        reject(e);
      }
    });
    stream.on('end', () => resolve());
    stream.on('error', (e) => reject(corrupt(path, e.message)));
  });
  // Each entry's data is its size rounded up to 512 bytes; only `size` bytes are kept.
  let buf: Buffer = Buffer.alloc(0);
  let current:
    | {
        name: string;
        size: number;
        padded: number;
        got: number;
        keep: boolean;
        type: string;
        chunks: Buffer[];
      }
    | undefined;
  function consumePadded(chunk: Buffer): void {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let off = 0;
    while (!ended) {
      if (current) {
        const take = Math.min(current.padded - current.got, buf.length - off);
        if (take <= 0) break;
        const dataEnd = Math.max(0, Math.min(take, current.size - current.got));
        if ((current.keep || current.type === 'L' || current.type === 'x') && dataEnd > 0)
          current.chunks.push(Buffer.from(buf.subarray(off, off + dataEnd)));
        current.got += take;
        off += take;
        if (current.got < current.padded) break;
        const body = Buffer.concat(current.chunks);
        if (current.type === 'L') longName = cString(body, 0, body.length);
        else if (current.type === 'x') {
          const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
          if (m) longName = m[1];
        } else if (current.keep) files.set(current.name, body);
        current = undefined;
        continue;
      }
      if (buf.length - off < 512) break;
      const h = buf.subarray(off, off + 512);
      off += 512;
      if (h.every((b) => b === 0)) {
        ended = true;
        break;
      }
      const sum = octal(h, 148, 8);
      let computed = 0;
      for (let i = 0; i < 512; i++) computed += i >= 148 && i < 156 ? 32 : h[i]!;
      if (sum !== computed) throw corrupt(path, 'a tar header checksum does not match');
      const type = String.fromCharCode(h[156] || 48);
      const prefix = h.subarray(257, 262).toString('latin1') === 'ustar' ? cString(h, 345, 155) : '';
      const raw = longName ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
      if (type !== 'L' && type !== 'x') longName = undefined;
      const name = raw.replace(/^\.\//, '');
      const size = octal(h, 124, 12);
      const isFile = type === '0' || type === '7';
      current = {
        name,
        size,
        padded: Math.ceil(size / 512) * 512,
        got: 0,
        keep: isFile && keep(name) && size <= MAX_FILE_BYTES,
        type,
        chunks: [],
      };
      if (current.padded === 0) {
        if (current.keep) files.set(name, Buffer.alloc(0));
        current = undefined;
      }
    }
    buf = buf.subarray(off);
  }
  await Promise.race([done, spawnFailed]);
  if (child) {
    const code: number | null =
      child.exitCode ?? (await new Promise<number | null>((r) => child.on('close', (c) => r(c))));
    if (code !== 0) throw corrupt(path, `xz: ${childError.trim() || `exit code ${code}`}`);
  }
  if (!ended && current) throw corrupt(path, `it ends inside ${current.name}`);
  return files;
}

async function readZip(path: string, keep: KeepFilter): Promise<Map<string, Buffer>> {
  const data = await readFile(path);
  const files = new Map<string, Buffer>();
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 65_557); i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw corrupt(path, 'no zip central directory');
  const count = data.readUInt16LE(eocd + 10);
  let p = data.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (p + 46 > data.length || data.readUInt32LE(p) !== 0x02014b50)
      throw corrupt(path, 'a zip directory entry is damaged');
    const method = data.readUInt16LE(p + 10);
    const compSize = data.readUInt32LE(p + 20);
    const size = data.readUInt32LE(p + 24);
    const nameLen = data.readUInt16LE(p + 28);
    const extraLen = data.readUInt16LE(p + 30);
    const commentLen = data.readUInt16LE(p + 32);
    const local = data.readUInt32LE(p + 42);
    const name = data
      .subarray(p + 46, p + 46 + nameLen)
      .toString('utf8')
      .replace(/^\.\//, '');
    p += 46 + nameLen + extraLen + commentLen;
    if (name.endsWith('/') || !keep(name) || size > MAX_FILE_BYTES) continue;
    if (data.readUInt32LE(local) !== 0x04034b50) throw corrupt(path, `the entry ${name} is damaged`);
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const raw = data.subarray(start, start + compSize);
    try {
      files.set(name, method === 0 ? Buffer.from(raw) : inflateRawSync(raw));
    } catch (e) {
      throw corrupt(path, `${name}: ${(e as Error).message}`);
    }
  }
  return files;
}

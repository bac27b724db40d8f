/**
 * One HTTP/1.1 GET over the already-verified TLS socket, written byte for byte as Go's
 * net/http writes Ignition's request (Host, User-Agent, then the other headers sorted, no
 * Connection header), and a small response reader (status line, headers, Content-Length,
 * chunked or close-delimited body) with a header timeout, a body timeout and a size bound.
 * Never a proxy: Ignition ignores the environment's proxy variables.
 */
import type { Duplex } from 'node:stream';
import { FetchDeadline } from './deadline.js';
import { ProbeFailure } from './failure.js';
import { EOF, RESPONSE_HEADER_TIMEOUT, CONTEXT_DEADLINE_EXCEEDED } from './go-errors.js';

export interface HttpGetRequest {
  /** The Host header: the URL's host[:port] as written. */
  hostHeader: string;
  /** Path and query, e.g. /config/worker. */
  path: string;
  userAgent: string;
  accept: string;
}

export interface HttpGetLimits {
  headerMs: number;
  bodyMs: number;
  maxBodyBytes: number;
  deadline: FetchDeadline;
}

export interface HttpResponse {
  status: number;
  /** Reason phrase as the server sent it (Go ignores it and prints http.StatusText). */
  reasonPhrase: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  headerMs: number;
}

/** Go's default Transport.MaxResponseHeaderBytes is 10 MiB; an MCS sends a few hundred bytes. */
const MAX_HEADER_BYTES = 1024 * 1024;

export function requestBytes(req: HttpGetRequest): string {
  return (
    `GET ${req.path} HTTP/1.1\r\n` +
    `Host: ${req.hostHeader}\r\n` +
    `User-Agent: ${req.userAgent}\r\n` +
    `Accept: ${req.accept}\r\n` +
    `Accept-Encoding: identity\r\n` +
    `\r\n`
  );
}

interface Head {
  status: number;
  reasonPhrase: string;
  headers: Record<string, string>;
}

function parseHead(text: string): Head {
  const lines = text.split('\r\n');
  const statusLine = lines[0] ?? '';
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) {
    throw new ProbeFailure(
      'http-error',
      `net/http: HTTP/1.x transport connection broken: malformed HTTP response ${JSON.stringify(statusLine)}`,
      'the server did not answer with HTTP/1.1 after the TLS handshake',
    );
  }
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(m[1]), reasonPhrase: m[2] ?? '', headers };
}

/** Incremental body decoder; returns true when the body is complete. */
class BodyReader {
  private chunks: Buffer[] = [];
  private size = 0;
  private pending = Buffer.alloc(0);
  private remainingInChunk = -1; // chunked: bytes left in the current chunk (+2 for CRLF), -1 = read size line
  done = false;

  constructor(
    readonly mode: 'length' | 'chunked' | 'close' | 'none',
    private readonly length: number,
    private readonly max: number,
  ) {
    if (mode === 'none' || (mode === 'length' && length === 0)) this.done = true;
  }

  body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private keep(b: Buffer): void {
    this.size += b.length;
    if (this.size > this.max) {
      throw new ProbeFailure(
        'not-ignition',
        `http: response body larger than ${this.max} bytes`,
        `the body is larger than ${this.max} bytes, more than any rendered MachineConfig`,
        'body',
      );
    }
    this.chunks.push(b);
  }

  feed(data: Buffer): void {
    if (this.done) return;
    if (this.mode === 'close') return this.keep(data);
    if (this.mode === 'length') {
      const take = data.subarray(0, this.length - this.size);
      this.keep(take);
      if (this.size >= this.length) this.done = true;
      return;
    }
    this.pending = Buffer.concat([this.pending, data]);
    for (;;) {
      if (this.remainingInChunk < 0) {
        const eol = this.pending.indexOf('\r\n');
        if (eol < 0) return;
        const sizeText = this.pending.subarray(0, eol).toString('latin1').split(';')[0]?.trim() ?? '';
        const n = /^[0-9a-fA-F]+$/.test(sizeText) ? parseInt(sizeText, 16) : NaN;
        if (Number.isNaN(n)) {
          throw new ProbeFailure(
            'http-error',
            'invalid byte in chunk length',
            'malformed chunked body',
            'body',
          );
        }
        this.pending = this.pending.subarray(eol + 2);
        if (n === 0) {
          this.done = true; // trailers are ignored
          return;
        }
        this.remainingInChunk = n + 2;
      }
      if (this.pending.length === 0) return;
      const take = Math.min(this.remainingInChunk, this.pending.length);
      const dataPart = Math.max(0, Math.min(take, this.remainingInChunk - 2));
      if (dataPart > 0) this.keep(this.pending.subarray(0, dataPart));
      this.pending = this.pending.subarray(take);
      this.remainingInChunk -= take;
      if (this.remainingInChunk === 0) this.remainingInChunk = -1;
      else return;
    }
  }

  end(): void {
    if (this.mode === 'close') this.done = true;
  }
}

export function httpGet(socket: Duplex, req: HttpGetRequest, limits: HttpGetLimits): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let settled = false;
    let head: Head | undefined;
    let headerMs = 0;
    let reader: BodyReader | undefined;
    let buffered = Buffer.alloc(0);
    let timer: NodeJS.Timeout | undefined;

    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('error', onError);
      socket.removeListener('close', onEnd);
    };
    const fail = (f: ProbeFailure): void => {
      if (settled) return;
      settled = true;
      cleanup();
      socket.destroy();
      reject(f);
    };
    const succeed = (): void => {
      if (settled || !head || !reader) return;
      settled = true;
      cleanup();
      resolve({ ...head, body: reader.body(), headerMs });
    };
    const arm = (stepMs: number, stepText: string, body: boolean): void => {
      if (timer) clearTimeout(timer);
      const limit = limits.deadline.limit(stepMs);
      timer = setTimeout(
        () =>
          fail(
            new ProbeFailure(
              'timeout',
              FetchDeadline.text(limit, stepText),
              body
                ? `the response body did not arrive within ${limit.ms} ms`
                : `the TLS connection is up, but no HTTP response headers arrived within ${limit.ms} ms`,
              body ? 'body' : undefined,
            ),
          ),
        Math.max(1, limit.ms),
      );
    };

    function onData(chunk: Buffer): void {
      try {
        if (!head) {
          buffered = Buffer.concat([buffered, chunk]);
          const end = buffered.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buffered.length > MAX_HEADER_BYTES) {
              fail(
                new ProbeFailure(
                  'http-error',
                  `net/http: server response headers exceeded ${MAX_HEADER_BYTES} bytes; aborted`,
                ),
              );
            }
            return;
          }
          head = parseHead(buffered.subarray(0, end).toString('latin1'));
          headerMs = Date.now() - started;
          const te = (head.headers['transfer-encoding'] ?? '').toLowerCase();
          const cl = head.headers['content-length'];
          const noBody =
            head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200);
          reader = noBody
            ? new BodyReader('none', 0, limits.maxBodyBytes)
            : te.includes('chunked')
              ? new BodyReader('chunked', 0, limits.maxBodyBytes)
              : cl !== undefined && /^\d+$/.test(cl)
                ? new BodyReader('length', Number(cl), limits.maxBodyBytes)
                : new BodyReader('close', 0, limits.maxBodyBytes);
          if (reader.mode === 'length' && Number(cl) > limits.maxBodyBytes) {
            throw new ProbeFailure(
              'not-ignition',
              `http: response body larger than ${limits.maxBodyBytes} bytes`,
              `Content-Length ${cl} is larger than any rendered MachineConfig`,
              'body',
            );
          }
          arm(limits.bodyMs, CONTEXT_DEADLINE_EXCEEDED, true);
          chunk = buffered.subarray(end + 4);
          buffered = Buffer.alloc(0);
        }
        reader?.feed(chunk);
        if (reader?.done) succeed();
      } catch (err) {
        fail(
          err instanceof ProbeFailure
            ? err
            : new ProbeFailure('http-error', String(err), 'reading the response failed'),
        );
      }
    }
    function onEnd(): void {
      if (settled) return;
      if (!head) {
        fail(
          new ProbeFailure('http-error', EOF, 'the server closed the connection without an HTTP response'),
        );
        return;
      }
      reader?.end();
      if (reader?.done) succeed();
      else
        fail(
          new ProbeFailure(
            'http-error',
            'unexpected EOF',
            'the connection closed in the middle of the body',
            'body',
          ),
        );
    }
    function onError(err: Error): void {
      if (!head)
        fail(
          new ProbeFailure('http-error', EOF, `the connection failed before the response: ${err.message}`),
        );
      else
        fail(
          new ProbeFailure('http-error', 'unexpected EOF', `reading the body failed: ${err.message}`, 'body'),
        );
    }

    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    arm(limits.headerMs, RESPONSE_HEADER_TIMEOUT, false);
    socket.write(requestBytes(req));
  });
}

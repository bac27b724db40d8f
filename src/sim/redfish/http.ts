/** HTTP plumbing shared by the BMC handlers: Redfish response headers, bounded JSON bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { message, RedfishError } from './errors.js';

const MAX_BODY_BYTES = 64 * 1024;

export interface Reply {
  status: number;
  /** A JSON value (serialized here), raw bytes with their type, or nothing (204). */
  json?: unknown;
  raw?: { body: Buffer; contentType: string };
  headers?: Record<string, string>;
}

export function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { 'OData-Version': '4.0', ...reply.headers };
  let body: Buffer | undefined;
  if (reply.raw) {
    body = reply.raw.body;
    headers['Content-Type'] = reply.raw.contentType;
  } else if (reply.json !== undefined) {
    body = Buffer.from(JSON.stringify(reply.json), 'utf8');
    headers['Content-Type'] = 'application/json';
  }
  if (body) headers['Content-Length'] = String(body.length);
  res.writeHead(reply.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export function errorReply(err: RedfishError): Reply {
  return { status: err.status, json: err.body, headers: err.headers };
}

/** The request body parsed as a JSON object; Redfish errors for anything else. */
export function readJsonObject(req: IncomingMessage, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      reject(
        new RedfishError(
          408,
          message('GeneralError', [], 'The request body did not arrive in time; resend it.'),
        ),
      );
      req.destroy();
    }, timeoutMs);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        clearTimeout(timer);
        reject(
          new RedfishError(
            413,
            message('GeneralError', [], `Send a request body of at most ${MAX_BODY_BYTES} bytes.`),
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('end', () => {
      clearTimeout(timer);
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        reject(new RedfishError(400, message('MalformedJSON')));
        return;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        reject(new RedfishError(400, message('MalformedJSON')));
        return;
      }
      resolve(parsed as Record<string, unknown>);
    });
  });
}

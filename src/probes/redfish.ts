/**
 * Reads a BMC's clock over Redfish, as Ironic would reach it: the System named by the BMH's
 * address, its Manager (`Links.ManagedBy`), and the Manager's `DateTime`. Basic auth from the
 * BMH's credentials secret; certificate verification as the BMH says
 * (`disableCertificateVerification`). Every request has a timeout.
 */
import https from 'node:https';
import http from 'node:http';
import type { Socket } from 'node:net';
import type { BmcAccess } from '../metal3/bmc-address.js';

export interface BmcClockRequest {
  access: BmcAccess;
  username: string;
  password: string;
  /** `spec.bmc.disableCertificateVerification`. */
  insecure: boolean;
  timeoutMs?: number;
  /** A keep-alive agent, so that the System and Manager reads share one TLS connection. */
  agent?: https.Agent;
}

export type BmcClock =
  | { ok: true; manager: string; dateTime: string; bmcTime: Date; offsetMs: number; localOffset?: string }
  | { ok: false; message: string; status?: number };

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** A request, and where the connections it used are noted (to close them when a read is done). */
interface Sending extends BmcClockRequest {
  sockets?: Set<Socket>;
}

function get(url: URL, req: Sending): Promise<Answer> {
  return send('GET', url, req);
}

function send(method: 'GET' | 'PATCH', url: URL, req: Sending, body?: unknown): Promise<Answer> {
  const timeoutMs = req.timeoutMs ?? 5_000;
  const auth = Buffer.from(`${req.username}:${req.password}`).toString('base64');
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const lib = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const r = lib.request(
      url,
      {
        method,
        headers: {
          Authorization: `Basic ${auth}`,
          Accept: 'application/json',
          'OData-Version': '4.0',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
        rejectUnauthorized: !req.insecure,
        timeout: timeoutMs,
        ...(url.protocol === 'https:' && req.agent ? { agent: req.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > 4 * 1024 * 1024) r.destroy(new Error('the answer is larger than 4 MiB'));
          else chunks.push(c);
        });
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            json = {};
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    r.on('error', reject);
    if (req.sockets) r.on('socket', (socket: Socket) => req.sockets!.add(socket));
    r.end(payload);
  });
}

function odataId(v: unknown): string | undefined {
  const id = (v as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  return typeof id === 'string' ? id : undefined;
}

export async function readBmcClock(request: BmcClockRequest): Promise<BmcClock> {
  const agent = request.agent ?? new https.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  const req: Sending = { ...request, agent, sockets };
  try {
    return await readClock(req);
  } finally {
    if (!request.agent) agent.destroy();
    // A shared agent keeps the TLS sessions (the next read resumes one), not this read's
    // connection: left idle in the agent's pool until its timeout, a collection would hold one
    // open socket with its TLS buffers per BMC read in the last seconds, hundreds at a time.
    else for (const socket of sockets) socket.destroy();
  }
}

async function readClock(req: Sending): Promise<BmcClock> {
  const { access } = req;
  if (!access.redfish || !access.redfishAddress) {
    return {
      ok: false,
      message: `the BMC is ${access.type}, not Redfish: its clock cannot be read over Redfish`,
    };
  }
  const base = new URL(access.redfishAddress);
  const at = (path: string): URL => new URL(path, base);
  try {
    let managerPath: string | undefined;
    if (access.systemId) {
      const system = await get(
        at(access.systemId.startsWith('/') ? access.systemId : `/${access.systemId}`),
        req,
      );
      if (system.status === 401 || system.status === 403) {
        return {
          ok: false,
          status: system.status,
          message: `the BMC refused the credentials (HTTP ${system.status})`,
        };
      }
      if (system.status !== 200)
        return { ok: false, status: system.status, message: `GET ${access.systemId}: HTTP ${system.status}` };
      const links = system.json['Links'] as { ManagedBy?: unknown[] } | undefined;
      managerPath = odataId(links?.ManagedBy?.[0]);
    }
    if (!managerPath) {
      const managers = await get(at('/redfish/v1/Managers'), req);
      if (managers.status === 401 || managers.status === 403) {
        return {
          ok: false,
          status: managers.status,
          message: `the BMC refused the credentials (HTTP ${managers.status})`,
        };
      }
      const members = managers.json['Members'];
      managerPath = Array.isArray(members) ? odataId(members[0]) : undefined;
      if (!managerPath) return { ok: false, message: 'the BMC lists no Manager' };
    }
    const sentAt = Date.now();
    const manager = await get(at(managerPath), req);
    const receivedAt = Date.now();
    if (manager.status !== 200)
      return { ok: false, status: manager.status, message: `GET ${managerPath}: HTTP ${manager.status}` };
    const dateTime = manager.json['DateTime'];
    if (typeof dateTime !== 'string')
      return { ok: false, message: `the Manager ${managerPath} has no DateTime` };
    const bmcTime = new Date(dateTime);
    if (Number.isNaN(bmcTime.getTime()))
      return { ok: false, message: `the Manager's DateTime "${dateTime}" is not a date` };
    const localOffset = manager.json['DateTimeLocalOffset'];
    return {
      ok: true,
      manager: managerPath,
      dateTime,
      bmcTime,
      offsetMs: bmcTime.getTime() - Math.round((sentAt + receivedAt) / 2),
      localOffset: typeof localOffset === 'string' ? localOffset : undefined,
    };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const text = e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
    return { ok: false, message: `cannot reach the BMC at ${base.origin}: ${text}` };
  }
}

export type BmcClockSet = { ok: true; status: number } | { ok: false; message: string; status?: number };

/** A Redfish `DateTimeLocalOffset`: `+06:00`, `-05:00`. */
const LOCAL_OFFSET = /^([-+])([0-1][0-9]):([0-5][0-9])$/;

/** `at` as a Redfish DateTime at a local offset (`2026-12-03T14:31:45+06:00`), whole seconds. */
export function formatDateTimeAt(at: Date, localOffset: string): string {
  const m = LOCAL_OFFSET.exec(localOffset);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const local = new Date(Math.floor(at.getTime() / 1000) * 1000 + minutes * 60_000);
  return local.toISOString().replace(/\.\d{3}Z$/, m ? localOffset : '+00:00');
}

/**
 * Sets the Manager's clock to `at` (PATCH DateTime, Redfish Manager v1_0_0+): in UTC with
 * DateTimeLocalOffset `+00:00`, as Ironic's set_bmc_clock does, or, with `keepLocalOffset` (the
 * offset the Manager shows), DateTime alone at that offset so the BMC's own offset setting stays
 * as it is. A BMC that follows NTP may refuse (bmcweb answers PropertyValueConflict): the
 * answer's message is returned so the person can act on it.
 */
export async function setBmcClock(
  request: BmcClockRequest,
  managerPath: string,
  at: Date,
  options: { keepLocalOffset?: string } = {},
): Promise<BmcClockSet> {
  const base = request.access.redfishAddress;
  if (!request.access.redfish || !base) return { ok: false, message: 'the BMC is not Redfish' };
  const agent = request.agent ?? new https.Agent({ keepAlive: false });
  const keep =
    options.keepLocalOffset && LOCAL_OFFSET.test(options.keepLocalOffset)
      ? options.keepLocalOffset
      : undefined;
  const body = keep
    ? { DateTime: formatDateTimeAt(at, keep) }
    : { DateTime: formatDateTimeAt(at, '+00:00'), DateTimeLocalOffset: '+00:00' };
  try {
    const answer = await send('PATCH', new URL(managerPath, base), { ...request, agent }, body);
    if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status };
    return {
      ok: false,
      status: answer.status,
      message: `PATCH ${managerPath}: HTTP ${answer.status}${redfishMessage(answer.json)}`,
    };
  } catch (err) {
    return { ok: false, message: `PATCH ${managerPath}: ${(err as Error).message}` };
  } finally {
    if (!request.agent) agent.destroy();
  }
}

function redfishMessage(json: Record<string, unknown>): string {
  const error = json['error'] as
    { message?: unknown; '@Message.ExtendedInfo'?: Array<{ Message?: unknown }> } | undefined;
  const extended = error?.['@Message.ExtendedInfo']?.[0]?.Message;
  const text =
    typeof extended === 'string' ? extended : typeof error?.message === 'string' ? error.message : '';
  return text ? `: ${text}` : '';
}

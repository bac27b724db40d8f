/**
 * One BMC's Redfish service: the shared mockup tree read-only, with this host's live clock and
 * power laid over it, sessions, PATCH of the Manager clock and ComputerSystem.Reset. Transport
 * (TLS, sockets, timeouts) is bmc.ts's business.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostClock } from '../clock.js';
import type { PowerState } from '../context.js';
import {
  credentialsMatch,
  parseBasicAuth,
  SessionStore,
  type BmcCredentials,
  type BmcSession,
} from './auth.js';
import { message, RedfishError } from './errors.js';
import { errorReply, readJsonObject, send, type Reply } from './http.js';
import { ManagerClock } from './manager-clock.js';
import { resetSystem } from './power.js';
import { SERVICE_ROOT, type MockupTree } from './tree.js';

export const SESSIONS_PATH = `${SERVICE_ROOT}/SessionService/Sessions`;

/** DSP0266: these answer without authentication (GET/HEAD). */
const PUBLIC_PATHS = new Set([
  '/redfish',
  SERVICE_ROOT,
  `${SERVICE_ROOT}/odata`,
  `${SERVICE_ROOT}/$metadata`,
]);

export interface BmcServiceOptions {
  tree: MockupTree;
  credentials: BmcCredentials;
  clock: HostClock;
  power: () => PowerState;
  setPower: (state: PowerState, reason: string) => void;
  refuseClockSet: boolean;
  timeoutMs: number;
  /** One line per request: method, path, status, user. Never a password or token. */
  log?: (line: string) => void;
}

function normalizePath(url: string | undefined): string {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url ?? '/', 'https://bmc.invalid').pathname);
  } catch {
    throw new RedfishError(404, message('ResourceMissingAtURI', [String(url)]));
  }
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path;
}

function methodNotAllowed(path: string, allow: string): RedfishError {
  return new RedfishError(
    405,
    message('GeneralError', [], `The resource at ${path} supports only ${allow}.`),
    [],
    { Allow: allow },
  );
}

function sessionDoc(session: BmcSession): Record<string, unknown> {
  return {
    '@odata.type': '#Session.v1_6_0.Session',
    '@odata.id': `${SESSIONS_PATH}/${session.id}`,
    Id: session.id,
    Name: 'User Session',
    Description: 'Manager User Session',
    UserName: session.username,
  };
}

export class BmcService {
  private readonly sessions: SessionStore;
  private readonly clocks = new Map<string, ManagerClock>();
  private readonly protocols = new Map<string, Record<string, unknown>>();

  constructor(private readonly opts: BmcServiceOptions) {
    this.sessions = new SessionStore(opts.tree.sessionTimeoutSeconds * 1000);
    for (const manager of opts.tree.managers.values()) {
      this.clocks.set(manager.path, new ManagerClock(manager, opts.clock));
      if (manager.networkProtocol)
        this.protocols.set(manager.networkProtocol.path, manager.networkProtocol.doc);
    }
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const deadline = setTimeout(() => {
      send(req, res, errorReply(new RedfishError(503, message('InternalError'))));
    }, this.opts.timeoutMs);
    res.on('close', () => clearTimeout(deadline));
    const user: { name?: string } = {};
    let path = '?';
    this.route(req, user, (p) => (path = p))
      .catch((err: unknown) => {
        if (err instanceof RedfishError) return errorReply(err);
        return errorReply(new RedfishError(500, message('InternalError')));
      })
      .then((reply) => {
        clearTimeout(deadline);
        send(req, res, reply);
        this.opts.log?.(`${req.method} ${path} ${reply.status}${user.name ? ` user=${user.name}` : ''}`);
      });
  };

  /** Ends every session (the BMC is going away). */
  close(): void {
    this.sessions.clear();
  }

  private async route(
    req: IncomingMessage,
    user: { name?: string },
    seen: (p: string) => void,
  ): Promise<Reply> {
    const method = req.method ?? 'GET';
    const path = normalizePath(req.url);
    seen(path);
    const read = method === 'GET' || method === 'HEAD';
    if (PUBLIC_PATHS.has(path)) {
      if (!read) throw methodNotAllowed(path, 'GET, HEAD');
      return this.get(path);
    }
    if (path === SESSIONS_PATH && method === 'POST') return this.login(req, user);
    user.name = this.authenticate(req);
    if (read) return this.get(path);
    if (method === 'PATCH') return this.patch(req, path);
    if (method === 'POST') return this.post(req, path);
    if (method === 'DELETE') return this.delete(path);
    throw this.exists(path) ? methodNotAllowed(path, this.allowed(path)) : this.missing(path);
  }

  private authenticate(req: IncomingMessage): string {
    const token = req.headers['x-auth-token'];
    if (typeof token === 'string' && token !== '') {
      const session = this.sessions.authenticate(token);
      if (session) return session.username;
    } else {
      const basic = parseBasicAuth(req.headers.authorization);
      if (basic && credentialsMatch(basic.username, basic.password, this.opts.credentials))
        return basic.username;
    }
    throw new RedfishError(401, message('NoValidSession'), [], {
      'WWW-Authenticate': 'Basic realm="Redfish"',
    });
  }

  private async login(req: IncomingMessage, user: { name?: string }): Promise<Reply> {
    const body = await readJsonObject(req, this.opts.timeoutMs);
    for (const key of ['UserName', 'Password']) {
      if (typeof body[key] !== 'string') throw new RedfishError(400, message('PropertyMissing', [key]));
    }
    const username = body['UserName'] as string;
    if (!credentialsMatch(username, body['Password'] as string, this.opts.credentials)) {
      throw new RedfishError(401, message('NoValidSession'), [], {
        'WWW-Authenticate': 'Basic realm="Redfish"',
      });
    }
    const session = this.sessions.create(username);
    if (!session) throw new RedfishError(503, message('SessionLimitExceeded'));
    user.name = username;
    const location = `${SESSIONS_PATH}/${session.id}`;
    return {
      status: 201,
      json: sessionDoc(session),
      headers: { 'X-Auth-Token': session.token, Location: location },
    };
  }

  private get(path: string): Reply {
    if (path === '/redfish') return { status: 200, json: { v1: `${SERVICE_ROOT}/` } };
    if (path === SESSIONS_PATH) {
      const members = this.sessions.list().map((s) => ({ '@odata.id': `${SESSIONS_PATH}/${s.id}` }));
      return {
        status: 200,
        json: {
          '@odata.type': '#SessionCollection.SessionCollection',
          '@odata.id': SESSIONS_PATH,
          Name: 'Session Collection',
          'Members@odata.count': members.length,
          Members: members,
        },
      };
    }
    if (path.startsWith(`${SESSIONS_PATH}/`)) {
      const session = this.sessions.get(path.slice(SESSIONS_PATH.length + 1));
      if (!session) throw this.missing(path);
      return { status: 200, json: sessionDoc(session) };
    }
    const clock = this.clocks.get(path);
    if (clock) return { status: 200, json: clock.render() };
    const system = this.opts.tree.systems.get(path);
    if (system) return { status: 200, json: { ...system.doc, PowerState: this.opts.power() } };
    const protocol = this.protocols.get(path);
    if (protocol) {
      const ntp = typeof protocol['NTP'] === 'object' && protocol['NTP'] !== null ? protocol['NTP'] : {};
      return {
        status: 200,
        json: { ...protocol, NTP: { ...ntp, ProtocolEnabled: this.opts.refuseClockSet } },
      };
    }
    const entry = this.opts.tree.entries.get(path);
    if (!entry) throw this.missing(path);
    return { status: 200, raw: entry };
  }

  private async patch(req: IncomingMessage, path: string): Promise<Reply> {
    const clock = this.clocks.get(path);
    if (!clock) throw this.exists(path) ? methodNotAllowed(path, this.allowed(path)) : this.missing(path);
    clock.patch(await readJsonObject(req, this.opts.timeoutMs), this.opts.refuseClockSet);
    return { status: 204 };
  }

  private async post(req: IncomingMessage, path: string): Promise<Reply> {
    for (const system of this.opts.tree.systems.values()) {
      if (system.resetTarget !== path) continue;
      resetSystem(system, await readJsonObject(req, this.opts.timeoutMs), this.opts);
      return { status: 204 };
    }
    const action = /^(.*)\/Actions\/([^/]+)$/.exec(path);
    if (action?.[1] && action[2] && this.exists(action[1])) {
      throw new RedfishError(400, message('ActionNotSupported', [action[2]]));
    }
    throw this.exists(path) ? methodNotAllowed(path, this.allowed(path)) : this.missing(path);
  }

  private delete(path: string): Reply {
    if (path.startsWith(`${SESSIONS_PATH}/`)) {
      if (!this.sessions.delete(path.slice(SESSIONS_PATH.length + 1))) throw this.missing(path);
      return { status: 204 };
    }
    throw this.exists(path) ? methodNotAllowed(path, this.allowed(path)) : this.missing(path);
  }

  private exists(path: string): boolean {
    return path === SESSIONS_PATH || this.opts.tree.entries.has(path);
  }

  private allowed(path: string): string {
    if (path === SESSIONS_PATH) return 'GET, HEAD, POST';
    return this.clocks.has(path) ? 'GET, HEAD, PATCH' : 'GET, HEAD';
  }

  private missing(path: string): RedfishError {
    return new RedfishError(404, message('ResourceMissingAtURI', [path]));
  }
}

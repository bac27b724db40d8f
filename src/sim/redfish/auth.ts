/**
 * Who may talk to a BMC: HTTP Basic with the BMH's credentials, or an X-Auth-Token from a Redfish
 * session (DSP0266 "Session management"). Sessions expire after the SessionService's idle
 * timeout; their number is bounded as on real BMCs. Neither passwords nor tokens are ever logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface BmcCredentials {
  username: string;
  password: string;
}

export interface BmcSession {
  id: string;
  token: string;
  username: string;
  lastUsedMs: number;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison of a login against the BMC's single account. */
export function credentialsMatch(username: string, password: string, creds: BmcCredentials): boolean {
  const userOk = timingSafeEqual(digest(username), digest(creds.username));
  const passOk = timingSafeEqual(digest(password), digest(creds.password));
  return userOk && passOk;
}

/** The user and password of an `Authorization: Basic` header, or undefined when it is not one. */
export function parseBasicAuth(header: string | undefined): BmcCredentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class SessionStore {
  private readonly byToken = new Map<string, BmcSession>();

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly limit = 64,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** A new session, or undefined when the limit is reached. */
  create(username: string): BmcSession | undefined {
    this.expire();
    if (this.byToken.size >= this.limit) return undefined;
    const session: BmcSession = {
      id: randomBytes(8).toString('hex').toUpperCase(),
      token: randomBytes(24).toString('hex'),
      username,
      lastUsedMs: this.nowMs(),
    };
    this.byToken.set(session.token, session);
    return session;
  }

  /** The live session holding `token` (its idle timer restarts), or undefined. */
  authenticate(token: string): BmcSession | undefined {
    this.expire();
    const tokenDigest = digest(token);
    for (const session of this.byToken.values()) {
      if (timingSafeEqual(digest(session.token), tokenDigest)) {
        session.lastUsedMs = this.nowMs();
        return session;
      }
    }
    return undefined;
  }

  get(id: string): BmcSession | undefined {
    this.expire();
    return this.list().find((s) => s.id === id);
  }

  delete(id: string): boolean {
    const session = this.get(id);
    return session ? this.byToken.delete(session.token) : false;
  }

  list(): BmcSession[] {
    return [...this.byToken.values()];
  }

  clear(): void {
    this.byToken.clear();
  }

  private expire(): void {
    const cutoff = this.nowMs() - this.idleTimeoutMs;
    for (const [token, session] of this.byToken) if (session.lastUsedMs < cutoff) this.byToken.delete(token);
  }
}

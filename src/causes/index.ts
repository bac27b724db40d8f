/**
 * Every root cause, one module each. The registry's type makes a cause id without its module a
 * compile error; docs/causes/<id>.md is checked against it by a test.
 */
import type { CauseId } from '../core/causes.js';
import type { Fix } from '../core/report.js';
import { bmhStuck } from './bmh-stuck.js';
import { csrPending } from './csr-pending.js';
import { mcsCaMismatch } from './mcs-ca-mismatch.js';
import { mcsCertCorrupt } from './mcs-cert-corrupt.js';
import { mcsCertExpired } from './mcs-cert-expired.js';
import { mcsCertExpiring } from './mcs-cert-expiring.js';
import { mcsCertInvalid } from './mcs-cert-invalid.js';
import { mcsConfigNotFound } from './mcs-config-not-found.js';
import { mcsNotRunning } from './mcs-not-running.js';
import { mcsNotTls } from './mcs-not-tls.js';
import { mcsSanMismatch } from './mcs-san-mismatch.js';
import { mcsServerError } from './mcs-server-error.js';
import { mcsUnreachable } from './mcs-unreachable.js';
import { nodeNotReady } from './node-not-ready.js';
import { pointerUnsupportedVersion } from './pointer-unsupported-version.js';
import type { CauseModule, FixContext } from './types.js';
import { workerClockSkew } from './worker-clock-skew.js';

export const CAUSE_MODULES: { readonly [Id in CauseId]: CauseModule<Id> } = {
  'mcs-cert-expired': mcsCertExpired,
  'mcs-ca-mismatch': mcsCaMismatch,
  'worker-clock-skew': workerClockSkew,
  'mcs-san-mismatch': mcsSanMismatch,
  'mcs-unreachable': mcsUnreachable,
  'mcs-not-running': mcsNotRunning,
  'mcs-cert-corrupt': mcsCertCorrupt,
  'mcs-cert-expiring': mcsCertExpiring,
  'csr-pending': csrPending,
  'bmh-stuck': bmhStuck,
  'mcs-config-not-found': mcsConfigNotFound,
  'mcs-server-error': mcsServerError,
  'mcs-not-tls': mcsNotTls,
  'mcs-cert-invalid': mcsCertInvalid,
  'pointer-unsupported-version': pointerUnsupportedVersion,
  'node-not-ready': nodeNotReady,
};

export function causeModule(id: CauseId): CauseModule {
  return CAUSE_MODULES[id] as CauseModule;
}

/** The fix for a cause: the mcs-doctor command (when it has a plan) and the same by hand. */
export function fixFor(id: CauseId, ctx: FixContext): Fix {
  const m = causeModule(id);
  const byHand = m.fix(ctx);
  const command = m.remedy.plan
    ? `mcs-doctor fix ${id}${ctx.host ? ` --host ${ctx.host}` : ''}`
    : `# no mcs-doctor fix: ${m.remedy.why}`;
  return { command, ...byHand };
}

export type { CauseModule, FixContext } from './types.js';
export { causeOfFetch, causeOfVerification } from './from-verification.js';

/** Small texts every stage writes the same way. */
import type { HostFacts } from '../../checks/facts/hosts.js';
import type { VerifyResult } from '../../pki/types.js';

export function certText(v: VerifyResult | undefined): string {
  return v ? (v.ok ? 'verifies' : (v.error ?? v.reason)) : 'not evaluated';
}

export function ips(h: HostFacts): string {
  return h.ips.length > 0 ? h.ips.join(', ') : '(no address known)';
}

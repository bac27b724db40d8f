/** Small texts every stage writes the same way. */
import type { HostFacts } from '../../checks/facts/hosts.js';
import type { VerifyResult } from '../../pki/types.js';

export function certText(v: VerifyResult | undefined): string {
  return v ? (v.ok ? 'verifies' : (v.error ?? v.reason)) : 'not evaluated';
}

export function ips(h: HostFacts): string {
  return h.ips.length > 0 ? h.ips.join(', ') : '(no address known)';
}

/** An offset from this machine's clock, in the largest unit that keeps it readable. */
export function humanSeconds(s: number): string {
  const a = Math.abs(s);
  const sign = s < 0 ? '-' : '+';
  if (a < 120) return `${sign}${a}s`;
  if (a < 7200) return `${sign}${Math.round(a / 60)}m`;
  if (a < 172800) return `${sign}${Math.round(a / 3600)}h`;
  return `${sign}${Math.round(a / 86400)}d`;
}

/** "now" live; the must-gather's time offline. */
export function nowLabel(sourceKind: 'live' | 'must-gather'): string {
  return sourceKind === 'must-gather' ? 'must-gather time' : 'now';
}

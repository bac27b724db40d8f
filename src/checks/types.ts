/**
 * A check is a small module, like an ESLint rule: metadata (a stable id, a title, what it is
 * for, what it reads) and one function that turns facts into findings. Checks never call the
 * network or the API themselves; the source and the probes did, and the facts hold the result.
 */
import type { Finding } from '../core/report.js';
import type { Facts } from './facts/index.js';

export interface CheckMeta {
  /** Stable id: documentation and JSON consumers rely on it. */
  id: string;
  title: string;
  /** What the check looks at and why it matters for a join. */
  docs: string;
  /** What it reads, for people and for the RBAC manifest. */
  needs: string[];
}

export interface Check {
  meta: CheckMeta;
  run(facts: Facts): Finding[];
}

export function finding(
  status: Finding['status'],
  message: string,
  extra: Partial<Omit<Finding, 'status' | 'message'>> = {},
): Finding {
  return { status, message, evidence: extra.evidence ?? [], ...extra };
}

/** A read that failed, as a finding: `unknown`, with the permission to grant when RBAC refused it. */
export function unreadable(
  what: string,
  read: { ok: false; reason: string; message: string; permission?: string },
): Finding {
  if (read.reason === 'forbidden') {
    return finding('unknown', `${what} could not be read: forbidden; grant "${read.permission}"`, {
      permission: read.permission,
      evidence: [{ text: read.message }],
    });
  }
  if (read.reason === 'not-collected')
    return finding('unknown', `${what}: not in the must-gather`, { evidence: [{ text: read.message }] });
  return finding('unknown', `${what} could not be read: ${read.message}`);
}

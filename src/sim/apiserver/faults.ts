/**
 * Injected API trouble: etcd hiccups (500s), a slow apiserver, watches that drop. Discovery,
 * /version and the health endpoints are never failed or slowed: clients cache discovery and a
 * real control plane under etcd pressure still answers them from memory.
 */
import { ApiError } from './status.js';

export interface ApiFaults {
  /** Fraction (0..1) of resource requests that answer 500 InternalError. */
  errorRate?: number;
  /** Milliseconds added to every resource request. */
  latencyMs?: number;
  /** Every watch connection is cut abruptly after this many milliseconds. */
  watchDropMs?: number;
}

const ACCEPTED = 'api-error-rate=<0..1>, api-latency=<N>ms|<N>s, watch-drop=<N>ms|<N>s|<N>m';

function duration(text: string, fault: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!m)
    throw new Error(`invalid fault "${fault}": "${text}" is not a duration; accepted forms: ${ACCEPTED}`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000);
}

/** Parses one CLI fault (`api-error-rate=0.1`, `api-latency=300ms`, `watch-drop=30s`). */
export function parseFault(text: string): ApiFaults {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text.trim() : text.slice(0, eq).trim();
  const value = eq < 0 ? '' : text.slice(eq + 1);
  switch (name) {
    case 'api-error-rate': {
      const rate = Number(value);
      if (value.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
        throw new Error(
          `invalid fault "${text}": the error rate must be a number from 0 to 1; accepted forms: ${ACCEPTED}`,
        );
      }
      return { errorRate: rate };
    }
    case 'api-latency':
      return { latencyMs: duration(value, text) };
    case 'watch-drop': {
      const ms = duration(value, text);
      if (ms <= 0)
        throw new Error(
          `invalid fault "${text}": watch-drop must be longer than 0; accepted forms: ${ACCEPTED}`,
        );
      return { watchDropMs: ms };
    }
    default:
      throw new Error(`unknown fault "${text}"; accepted forms: ${ACCEPTED}`);
  }
}

/** Several faults given one by one, merged (later ones win). */
export function parseFaults(texts: string[]): ApiFaults {
  return texts.reduce<ApiFaults>((all, t) => ({ ...all, ...parseFault(t) }), {});
}

/** What an etcd timeout looks like through the apiserver. */
export function injectedEtcdError(): ApiError {
  return new ApiError(500, 'InternalError', 'etcdserver: request timed out', {
    causes: [{ message: 'etcdserver: request timed out' }],
  });
}

/** Worker-style pointer Ignition configs (what `worker-user-data` holds), as oracle-scripts/mkpointer.sh writes them. */

export interface PointerSpec {
  url: string;
  /** PEM of each CA, in order. */
  caPems: string[];
  caEncoding?: 'base64' | 'percent';
  spec?: 2 | 3;
  /** ignition.version of a spec-3 pointer (default 3.2.0, what installers write). */
  specVersion?: string;
  /** Bounds Ignition's retries (it otherwise retries transport errors and 5xx forever). */
  httpTotal?: number;
}

function caSource(pem: string, encoding: 'base64' | 'percent'): string {
  return encoding === 'base64'
    ? `data:text/plain;charset=utf-8;base64,${Buffer.from(pem, 'utf8').toString('base64')}`
    : `data:,${encodeURIComponent(pem)}`;
}

export function pointerConfigJson(p: PointerSpec): string {
  const cas = p.caPems.map((pem) => ({ source: caSource(pem, p.caEncoding ?? 'base64') }));
  const timeouts = p.httpTotal === undefined ? {} : { timeouts: { httpTotal: p.httpTotal } };
  const ignition =
    p.spec === 2
      ? {
          version: '2.2.0',
          config: { append: [{ source: p.url }] },
          security: { tls: { certificateAuthorities: cas } },
        }
      : {
          version: p.specVersion ?? '3.2.0',
          config: { merge: [{ source: p.url }] },
          security: { tls: { certificateAuthorities: cas } },
        };
  return `${JSON.stringify({ ignition: { ...ignition, ...timeouts } }, null, 2)}\n`;
}

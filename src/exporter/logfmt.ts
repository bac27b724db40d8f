/**
 * The exporter's log lines: logfmt on stderr. They never carry a token, a key or a BMC password:
 * only names, counts and the API's or the network's own error texts.
 */

/** One logfmt line: `time=... level=info msg="..." key=value`. */
export function logfmt(
  level: 'info' | 'warn' | 'error',
  msg: string,
  fields: Record<string, string | number> = {},
): string {
  const q = (v: string | number): string =>
    typeof v === 'number' || /^[\w.:/@-]+$/.test(v) ? String(v) : JSON.stringify(v);
  return [
    `time=${new Date().toISOString()}`,
    `level=${level}`,
    `msg=${JSON.stringify(msg)}`,
    ...Object.entries(fields).map(([k, v]) => `${k}=${q(v)}`),
  ].join(' ');
}

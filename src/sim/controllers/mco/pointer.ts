/**
 * The pointer Ignition the MCO renders into `<pool>-user-data-managed` (ctrlcommon.PointerConfig,
 * marshalled by encoding/json from the vendored ign3types: empty structs are kept, fields in
 * struct order), and Go's json.Marshal of an untyped value (sorted keys) for the cert rotation
 * controller's rewrite of unmanaged user-data.
 */
import { versionAtLeast, type OpenShiftVersion } from '../../seed.js';

/** ign3types.MaxVersion of the Ignition types each release vendors (v3_2, v3_4, v3_5). */
export function pointerSpecVersion(version: OpenShiftVersion): string {
  if (versionAtLeast(version, '4.19')) return '3.5.0';
  if (versionAtLeast(version, '4.16')) return '3.4.0';
  return '3.2.0';
}

/** dataurl.EncodeBytes of a PEM: http.DetectContentType says text/plain; charset=utf-8. */
export function caDataUrl(pem: string | Buffer): string {
  return `data:text/plain;charset=utf-8;base64,${Buffer.from(pem).toString('base64')}`;
}

/** Go's HTML-safe escaping in encoding/json. */
function goJsonString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function pointerConfigJson(
  version: OpenShiftVersion,
  ignitionHost: string,
  pool: string,
  caPem: string,
): string {
  const spec = pointerSpecVersion(version);
  const source = goJsonString(`https://${ignitionHost}/config/${pool}`);
  const ca = goJsonString(caDataUrl(caPem));
  const kernelArguments = spec === '3.2.0' ? '' : ',"kernelArguments":{}';
  return (
    `{"ignition":{"config":{"merge":[{"source":${source},"verification":{}}],"replace":{"verification":{}}},` +
    `"proxy":{},"security":{"tls":{"certificateAuthorities":[{"source":${ca},"verification":{}}]}},` +
    `"timeouts":{},"version":"${spec}"}${kernelArguments},"passwd":{},"storage":{},"systemd":{}}`
  );
}

/** encoding/json.Marshal of a decoded interface{}: map keys sorted, HTML-safe strings. */
export function goMarshal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goMarshal).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${goJsonString(k)}:${goMarshal(obj[k])}`).join(',')}}`;
}

import type { CertInfo } from '../pki/types.js';

export type PointerSourceKind = 'merge' | 'replace' | 'append';

export interface PointerSource {
  kind: PointerSourceKind;
  url: string;
  /** JSON path of the source in the config, e.g. "$.ignition.config.merge[0].source". */
  path: string;
}

export type CaEncoding = 'base64' | 'percent' | 'inline-pem' | 'remote';

export interface PointerCa {
  index: number;
  /** JSON path, e.g. "$.ignition.security.tls.certificateAuthorities[0].source". */
  path: string;
  encoding: CaEncoding;
  /** Raw source as written (a data URL, or an https URL when remote). */
  source: string;
  /** Certificates decoded from the source; empty for remote sources (not fetched). */
  certs: CertInfo[];
}

export interface PointerConfig {
  /** Where it came from: a file path, "stdin", or "secret <ns>/<name>". */
  origin: string;
  specVersion: string;
  major: 2 | 3;
  sources: PointerSource[];
  certificateAuthorities: PointerCa[];
  timeouts: { httpResponseHeaders?: number; httpTotal?: number };
  /** Proxy settings, when present (Ignition only honours these, never the environment). */
  proxy?: { httpProxy?: string; httpsProxy?: string; noProxy?: string[] };
}

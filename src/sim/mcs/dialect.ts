/**
 * What the machine-config-server writes per release: the `file:line` of each klog/glog call and
 * how it formats the pool request, as the real sources on each MCO release branch have them
 * (openshift/machine-config-operator, pkg/server/api.go and cmd/machine-config-server/start.go):
 *
 * | branch       | logger | Version line  | Launching   | Pool ... requested    | Accept error | couldn't get config        |
 * |--------------|--------|---------------|-------------|-----------------------|--------------|----------------------------|
 * | release-4.10 | glog   | start.go:38   | api.go:65   | api.go:110 `Pool %s`  | api.go:116   | api.go:129 `req: %v`       |
 * | release-4.12 | glog   | start.go:38   | api.go:64   | api.go:109 `Pool %s`  | api.go:115   | api.go:128 `req: %v`       |
 * | release-4.16 | klog   | start.go:38   | api.go:65   | api.go:116 `Pool %q`  | api.go:122   | api.go:135 `req: %+v`      |
 * | release-4.19 | klog   | start.go:44   | api.go:68   | api.go:126 `Pool %q`  | api.go:132   | api.go:145 `req: %+v`      |
 *
 * glog and klog write the same header (`I0914 14:19:33.110923       1 api.go:109] ...`). `%q` for
 * the pool and `%+v` for the request came together with MCO commit 6ac31a21a ("Updates message
 * verbs to use %q where appropriate", May 2024, on the 4.15+ branches). 4.19's start.go also logs
 * `Launching server with tls min version: ...` (start.go:55) before the servers start.
 */
import { randomBytes } from 'node:crypto';
import { goQuote } from '../../pki/goquote.js';
import type { OpenShiftVersion } from '../seed.js';

export interface McsLogDialect {
  /** `klog.Infof("Version: %+v (%s)", ...)` in start.go. */
  versionSource: string;
  /** start.go's `Launching server with tls min version: %v & cipher suites %v` (4.19+ only). */
  tlsSettings?: { source: string; message: string };
  /** `Launching server on %s` in api.go's Serve. */
  launchingSource: string;
  /** `Pool %s|%q requested by address:%q User-Agent:%q Accept-Header: %q`. */
  poolRequestedSource: string;
  quotePool: boolean;
  /** `glog.Error(err)` / `klog.Error(err.Error())` for an unsupported Accept header. */
  acceptErrorSource: string;
  /** `couldn't get config for req: %v|%+v, error: %v`. */
  getConfigErrorSource: string;
  /** `%+v` names the struct fields of the poolRequest. */
  requestWithFieldNames: boolean;
}

/**
 * release-4.9 / release-4.10 (glog: Launching api.go:65, Pool api.go:110 `%s`, Accept error
 * api.go:116, couldn't get config api.go:129 `%v`): the default of an endpoint started without a
 * release (the oracle and endpoint tests run it so).
 */
export const DEFAULT_MCS_DIALECT: McsLogDialect = {
  versionSource: 'start.go:38',
  launchingSource: 'api.go:65',
  poolRequestedSource: 'api.go:110',
  quotePool: false,
  acceptErrorSource: 'api.go:116',
  getConfigErrorSource: 'api.go:129',
  requestWithFieldNames: false,
};

/** crypto/tls names of the TLS 1.2 and 1.3 suites the MCS's intermediate TLS profile allows. */
const INTERMEDIATE_SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];

export function mcsLogDialect(version: OpenShiftVersion): McsLogDialect {
  switch (version) {
    case '4.12':
      return {
        versionSource: 'start.go:38',
        launchingSource: 'api.go:64',
        poolRequestedSource: 'api.go:109',
        quotePool: false,
        acceptErrorSource: 'api.go:115',
        getConfigErrorSource: 'api.go:128',
        requestWithFieldNames: false,
      };
    case '4.16':
      return {
        versionSource: 'start.go:38',
        launchingSource: 'api.go:65',
        poolRequestedSource: 'api.go:116',
        quotePool: true,
        acceptErrorSource: 'api.go:122',
        getConfigErrorSource: 'api.go:135',
        requestWithFieldNames: true,
      };
    case '4.19':
      return {
        versionSource: 'start.go:44',
        tlsSettings: {
          source: 'start.go:55',
          message: `Launching server with tls min version: VersionTLS12 & cipher suites [${INTERMEDIATE_SUITES.join(' ')}]`,
        },
        launchingSource: 'api.go:68',
        poolRequestedSource: 'api.go:126',
        quotePool: true,
        acceptErrorSource: 'api.go:132',
        getConfigErrorSource: 'api.go:145',
        requestWithFieldNames: true,
      };
  }
}

/** The pool name as the `Pool ... requested by` line prints it. */
export function formatPoolName(dialect: McsLogDialect, pool: string): string {
  return dialect.quotePool ? goQuote(pool) : pool;
}

/**
 * Go's `%v` / `%+v` of `poolRequest{machineConfigPool string; version *semver.Version}`. Both
 * fields are unexported, so fmt does not call String() on the version: the pointer prints as a
 * heap address (`0xc000a1b2c0`).
 */
export function formatPoolRequest(dialect: McsLogDialect, pool: string): string {
  const address = `0xc000${randomBytes(3).toString('hex').slice(0, 5)}0`;
  return dialect.requestWithFieldNames
    ? `{machineConfigPool:${pool} version:${address}}`
    : `{${pool} ${address}}`;
}

/** Every check, in report order. Ids are stable: documentation and JSON consumers rely on them. */
import type { Check } from './types.js';
import { clusterVersion } from './rules/cluster-version.js';
import { infrastructure } from './rules/infrastructure.js';
import { mcsPods } from './rules/mcs-pods.js';
import { mcsLogs } from './rules/mcs-logs.js';
import { mcoClusterOperator } from './rules/mco-operator.js';
import { servingCert } from './rules/serving-cert.js';
import { caSources } from './rules/ca-sources.js';
import { userDataSecrets } from './rules/user-data.js';
import { userDataReferences } from './rules/user-data-refs.js';
import { mcsEndpoint } from './rules/mcs-endpoint.js';
import { bmcClock } from './rules/bmc-clock.js';
import { bmhState } from './rules/bmh-state.js';
import { machineLinks } from './rules/machine-links.js';
import { nodeCsrs } from './rules/node-csrs.js';
import { nodeStatus } from './rules/node-status.js';
import { tlsSecretsExpiry } from './rules/tls-secrets-expiry.js';

export const CHECKS: readonly Check[] = [
  clusterVersion,
  infrastructure,
  mcsPods,
  mcsLogs,
  mcoClusterOperator,
  servingCert,
  caSources,
  userDataSecrets,
  userDataReferences,
  mcsEndpoint,
  bmcClock,
  bmhState,
  machineLinks,
  nodeCsrs,
  nodeStatus,
  tlsSecretsExpiry,
];

export type { Check, CheckMeta } from './types.js';

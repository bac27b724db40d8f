export { startBmc, DEFAULT_BMC_TIMEOUT_MS, type BmcOptions, type RunningBmc } from './bmc.js';
export {
  RedfishBmcs,
  bmcAddressFor,
  defaultMockupDir,
  MOCKUP_SYSTEM_ID,
  IPMI_PORT,
  type RedfishBmcsOptions,
} from './component.js';
export { formatRedfishDateTime, parseRedfishDateTime, parseLocalOffset } from './datetime.js';
export { loadMockupTree, type MockupTree } from './tree.js';
export type { BmcCredentials } from './auth.js';

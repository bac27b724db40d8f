export type * from './types.js';
export { workerFetch, probeReasonForVerify } from './fetch.js';
export {
  IGNITION_SPEC3_ACCEPT,
  IGNITION_LEGACY_ACCEPT,
  IGNITION_USER_AGENT,
  IGNITION_LEGACY_USER_AGENT,
  MCS_DOCTOR_MARK,
  PROBE_USER_AGENT,
  markedUserAgent,
  isMcsDoctorUserAgent,
  DEFAULT_STEP_TIMEOUT_MS,
} from './ignition-client.js';
export { IGNITION_FINAL, goStatusText } from './go-errors.js';
export { parseTarget, type FetchTarget } from './url.js';

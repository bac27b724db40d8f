/**
 * mcs-doctor as a library: the same engines the CLI uses, for scripts and other tools.
 * Everything exported here is part of the public API.
 */
export * from './pki/index.js';
export * from './probes/index.js';
export type * from './ignition/types.js';
export { parsePointer } from './ignition/pointer.js';
export { readPointer, readCertificateBundle } from './ignition/input.js';
export { parseDataUrl, isDataUrl } from './ignition/dataurl.js';
export { explainLog, explainStream, type ExplainResult, type CauseReport } from './ignition/log.js';
export { CAUSES, CAUSE_IDS, type CauseId } from './core/causes.js';
export { ExitCode, UserError, InputError, UnreachableError } from './core/errors.js';
export { VERSION } from './version.js';
export { diagnose } from './diagnosis/diagnose.js';
export type * from './core/report.js';
export type { DiagnoseOptions } from './checks/facts/index.js';
export { CHECKS, type Check, type CheckMeta } from './checks/index.js';
export { openLiveSource, type LiveSourceOptions } from './sources/live.js';
export { openMustGather } from './sources/must-gather/index.js';
export type * from './sources/types.js';
export { readBmcClock, type BmcClock } from './probes/redfish.js';

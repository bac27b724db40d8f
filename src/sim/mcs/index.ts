export { startMcsEndpoint } from './endpoint.js';
export type { McsEndpoint, McsEndpointOptions, McsFaults, McsTlsMaterial } from './endpoint.js';
export { chooseSpecVersion, parseAcceptHeader } from './accept.js';
export { buildPoolConfig, renderedConfigName } from './ignition-config.js';
export type { PoolContent } from './ignition-config.js';
export { formatKlogLine, KlogSink } from './klog.js';
export { assertLoopback, isLoopbackAddress } from './loopback.js';

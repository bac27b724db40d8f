export { McoController } from './controller.js';
export type { McsPodInfo } from './mcs-daemonset.js';
export { loadX509KeyPair } from './go-keypair.js';
export { pointerConfigJson, pointerSpecVersion } from './pointer.js';
export { goHandshakeError } from '../../mcs/handshake-error.js';

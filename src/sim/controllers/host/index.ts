export { HostMachines, EMERGENCY_REBOOT_TIMEOUT_MS } from './host-machines.js';
export { bootImageFor, ignitionRequestHeaders, type BootImage } from './boot-image.js';
export {
  KUBELET_CLIENT_SIGNER,
  KUBELET_SERVING_SIGNER,
  NODE_BOOTSTRAPPER_GROUPS,
  NODE_BOOTSTRAPPER_USERNAME,
  NODE_GROUPS,
  createCsrPem,
  csrObject,
  kubeletClientCsr,
  kubeletServingCsr,
} from './csr-request.js';
export { IGNITION_INITIAL_BACKOFF_MS, IGNITION_MAX_BACKOFF_MS } from './ignition-fetch.js';

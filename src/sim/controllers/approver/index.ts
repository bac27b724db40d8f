export {
  CsrControllers,
  APPROVER_CONFIG_MAP,
  APPROVER_CONTAINER,
  APPROVER_NAMESPACE,
  readApproverConfig,
  type CsrControllersOptions,
} from './csr-controllers.js';
export {
  APPROVE_MESSAGE,
  APPROVE_REASON,
  countRecentPendingNodeCsrs,
  evaluateCsr,
  isPendingNodeCsr,
  parseCsrRequest,
  type ApproverConfig,
  type ApproverLogLine,
  type CsrDecision,
  type CsrEvaluationInput,
} from './csr-rules.js';
export { KubeletSigner, KUBELET_CERT_DURATION_MS, signable, signerRefusal } from './signer.js';

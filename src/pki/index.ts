/** pki/: certificates parsed and verified exactly as Go 1.19 crypto/x509 (Ignition) does. */
export type * from './types.js';
export { parseCertificate, parseCertificates, derToPem } from './parse.js';
export { parsePrivateKey, keyMatchesCertificate } from './keys.js';
export { verifyChain } from './verify.js';
export { verifyHostname, hostnameErrorText } from './hostname.js';
export { formatRFC3339 } from './gotime.js';
export { issueCertificate, type IssuedCert, type IssueOptions, type KeyAlgorithm } from './issue.js';

export { BareMetalOperator, type BareMetalOperatorOptions } from './baremetal-operator.js';
export {
  BmcAddressError,
  parseBmcAddress,
  type BmcAccess,
  type BmcAddressErrorKind,
} from '../../../metal3/bmc-address.js';
export * from './bmh.js';

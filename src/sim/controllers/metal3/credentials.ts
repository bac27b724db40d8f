/**
 * The BMC side of registration. Ironic talks to the BMC over Redfish or IPMI; here the BMO acts
 * on the simulated machine in-process and checks the credentials exactly as its BMC does (the
 * username and password the BMC was set up with), and the protocol it serves. Secret handling
 * and its messages follow BMO `buildAndValidateBMCCredentials` and `controllers/errors.go`.
 */
import type { SimHost } from '../../context.js';
import type { ObjectStore } from '../../kube/store.js';
import type { KubeObject } from '../../kube/types.js';
import type { BmcAccess } from '../../../metal3/bmc-address.js';
import type { BareMetalHost } from './bmh.js';

/** The only System in the DMTF public-rackmount1 mockup the BMCs serve (what sushy finds). */
export const MOCKUP_SYSTEM_ID = '437XR1138R2';

export interface BmcCredentials {
  username: string;
  password: string;
  secret: KubeObject;
}

export type CredentialsProblem = { kind: 'missing-secret' | 'invalid'; message: string };

function decode(value: unknown): string {
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '';
}

export function readBmcCredentials(
  store: ObjectStore,
  bmh: BareMetalHost,
): BmcCredentials | CredentialsProblem {
  const ns = bmh.metadata.namespace ?? '';
  const name = bmh.spec?.bmc?.credentialsName ?? '';
  if (name === '') {
    return { kind: 'invalid', message: 'No BMC CredentialsName defined The BMC secret reference is empty' };
  }
  const secret = store.get(store.type('secrets', ''), ns, name);
  if (!secret) {
    return {
      kind: 'missing-secret',
      message: `BMC CredentialsName secret doesn't exist The BMC secret ${ns}/${name} does not exist`,
    };
  }
  if (!bmh.spec?.bmc?.address) {
    return { kind: 'invalid', message: "Empty BMC address Missing BMC connection detail 'Address'" };
  }
  const data = (secret.data ?? {}) as Record<string, unknown>;
  const username = decode(data.username).trim();
  const password = decode(data.password).trim();
  if (username === '') {
    return {
      kind: 'invalid',
      message:
        "Validation error with BMC credentials: Missing BMC connection detail 'username' in credentials",
    };
  }
  if (password === '') {
    return {
      kind: 'invalid',
      message:
        "Validation error with BMC credentials: Missing BMC connection details 'password' in credentials",
    };
  }
  return { username, password, secret };
}

/**
 * What Ironic's verify step (enroll -> manageable: read the power state) reports, as the node's
 * last_error, or undefined when the BMC answers. The wording follows Ironic's conductor
 * ("Failed to get power state for node ...") and sushy's HTTPError; it is not copied from a
 * captured log, so treat the details as plausible rather than verbatim.
 */
export function verifyBmcAccess(
  nodeId: string,
  access: BmcAccess,
  machine: SimHost | undefined,
  creds: { username: string; password: string },
): string | undefined {
  const prefix = `Failed to get power state for node ${nodeId}. Error:`;
  if (access.redfish) {
    const base = access.redfishAddress ?? `https://${access.host}`;
    const system = access.systemId ?? `/redfish/v1/Systems/${MOCKUP_SYSTEM_ID}`;
    if (!machine || machine.seed.bmc.protocol !== 'redfish') {
      return `${prefix} Redfish connection failed for node ${nodeId}: Unable to connect to ${base}/redfish/v1. Error: HTTPConnectionPool(host='${access.host}', port=${access.port ?? 443}): Max retries exceeded with url: /redfish/v1 (Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] ECONNREFUSED'))`;
    }
    if (creds.username !== machine.seed.bmc.username || creds.password !== machine.seed.bmc.password) {
      return `${prefix} HTTP GET ${base}${system} returned code 401. Base.1.0.GeneralError: Unauthorized`;
    }
    return undefined;
  }
  if (!machine) {
    return `${prefix} IPMI call failed: power status.`;
  }
  if (creds.username !== machine.seed.bmc.username || creds.password !== machine.seed.bmc.password) {
    // ipmitool's answer to a wrong password: RAKP 2 HMAC invalid, reported by Ironic as a failed call.
    return `${prefix} IPMI call failed: power status.`;
  }
  return undefined;
}

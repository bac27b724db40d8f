/**
 * `bmc-time --set` and its undo. A host's BMC is reached with the address and the credentials
 * secret of its BareMetalHost, read where the BareMetalHost operator reads them (the secret's
 * `username` and `password`, whitespace-trimmed); the credentials are never written anywhere.
 * Before any clock changes, the backup directory (0700, manifest 0600) records each clock as it
 * was: its offset from this machine, the text the BMC gave, its local offset. `restore DIR`
 * sets each clock back to that offset (the old BMC time plus the time elapsed since), with the
 * credentials the host's secret has then.
 */
import { secretValue } from '../checks/facts/secret-data.js';
import { BmcAddressError, parseBmcAddress, type BmcAccess } from '../metal3/bmc-address.js';
import {
  bmcDisplay,
  protocolOf,
  readClock,
  setClock,
  withoutUserinfo,
  type BmcEndpoint,
} from '../probes/bmc-clock.js';
import { RESOURCES } from '../sources/resources.js';
import type { KubeObject } from '../sources/types.js';
import type { BackupClock, BackupDir } from './backup.js';
import type { KubeApi } from './kube-api.js';

/** The `cause` a bmc-time backup carries in its manifest (it is no root cause: no fix resumes it). */
export const BMC_TIME_BACKUP = 'bmc-time';

export interface BmcHostRef {
  namespace: string;
  name: string;
  bmcAddress?: string;
  credentialsName?: string;
  insecure: boolean;
}

/** The host's credentials secret as read: the object, or why there is none to use. */
export type SecretLookup = { secret: KubeObject } | { problem: string };

export type EndpointOutcome =
  | { ok: true; endpoint: BmcEndpoint; bmc: string }
  | { ok: false; status: 'unsupported' | 'no-credentials'; bmc: string; message: string };

/**
 * How to reach the host's BMC: its address parsed as the BareMetalHost operator of `version`
 * parses it, its credentials from the secret; or why it cannot be reached (an address Metal3
 * refuses: `unsupported`; no usable secret: `no-credentials`).
 */
export function bmcEndpointOf(
  host: BmcHostRef,
  lookup: (namespace: string, name: string) => SecretLookup,
  version: string | null,
  timeoutMs: number,
  ipmitool?: string,
): EndpointOutcome {
  if (!host.bmcAddress) {
    return {
      ok: false,
      status: 'unsupported',
      bmc: '-',
      message: 'the BareMetalHost has no spec.bmc.address',
    };
  }
  let access: BmcAccess;
  try {
    access = parseBmcAddress(host.bmcAddress, version ? { version } : {});
  } catch (err) {
    const message = err instanceof BmcAddressError ? err.message : String(err);
    return {
      ok: false,
      status: 'unsupported',
      bmc: '(invalid address)',
      message: `Metal3 refuses the BMC address${version ? ` on OpenShift ${version}` : ''}: ${withoutUserinfo(message)}`,
    };
  }
  const bmc = bmcDisplay(access);
  if (protocolOf(access) === null) {
    return {
      ok: false,
      status: 'unsupported',
      bmc,
      message: `${access.type} BMCs (Ironic driver ${access.driver}) are neither Redfish nor IPMI: mcs-doctor cannot read their clock`,
    };
  }
  if (!host.credentialsName) {
    return {
      ok: false,
      status: 'no-credentials',
      bmc,
      message: 'the BareMetalHost names no credentials secret (spec.bmc.credentialsName)',
    };
  }
  const found = lookup(host.namespace, host.credentialsName);
  if ('problem' in found) return { ok: false, status: 'no-credentials', bmc, message: found.problem };
  const user = secretValue(found.secret, 'username');
  const pass = secretValue(found.secret, 'password');
  const missing = [
    ...(user.kind !== 'value' || user.text.trim() === '' ? ['username'] : []),
    ...(pass.kind !== 'value' || pass.text.trim() === '' ? ['password'] : []),
  ];
  if (missing.length > 0 || user.kind !== 'value' || pass.kind !== 'value') {
    return {
      ok: false,
      status: 'no-credentials',
      bmc,
      message: `the credentials secret ${host.namespace}/${host.credentialsName} has no ${missing.join(' and ')}`,
    };
  }
  return {
    ok: true,
    bmc,
    endpoint: {
      access,
      address: host.bmcAddress,
      username: user.text.trim(),
      password: pass.text.trim(),
      insecure: host.insecure,
      timeoutMs,
      ipmitool,
    },
  };
}

/** One clock of the plan: the host, how to reach it, and its clock as read for the plan. */
export interface PlannedClock {
  host: BmcHostRef;
  endpoint: BmcEndpoint;
  bmc: string;
  manager: string;
  offsetMs: number;
  dateTime: string;
  bmcTime: string;
  localOffset?: string;
}

export interface ClockSetOutcome {
  ok: boolean;
  /** What the BMC reads after the change (its own text), when it could be read. */
  reads?: string;
  readsOffsetMs?: number;
  message: string;
}

export const stepIdOf = (c: { host: { namespace: string; name: string } }): string =>
  `bmc-time:${c.host.namespace}/${c.host.name}`;

/** Records every planned clock as it is before anything changes (once per host). */
export async function backUpClocks(backup: BackupDir, clocks: PlannedClock[]): Promise<void> {
  for (const c of clocks) {
    await backup.saveClock({
      host: c.host.name,
      namespace: c.host.namespace,
      manager: c.manager,
      offsetMs: c.offsetMs,
      protocol: protocolOf(c.endpoint.access) ?? undefined,
      bmc: c.bmc,
      dateTime: c.dateTime,
      bmcTime: c.bmcTime,
      localOffset: c.localOffset,
      step: stepIdOf(c),
    });
  }
}

/** Sets one clock to this machine's time, then reads it back. */
export async function setOneClock(c: PlannedClock): Promise<ClockSetOutcome> {
  const set = await setClock(c.endpoint, 0, {
    manager: c.manager,
    localOffset: c.localOffset,
  });
  if (!set.ok)
    return { ok: false, message: `the BMC did not take the new clock (${set.status}): ${set.message}` };
  const after = await readClock(c.endpoint);
  if (!after.ok) return { ok: true, message: `set; reading it back failed: ${after.message}` };
  return {
    ok: true,
    reads: after.dateTime,
    readsOffsetMs: after.offsetMs,
    message: `the BMC reads ${after.dateTime}`,
  };
}

function specBmc(bmh: KubeObject | undefined): {
  address?: string;
  credentialsName?: string;
  disableCertificateVerification?: boolean;
} {
  return (
    (
      (bmh?.['spec'] ?? {}) as {
        bmc?: { address?: string; credentialsName?: string; disableCertificateVerification?: boolean };
      }
    ).bmc ?? {}
  );
}

/**
 * Puts one backed-up clock back: the BMC is set to this machine's time plus the offset it had
 * (its old time plus the time elapsed since), at the local offset it showed (Redfish), through
 * the host's BareMetalHost and credentials secret as they are now. Fix backups (no protocol)
 * are Redfish. Returns what the BMC reads afterwards; throws with the reason otherwise.
 */
export async function restoreBmcClock(api: KubeApi, clock: BackupClock, timeoutMs = 10_000): Promise<string> {
  const bmh = await api.get({ ref: RESOURCES.bareMetalHosts, namespace: clock.namespace, name: clock.host });
  if (!bmh) throw new Error(`BareMetalHost ${clock.namespace}/${clock.host} does not exist any more`);
  const spec = specBmc(bmh);
  const host: BmcHostRef = {
    namespace: clock.namespace,
    name: clock.host,
    bmcAddress: spec.address,
    credentialsName: spec.credentialsName,
    insecure: spec.disableCertificateVerification === true,
  };
  const secrets = new Map<string, KubeObject | undefined>();
  if (spec.credentialsName) {
    secrets.set(
      spec.credentialsName,
      await api.get({ ref: RESOURCES.secrets, namespace: clock.namespace, name: spec.credentialsName }),
    );
  }
  const reached = bmcEndpointOf(
    host,
    (ns, name) => {
      const s = secrets.get(name);
      return s ? { secret: s } : { problem: `the credentials secret ${ns}/${name} does not exist` };
    },
    null,
    timeoutMs,
  );
  if (!reached.ok) throw new Error(reached.message);
  const protocol = protocolOf(reached.endpoint.access);
  if ((clock.protocol ?? 'redfish') !== protocol) {
    throw new Error(
      `the backup holds a ${clock.protocol ?? 'redfish'} clock, but the BareMetalHost's BMC is now ${reached.bmc}`,
    );
  }
  const set = await setClock(reached.endpoint, clock.offsetMs, {
    manager: clock.manager,
    localOffset: clock.localOffset,
  });
  if (!set.ok) throw new Error(`${set.status}: ${set.message}`);
  const now = await readClock(reached.endpoint);
  return now.ok ? `reads ${now.dateTime} again` : 'set';
}

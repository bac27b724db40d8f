/**
 * A BareMetalHost's BMC clock, whatever its protocol: Redfish for every Redfish-family address
 * Metal3 accepts (redfish, redfish-virtualmedia, redfish-uefihttp, ilo5-redfish,
 * ilo5-virtualmedia, idrac-redfish, idrac-virtualmedia, each with +http/+https), IPMI through
 * ipmitool for `ipmi://`, `libvirt://` and bare addresses. Every other driver (ilo4, ilo5,
 * irmc, idrac over WSMAN, ibmc) is `unsupported`: its clock is not read. Each outcome is one of
 * the statuses `bmc-time` prints, with a message that never carries the credentials.
 */
import type { BmcAccess } from '../metal3/bmc-address.js';
import {
  privilegeOf,
  readIpmiClock,
  redactSecrets,
  setIpmiClock,
  type IpmiFailure,
  type IpmiRequest,
} from './ipmi.js';
import { readBmcClock, setBmcClock } from './redfish.js';

export type BmcProtocol = 'redfish' | 'ipmi';

export interface BmcEndpoint {
  access: BmcAccess;
  /** The address as written in the BareMetalHost (for `?privilegelevel=`); never printed. */
  address: string;
  username: string;
  password: string;
  /** `spec.bmc.disableCertificateVerification` (Redfish over https). */
  insecure: boolean;
  timeoutMs: number;
  /** The ipmitool binary (default `ipmitool` on PATH). */
  ipmitool?: string;
}

export type BmcClockFailure = IpmiFailure;

/** What ipmitool needs of an endpoint, for reading and for setting its clock alike. */
function ipmiRequest(host: string, port: number | undefined, endpoint: BmcEndpoint): IpmiRequest {
  return {
    host,
    port: port ?? 623,
    username: endpoint.username,
    password: endpoint.password,
    privilege: privilegeOf(endpoint.address),
    timeoutMs: endpoint.timeoutMs,
    ipmitool: endpoint.ipmitool,
  };
}

export type BmcClockReading =
  | {
      ok: true;
      protocol: BmcProtocol;
      /** The clock as the BMC wrote it: a Redfish DateTime, or ipmitool's line. */
      dateTime: string;
      bmcTime: Date;
      /** The BMC clock minus this machine's, in ms. */
      offsetMs: number;
      /** The Redfish Manager read (its DateTime), or `SEL` for IPMI. */
      manager: string;
      /** Redfish DateTimeLocalOffset, when the Manager has one. */
      localOffset?: string;
      /** Something worth knowing about the value (no zone given, IPMI time since BMC start). */
      note?: string;
    }
  | { ok: false; protocol: BmcProtocol | null; status: BmcClockFailure; message: string };

export type BmcClockSetResult = { ok: true } | { ok: false; status: BmcClockFailure; message: string };

/** The protocol mcs-doctor reads this BMC with, or null when it has none for it. */
export function protocolOf(access: BmcAccess): BmcProtocol | null {
  if (access.redfish) return 'redfish';
  if (access.driver === 'ipmi') return 'ipmi';
  return null;
}

/** `scheme://host:port` of a BMC, IPv6 in brackets: what tables print (never a path, user or password). */
export function bmcDisplay(access: BmcAccess): string {
  const host = access.host.includes(':') ? `[${access.host}]` : access.host;
  return `${access.scheme}://${host}${access.port !== undefined ? `:${access.port}` : ''}`;
}

/** Removes `user:password@` from any URL in a text (BMO's messages quote the address as written). */
export function withoutUserinfo(text: string): string {
  return text.replace(/(\/\/)[^/@\s'"]*@/g, '$1');
}

function unsupportedDriver(access: BmcAccess): string {
  return `${access.type} BMCs (Ironic driver ${access.driver}) are neither Redfish nor IPMI: mcs-doctor cannot read their clock; read it in the BMC's web UI`;
}

const REDFISH_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/i;

/**
 * A Redfish DateTime as an instant: ISO 8601 with its offset (Edm.DateTimeOffset), or, for
 * BMCs that leave the zone out (`Tue Nov 29 08:35:41 2022`, `2024-08-29T10:32:59`), read as UTC
 * and said so; undefined when it is not a time at all.
 */
export function parseRedfishDateTime(value: string): { at: Date; note?: string } | undefined {
  const v = value.trim();
  if (REDFISH_DATETIME.test(v)) {
    const at = new Date(v);
    return Number.isNaN(at.getTime()) ? undefined : { at };
  }
  const asUtc = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(v)
    ? Date.parse(`${v}Z`)
    : Date.parse(/[zZ]$|[+-]\d\d:?\d\d$|\b(UTC|GMT)\b/.test(v) ? v : `${v} UTC`);
  if (Number.isNaN(asUtc)) return undefined;
  return { at: new Date(asUtc), note: `the BMC's DateTime "${v}" has no UTC offset: read as UTC` };
}

/**
 * A clock shown in whole seconds is on average half a second further on than it says: added to
 * the offset, so that a clock an hour ahead reads +1h, not 59m59.5s.
 */
function truncationMs(dateTime: string): number {
  return /\d:\d\d\.\d/.test(dateTime) ? 0 : 500;
}

export async function readClock(endpoint: BmcEndpoint): Promise<BmcClockReading> {
  const { access } = endpoint;
  const protocol = protocolOf(access);
  const secrets = [endpoint.password, endpoint.username];
  if (protocol === 'redfish') {
    const clock = await readBmcClock({
      access,
      username: endpoint.username,
      password: endpoint.password,
      insecure: endpoint.insecure,
      timeoutMs: endpoint.timeoutMs,
    });
    if (!clock.ok) {
      const message = redactSecrets(withoutUserinfo(clock.message), secrets);
      const status: BmcClockFailure =
        clock.status === 401 || clock.status === 403
          ? 'auth-failed'
          : clock.status === undefined
            ? /^cannot reach/.test(clock.message)
              ? 'unreachable'
              : 'unsupported'
            : clock.status >= 500
              ? 'unreachable'
              : 'unsupported';
      return { ok: false, protocol, status, message };
    }
    const parsed = parseRedfishDateTime(clock.dateTime);
    if (!parsed) {
      return {
        ok: false,
        protocol,
        status: 'unsupported',
        message: `the Manager ${clock.manager} has a DateTime that is not a time: "${clock.dateTime}"`,
      };
    }
    return {
      ok: true,
      protocol,
      dateTime: clock.dateTime,
      bmcTime: parsed.at,
      // readBmcClock took the midpoint of the request; its own reading of the text may differ.
      offsetMs:
        clock.offsetMs + (parsed.at.getTime() - clock.bmcTime.getTime()) + truncationMs(clock.dateTime),
      manager: clock.manager,
      localOffset: clock.localOffset,
      note: parsed.note,
    };
  }
  if (protocol === 'ipmi') {
    const clock = await readIpmiClock(ipmiRequest(access.host, access.port, endpoint));
    if (!clock.ok) return { ok: false, protocol, status: clock.kind, message: clock.message };
    return {
      ok: true,
      protocol,
      dateTime: clock.text,
      bmcTime: clock.bmcTime,
      offsetMs: clock.offsetMs + truncationMs(clock.text),
      manager: 'SEL',
      note: clock.sinceInit
        ? 'the IPMI time stamp counts seconds since the BMC started: its clock was never set'
        : undefined,
    };
  }
  return { ok: false, protocol: null, status: 'unsupported', message: unsupportedDriver(access) };
}

/**
 * Sets the BMC clock to this machine's clock plus `offsetMs` (0: this machine's time; a backup's
 * offset: the old clock, advanced by the time elapsed). Redfish: PATCH DateTime on `manager`, at
 * the Manager's own `localOffset` when it has one (the BMC's offset setting is left alone). IPMI:
 * `ipmitool sel time set`.
 */
export async function setClock(
  endpoint: BmcEndpoint,
  offsetMs: number,
  where: { manager?: string; localOffset?: string },
): Promise<BmcClockSetResult> {
  const { access } = endpoint;
  const protocol = protocolOf(access);
  const secrets = [endpoint.password, endpoint.username];
  if (protocol === 'redfish') {
    let manager = where.manager;
    if (!manager || manager === 'SEL') {
      const read = await readClock(endpoint);
      if (!read.ok) return { ok: false, status: read.status, message: read.message };
      manager = read.manager;
    }
    const set = await setBmcClock(
      {
        access,
        username: endpoint.username,
        password: endpoint.password,
        insecure: endpoint.insecure,
        timeoutMs: endpoint.timeoutMs,
      },
      manager,
      new Date(Date.now() + offsetMs),
      { keepLocalOffset: where.localOffset },
    );
    if (set.ok) return { ok: true };
    const status: BmcClockFailure =
      set.status === 401 || set.status === 403
        ? 'auth-failed'
        : set.status === undefined || set.status >= 500
          ? 'unreachable'
          : 'unsupported';
    return { ok: false, status, message: redactSecrets(withoutUserinfo(set.message), secrets) };
  }
  if (protocol === 'ipmi') {
    const set = await setIpmiClock(ipmiRequest(access.host, access.port, endpoint), offsetMs);
    return set.ok ? { ok: true } : { ok: false, status: set.kind, message: set.message };
  }
  return { ok: false, status: 'unsupported', message: unsupportedDriver(access) };
}

/**
 * A BareMetalHost's BMC by hand, as exact commands for its own BMC: whether it takes the
 * credentials, and setting its clock (Redfish `PATCH DateTime` on its Manager, or `ipmitool sel
 * time set`). The credentials are read out of the host's secret inside the command, so printing
 * a command never prints them.
 */
import { parseBmcAddress, type BmcAccess } from './bmc-address.js';

export interface BmcTarget {
  host: string;
  namespace: string;
  credentialsName?: string;
  bmcAddress?: string;
  /** spec.bmc.disableCertificateVerification. */
  insecure?: boolean;
  /** The Redfish Manager path, when a read found it. */
  manager?: string;
  version: string | null;
}

/** A value of the host's credentials secret, read inside the command. */
function secretField(t: BmcTarget, key: 'username' | 'password'): string {
  return `$(oc -n ${t.namespace} get secret ${t.credentialsName ?? '<credentials secret>'} -o jsonpath='{.data.${key}}' | base64 -d)`;
}

function accessOf(t: BmcTarget): BmcAccess | undefined {
  try {
    return t.bmcAddress ? parseBmcAddress(t.bmcAddress, t.version ? { version: t.version } : {}) : undefined;
  } catch {
    return undefined;
  }
}

function redfish(t: BmcTarget): { base: string; curl: string; system: string } | undefined {
  const access = accessOf(t);
  if (!access?.redfish || !access.redfishAddress || !access.host) return undefined;
  const base = access.redfishAddress.replace(/\/$/, '');
  return {
    base,
    curl: `curl -sS${t.insecure ? 'k' : ''} -u "${secretField(t, 'username')}:${secretField(t, 'password')}"`,
    system: access.systemId
      ? `${base}/${access.systemId.replace(/^\//, '')}`
      : `${base}/redfish/v1/Systems/<id>`,
  };
}

function ipmitool(t: BmcTarget, access: BmcAccess, command: string): string {
  // TZ and LC_ALL: ipmitool reads and prints SEL times in the local zone and locale.
  return `IPMI_PASSWORD="${secretField(t, 'password')}" TZ=UTC LC_ALL=C ipmitool -I lanplus -H ${access.host} -p ${access.port ?? 623} -U "${secretField(t, 'username')}" -E ${command}`;
}

/** Whether the BMC takes the credentials in the secret: the HTTP status says (401: it does not). */
export function bmcLoginCommand(t: BmcTarget): string {
  const r = redfish(t);
  if (r) return `${r.curl} -o /dev/null -w '%{http_code}\\n' ${r.system}`;
  const access = accessOf(t);
  if (access?.type === 'ipmi' && access.host) return ipmitool(t, access, 'chassis power status');
  return `# log in to the BMC of ${t.host} (${t.bmcAddress ?? 'no BMC address'}) with the username and password in secret ${t.namespace}/${t.credentialsName ?? '(none)'}`;
}

/** Setting the BMC clock to UTC now. */
export function bmcClockCommands(t: BmcTarget): string[] {
  const r = redfish(t);
  if (r) {
    return [
      ...(t.manager
        ? []
        : [`# its Manager: ${r.curl} ${r.system} | jq -r '.Links.ManagedBy[0]["@odata.id"]'`]),
      `${r.curl} -X PATCH -H 'Content-Type: application/json' ${r.base}${t.manager ?? '/redfish/v1/Managers/<manager id>'} -d "{\\"DateTime\\": \\"$(date -u +%Y-%m-%dT%H:%M:%S+00:00)\\", \\"DateTimeLocalOffset\\": \\"+00:00\\"}"`,
    ];
  }
  const access = accessOf(t);
  if (access?.type === 'ipmi' && access.host)
    // ipmitool 1.8.19 parses MM/DD/YY in the C locale (a four-digit year is refused).
    return [ipmitool(t, access, `sel time set "$(date -u '+%m/%d/%y %H:%M:%S')"`)];
  return [
    `# set the clock of ${t.host} to UTC now in its BMC's web UI (${t.bmcAddress ?? 'no BMC address'}) or its firmware setup, or turn the BMC's NTP on`,
  ];
}

/**
 * Putting the right BMC username and password in the host's secret: read from the terminal
 * (run it on its own line), never put on a command line; the secret's other fields stay.
 */
export function bmcCredentialsCommands(t: BmcTarget): string[] {
  const secret = t.credentialsName ?? '<credentials secret>';
  return [
    `# HTTP 401 or 403: the BMC refuses the credentials in secret ${t.namespace}/${secret}; put the right ones there (this reads them from the terminal):`,
    `read -rp 'BMC username: ' u; read -rsp 'BMC password: ' p; echo; oc -n ${t.namespace} patch secret ${secret} --type merge --patch-file <(printf '{"data":{"username":"%s","password":"%s"}}' "$(printf '%s' "$u" | base64 -w0)" "$(printf '%s' "$p" | base64 -w0)"); unset p`,
  ];
}

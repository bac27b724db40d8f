/**
 * The steps of a fix by hand, as commands a person pastes into one bash shell, in order, with
 * `oc` (or `kubectl`: every command here is one kubectl has too) and openssl, base64, sed, awk
 * and GNU date, all standard on RHEL and Debian; no jq, no python.
 *
 * `oc adm ocp-certificates` (oc 4.14, backported to the 4.10-4.13 oc) is what Red Hat documents
 * for the MCS certificate; an older oc lacks it, so each of its steps is followed by the same
 * done by hand, as reference/mco.md §4 says oc does it. Private keys only ever go to files in a
 * private temporary directory (`umask 077; d=$(mktemp -d)`, removed at the end of the step),
 * read from and written to the cluster inside the commands, never printed or put on a command
 * line; the names the certificate covers are read from the cluster, not written into the plan.
 */
import { isIP } from 'node:net';
import { MAPI_NAMESPACE, MCO_NAMESPACE, MCS_CA_NAME, MCS_TLS_SECRET } from '../core/names.js';

const REGENERATE = 'oc adm ocp-certificates regenerate-machine-config-server-serving-cert';
const UPDATE_IGNITION = 'oc adm ocp-certificates update-ignition-ca-bundle-for-machine-config-server';
const WITHOUT_OC_ADM =
  '# or, with an oc that has no "adm ocp-certificates" (or with kubectl), the same by hand in one bash shell:';

/** A private directory for the keys, and removing it. */
const PRIVATE_DIR = 'umask 077; d=$(mktemp -d)   # private: the keys go here, never to the terminal';
const REMOVE_DIR = 'rm -rf "$d"';

/** The current signing CA (its certificate, as the base64 the API returns) and its key, into the private directory. */
const CA_CRT_B64 = String.raw`oc -n ${MCO_NAMESPACE} get secret ${MCS_CA_NAME} -o jsonpath='{.data.tls\.crt}'`;
const CA_KEY_B64 = String.raw`oc -n ${MCO_NAMESPACE} get secret ${MCS_CA_NAME} -o jsonpath='{.data.tls\.key}'`;
const READ_CA_FILES = `${CA_CRT_B64} | base64 -d > "$d/ca.crt"; ${CA_KEY_B64} | base64 -d > "$d/ca.key"`;

/** The data URL of the CA as oc writes it (dataurl.EncodeBytes of the CA secret's tls.crt). */
const CA_DATA_URL_PREFIX = 'data:text/plain;charset=utf-8;base64,';

/**
 * openssl refuses a CN longer than X.520's 64 characters; Go does not, and library-go's CA name
 * (`openshift-machine-config-operator_machine-config-server-ca@<unix>`) is 68. Its string table
 * is widened in the config file openssl req reads (the `stbl_section` module, OpenSSL 1.1+).
 */
const LONG_CN = String.raw`openssl_conf=init\n[init]\nstbl_section=stbl\n[stbl]\ncommonName=min:1,max:256\n`;

/** RFC 3339 of a certificate's notBefore or notAfter, as library-go's annotations hold them. */
function certDate(file: string, which: 'startdate' | 'enddate'): string {
  return `$(date -u -d "$(openssl x509 -in "${file}" -noout -${which} | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ)`;
}

/**
 * A kubernetes.io/tls secret as JSON (a file in the private directory), with library-go's
 * annotations; the same file is the body of `oc create -f` and of a merge patch.
 */
function tlsSecretJson(
  name: string,
  crt: string,
  key: string,
  issuer: string,
  extra: Array<[string, string]>,
): string {
  const annotations: Array<[string, string]> = [
    ['auth.openshift.io/certificate-not-before', certDate(crt, 'startdate')],
    ['auth.openshift.io/certificate-not-after', certDate(crt, 'enddate')],
    ['auth.openshift.io/certificate-issuer', issuer],
    ...extra,
  ];
  const format =
    `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"${name}","namespace":"${MCO_NAMESPACE}","annotations":{` +
    annotations.map(([k]) => `"${k}":"%s"`).join(',') +
    `}},"type":"kubernetes.io/tls","data":{"tls.crt":"%s","tls.key":"%s"}}`;
  const args = [
    ...annotations.map(([, v]) => `"${v}"`),
    `"$(base64 -w0 "${crt}")"`,
    `"$(base64 -w0 "${key}")"`,
  ];
  return `printf '${format}' ${args.join(' ')} > "$d/${name}.json"`;
}

/** Updates the secret from the JSON file (a merge patch keeps its other annotations and labels), or creates it. */
function writeSecret(name: string): string {
  return `if oc -n ${MCO_NAMESPACE} get secret ${name} >/dev/null 2>&1; then oc -n ${MCO_NAMESPACE} patch secret ${name} --type merge --patch-file "$d/${name}.json"; else oc create -f "$d/${name}.json"; fi`;
}

/** Step `mcs-ca`: keep a CA valid for a year with its key, or make one as library-go does (RSA 2048, 10 years). */
export function signingCaByHand(): string[] {
  const keep = `openssl x509 -in "$d/ca.crt" -noout -checkend 31536000 >/dev/null 2>&1 && [ "$(openssl x509 -in "$d/ca.crt" -noout -pubkey)" = "$(openssl pkey -in "$d/ca.key" -pubout 2>/dev/null)" ]`;
  const config = String.raw`printf '${LONG_CN}[req]\ndistinguished_name=dn\n[dn]\n[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyEncipherment,keyCertSign\nsubjectKeyIdentifier=hash\n' > "$d/ca.cnf"`;
  const make = `openssl req -x509 -config "$d/ca.cnf" -extensions ca -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$cn" -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null`;
  return [
    `${REGENERATE}   # creates the CA when missing`,
    WITHOUT_OC_ADM,
    PRIVATE_DIR,
    `cn=''; ${CA_CRT_B64} 2>/dev/null | base64 -d > "$d/ca.crt" || true; ${CA_KEY_B64} 2>/dev/null | base64 -d > "$d/ca.key" || true`,
    `if ${keep}; then echo 'kept the CA in ${MCS_CA_NAME}: valid for more than a year, with its key'; else cn="${MCO_NAMESPACE}_${MCS_CA_NAME}@$(date +%s)"; ${config}; ${make}; echo "made the CA $cn"; fi`,
    `if [ -n "$cn" ]; then ${tlsSecretJson(MCS_CA_NAME, '$d/ca.crt', '$d/ca.key', '$cn', [])}; fi`,
    `if [ -n "$cn" ]; then ${writeSecret(MCS_CA_NAME)}; fi`,
    REMOVE_DIR,
  ];
}

/** Step `mcs-ca-bundle`: the signing CA first in the configmap's ca-bundle.crt, expired CAs dropped. */
export function caBundleByHand(): string[] {
  return [
    `${REGENERATE}   # updates the bundle`,
    WITHOUT_OC_ADM,
    'd=$(mktemp -d)',
    `${CA_CRT_B64} | base64 -d > "$d/ca-bundle.crt"; oc -n ${MCO_NAMESPACE} get configmap ${MCS_CA_NAME} -o jsonpath='{.data.ca-bundle\\.crt}' > "$d/old.crt" 2>/dev/null || true`,
    `awk -v d="$d" '/-----BEGIN CERTIFICATE-----/ {n++} n {print > (d "/old-" sprintf("%03d", n) ".crt")}' "$d/old.crt"; for f in "$d"/old-*.crt; do if [ -f "$f" ] && openssl x509 -in "$f" -noout -checkend 0 >/dev/null && [ "$(openssl x509 -in "$f" -noout -fingerprint -sha256)" != "$(openssl x509 -in "$d/ca-bundle.crt" -noout -fingerprint -sha256)" ]; then openssl x509 -in "$f" >> "$d/ca-bundle.crt"; fi; done   # keeps the other CAs that have not expired`,
    `oc -n ${MCO_NAMESPACE} create configmap ${MCS_CA_NAME} --from-file=ca-bundle.crt="$d/ca-bundle.crt" --dry-run=client -o yaml | oc apply -f -`,
    REMOVE_DIR,
  ];
}

/**
 * Step `mcs-serving-cert`: a serving certificate signed by the CA for the api-int name and the
 * API VIPs read from Infrastructure cluster (IPs in both the DNS and the IP SANs, sorted, the
 * first as CN, 10 years, RSA 2048, the CA after it in tls.crt), as library-go issues it.
 */
export function servingCertByHand(): string[] {
  const names = String.raw`names=$({ oc get infrastructure cluster -o jsonpath='{.status.apiServerInternalURI}' | sed -E 's#^[a-z]+://##; s#/.*##; s#:[0-9]+$##; s#^\[(.*)\]$#\1#'; echo; oc get infrastructure cluster -o jsonpath='{.status.platformStatus.*.apiServerInternalIPs[*]} {.status.platformStatus.*.apiServerInternalIP}' | tr ' ' '\n'; } | grep -v '^$' | LC_ALL=C sort -u); echo 'it covers' $names   # the api-int name and the API VIPs`;
  const san = String.raw`san=$(for n in $names; do printf 'DNS:%s,' "$n"; if [[ $n =~ ^[0-9.]+$|: ]]; then printf 'IP:%s,' "$n"; fi; done | sed 's/,$//'); cn=$(printf '%s\n' $names | head -n 1); issuer=$(openssl x509 -in "$d/ca.crt" -noout -subject -nameopt RFC2253 | sed -E 's/^subject= ?//; s/^(.*,)?CN=([^,]*).*$/\2/')`;
  const config = String.raw`printf '${LONG_CN}[req]\ndistinguished_name=dn\n[dn]\n' > "$d/req.cnf"; printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\nsubjectAltName=%s\n' "$san" > "$d/tls.ext"`;
  const issue = `openssl req -new -config "$d/req.cnf" -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$d/tls.key" -out "$d/tls.csr" 2>/dev/null; openssl x509 -req -in "$d/tls.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -CAserial "$d/ca.srl" -days 3650 -extfile "$d/tls.ext" -out "$d/tls.crt" 2>/dev/null; cat "$d/ca.crt" >> "$d/tls.crt"`;
  const hostnames: [string, string] = [
    'auth.openshift.io/certificate-hostnames',
    `$(printf '%s,' $names | sed 's/,$//')`,
  ];
  return [
    REGENERATE,
    WITHOUT_OC_ADM,
    PRIVATE_DIR,
    READ_CA_FILES,
    names,
    san,
    config,
    issue,
    tlsSecretJson(MCS_TLS_SECRET, '$d/tls.crt', '$d/tls.key', '$issuer', [hostnames]),
    `if [ "$(oc -n ${MCO_NAMESPACE} get secret ${MCS_TLS_SECRET} -o jsonpath='{.type}' 2>/dev/null)" = Opaque ]; then oc -n ${MCO_NAMESPACE} delete secret ${MCS_TLS_SECRET}; fi   # a secret's type cannot change: oc deletes an Opaque one and creates it again`,
    writeSecret(MCS_TLS_SECRET),
    REMOVE_DIR,
  ];
}

/**
 * The pointer in secret NAME trusts the CA of secret machine-config-server-ca: with one CA it is
 * replaced, as oc does; with several (which oc refuses) the CA is put first and the others stay.
 */
export function userDataByHand(name: string, caEntries: number): string[] {
  const read = `ud=$(oc -n ${MAPI_NAMESPACE} get secret ${name} -o jsonpath='{.data.userData}' | base64 -d)`;
  const patch = `oc -n ${MAPI_NAMESPACE} patch secret ${name} --type merge -p "{\\"data\\":{\\"userData\\":\\"$(printf '%s' "$ud" | base64 -w0)\\"}}"`;
  const ca = `ca=$(${CA_CRT_B64})`;
  // The CA oc puts in the pointers must be the one that signs what the MCS serves: say so first.
  const signs = String.raw`oc -n ${MCO_NAMESPACE} get secret ${MCS_TLS_SECRET} -o jsonpath='{.data.tls\.crt}' | base64 -d | openssl verify -CAfile <(${CA_CRT_B64} | base64 -d)   # "stdin: OK": the CA in ${MCS_CA_NAME} signs the serving certificate`;
  if (caEntries > 1) {
    return [
      `# secret ${MAPI_NAMESPACE}/${name} trusts ${caEntries} CAs: ${UPDATE_IGNITION} refuses it; by hand, the CA goes first and the others stay:`,
      signs,
      `${ca}; ${read}; case "$ud" in *"base64,$ca"*) echo '${name} already trusts the CA';; *) ud=$(printf '%s' "$ud" | sed -E 's#("certificateAuthorities" *: *\\[)#\\1{"source":"${CA_DATA_URL_PREFIX}'"$ca"'"},#'); ${patch};; esac`,
    ];
  }
  return [
    UPDATE_IGNITION,
    `# or by hand: certificateAuthorities[0] of the pointer in secret ${MAPI_NAMESPACE}/${name} becomes the CA in secret ${MCS_CA_NAME}`,
    signs,
    `${ca}; ${read}; ud=$(printf '%s' "$ud" | sed -E 's#("certificateAuthorities" *: *\\[ *\\{ *"source" *: *")[^"]*#\\1${CA_DATA_URL_PREFIX}'"$ca"'#'); case "$ud" in *"base64,$ca"*) ${patch};; *) echo 'no certificateAuthorities[0] in ${name}: put the CA there by hand' >&2; false;; esac`,
  ];
}

/** kube-system/root-ca ca.crt becomes the CA, as oc does on BareMetal. */
export function rootCaByHand(): string[] {
  return [
    `${UPDATE_IGNITION}   # on BareMetal`,
    '# or by hand: configmap kube-system/root-ca ca.crt becomes the CA in secret machine-config-server-ca',
    `oc -n kube-system patch configmap root-ca --type merge -p "{\\"data\\":{\\"ca.crt\\":\\"$(${CA_CRT_B64} | base64 -d | awk '{printf "%s\\\\n", $0}')\\"}}"`,
  ];
}

/** The first CA of a user-data secret's pointer, as a SHA-256 fingerprint (base64 data URLs, as the MCO writes them). */
function firstCaFingerprint(name: string): string {
  return String.raw`oc -n ${MAPI_NAMESPACE} get secret ${name} -o jsonpath='{.data.userData}' | base64 -d | sed -nE 's#.*"certificateAuthorities" *: *\[ *\{ *"source" *: *"data:[^,]*;base64,([^"]*)".*#\1#p' | base64 -d | openssl x509 -noout -fingerprint -sha256`;
}

/** Waits for the MCO to render the CA into a `-managed` user-data secret. */
export function managedUserDataByHand(name: string): string[] {
  return [
    `until [ "$(${firstCaFingerprint(name)} 2>/dev/null)" = "$(${CA_CRT_B64} | base64 -d | openssl x509 -noout -fingerprint -sha256)" ]; do sleep 5; done; echo '${name} trusts the CA'   # the MCO renders it`,
  ];
}

/**
 * Re-provisioning a BareMetalHost without deleting anything: its image and/or customDeploy kept
 * in a file, taken off (Metal3 deprovisions it), and once it is available, put back.
 */
export function reprovisionByHand(namespace: string, name: string, fields: string[]): string[] {
  const kept = fields.length ? fields : ['customDeploy'];
  const file = (f: string) => `${name}-${f}.json`;
  const restore = kept.map((f) => `\\"${f}\\":$(cat ${file(f)})`).join(',');
  return [
    ...kept.map(
      (f) =>
        `oc -n ${namespace} get bmh ${name} -o jsonpath='{.spec.${f}}' > ${file(f)}   # keep it: it is put back below`,
    ),
    `oc -n ${namespace} patch bmh ${name} --type merge -p '{"spec":{"image":null,"customDeploy":null}}'   # Metal3 deprovisions the host`,
    `oc -n ${namespace} wait bmh/${name} --for=jsonpath='{.status.provisioning.state}'=available --timeout=30m`,
    `oc -n ${namespace} patch bmh ${name} --type merge -p "{\\"spec\\":{${restore}}}"   # Metal3 provisions it again and writes a new config drive`,
  ];
}

/** A spec-2 pointer (compact JSON, as Go writes it) rewritten as spec 3.2.0, the same URL and CAs. */
export function pointerSpec3ByHand(name: string): string[] {
  return [
    `ud=$(oc -n ${MAPI_NAMESPACE} get secret ${name} -o jsonpath='{.data.userData}' | base64 -d | sed -E 's/"append" *:/"merge":/; s/"version" *: *"2\\.[0-9.]+"/"version":"3.2.0"/; s/,? *"networkd" *: *\\{ *\\}//'); oc -n ${MAPI_NAMESPACE} patch secret ${name} --type merge -p "{\\"data\\":{\\"userData\\":\\"$(printf '%s' "$ud" | base64 -w0)\\"}}"   # config.append -> config.merge, version 3.2.0, the empty spec-2 networkd dropped`,
  ];
}

/** `host:port` for openssl and curl (an IPv6 address in brackets). */
function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Each MCS pod's master answering TLS on the MCS port: a line per master, whatever the answer. */
export function mastersAnswerByHand(port: number, serverName: string): string {
  const sni = serverName && isIP(serverName) === 0 ? ` -servername ${serverName}` : '';
  return `for ip in $(oc -n ${MCO_NAMESPACE} get pods -l k8s-app=machine-config-server -o jsonpath='{.items[*].status.hostIP}'); do a=$ip; if [[ $ip == *:* ]]; then a="[$ip]"; fi; if timeout 10 openssl s_client -connect "$a:${port}"${sni} </dev/null >/dev/null 2>&1; then echo "$ip:${port} answers TLS"; else echo "$ip:${port} does not answer TLS: check that master's firewall for TCP ${port}"; fi; done`;
}

/** The address the pointer uses answering (its /healthz), or where to look when it does not. */
export function endpointByHand(port: number, serverName: string): string {
  const target = hostPort(serverName, port);
  return `if curl -ksS -o /dev/null --max-time 10 https://${target}/healthz; then echo '${target} answers'; else echo '${target} does not answer: check the API VIP (which master holds it: oc -n openshift-kni-infra get pods -o wide), its load balancer rule for ${port}, DNS for api-int and the firewalls on the way'; fi`;
}

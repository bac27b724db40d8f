#!/usr/bin/env bash
# The runbook's quick diagnostic, done by hand with kubectl, openssl s_client and curl, as a
# person would type it, for the benchmark beside `mcs-doctor diagnose`. Usage:
#   KUBECONFIG=... manual-quick-diagnostic.sh HOST
set -u
host="${1:?host}"
k=(kubectl)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# 1. The host's BareMetalHost state and errors.
"${k[@]}" get bmh -A -o wide >/dev/null
"${k[@]}" -n openshift-machine-api get bmh "$host" -o yaml >"$tmp/bmh.yaml"
# 2. The MCS pods and their logs.
"${k[@]}" -n openshift-machine-config-operator get pods -l k8s-app=machine-config-server -o wide >/dev/null
for p in $("${k[@]}" -n openshift-machine-config-operator get pods -l k8s-app=machine-config-server -o name); do
  "${k[@]}" -n openshift-machine-config-operator logs "$p" --tail=200 >/dev/null
done
# 3. The serving certificate in the secret: dates, subject, SANs.
"${k[@]}" -n openshift-machine-config-operator get secret machine-config-server-tls -o jsonpath='{.data.tls\.crt}' | base64 -d >"$tmp/tls.crt"
openssl x509 -in "$tmp/tls.crt" -noout -subject -issuer -dates -ext subjectAltName >/dev/null
# 4. The pointer's CA and URL from the user-data, then the handshake with that CA.
secret="$("${k[@]}" -n openshift-machine-api get bmh "$host" -o jsonpath='{.spec.userData.name}')"
"${k[@]}" -n openshift-machine-api get secret "$secret" -o jsonpath='{.data.userData}' | base64 -d >"$tmp/pointer.ign"
python3 - "$tmp" <<'PY'
import base64, json, sys, urllib.parse
d = sys.argv[1]
p = json.load(open(f"{d}/pointer.ign"))
src = p["ignition"]["security"]["tls"]["certificateAuthorities"][0]["source"]
data = src.split(",", 1)[1]
pem = base64.b64decode(data) if ";base64" in src.split(",", 1)[0] else urllib.parse.unquote(data).encode()
open(f"{d}/ca.pem", "wb").write(pem)
url = p["ignition"]["config"]["merge"][0]["source"]
open(f"{d}/url", "w").write(url)
PY
url="$(cat "$tmp/url")"
hostport="$(echo "$url" | sed -E 's#https://([^/]+)/.*#\1#')"
echo | timeout 10 openssl s_client -connect "$hostport" -CAfile "$tmp/ca.pem" -verify_return_error >/dev/null 2>&1
# 5. The config itself, then CSRs and Nodes.
curl -s -o /dev/null --max-time 10 --cacert "$tmp/ca.pem" -H 'Accept: application/vnd.coreos.ignition+json;version=3.2.0' "$url"
"${k[@]}" get csr >/dev/null
"${k[@]}" get nodes -o wide >/dev/null
exit 0

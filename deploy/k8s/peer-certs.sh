#!/usr/bin/env bash
# Issues each AP its P2P TLS certificate (wss://, mutual) from the network's CA: the certificate
# names the host its peers dial (ap-i.ap) and serves both the server and the client purpose (as
# PlatformCa.issuePeer issues them); keys are PKCS#8 PEM, the form the node reads.
#   deploy/k8s/peer-certs.sh CA_CERT CA_KEY APS OUT_DIR     -> OUT_DIR/ap-i.pem, OUT_DIR/ap-i-key.pem
# new-network.sh calls it; the files become the ap-p2p-tls Secret (with ca.pem).
set -euo pipefail
ca="${1:?usage: peer-certs.sh CA_CERT CA_KEY APS OUT_DIR}"
ca_key="${2:?CA key}"
aps="${3:?number of APs}"
out="${4:?output directory}"
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for ((i = 0; i < aps; i++)); do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=ap-$i.ap" \
    -keyout "$work/key.pem" -out "$work/req.csr" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$work/key.pem" -out "$out/ap-$i-key.pem"
  openssl x509 -req -in "$work/req.csr" -CA "$ca" -CAkey "$ca_key" -CAcreateserial -CAserial "$work/ca.srl" \
    -days 397 -extfile <(printf 'subjectAltName=DNS:ap-%s.ap\nextendedKeyUsage=serverAuth,clientAuth\n' "$i") \
    -out "$out/ap-$i.pem" 2>/dev/null
done

#!/usr/bin/env bash
# Creates a new B-DT network for a Kustomize overlay: the genesis (its miner set), contracts.env (the
# contracts' planned addresses) and every key the pods and the contracts Job need, as Secret
# manifests in OVERLAY/secrets/ (git-ignored; apply them before the overlay).
#   deploy/k8s/new-network.sh deploy/k8s/overlays/prod 3 2       # 3 APs, 2 gateways
#   kubectl apply -n bdt -f deploy/k8s/overlays/prod/secrets/ && kubectl apply -k deploy/k8s/overlays/prod
# Keys are written owner-only into a temporary directory and removed on exit; nothing is printed.
set -euo pipefail
overlay="${1:?usage: new-network.sh OVERLAY_DIR APS GATEWAYS}"
aps="${2:?number of APs}"
gateways="${3:?number of gateways}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
for tool in kubectl openssl; do
  command -v "$tool" >/dev/null || { echo "new-network.sh: $tool is needed" >&2; exit 1; }
done
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# the genesis (the APs as miners, every key funded, the ledger at its planned address), every key
# and contracts.env (chain id, the contracts' planned addresses, the gateways the ledger approves)
"$root/bdt" contracts network --out "$work" --aps "$aps" --gateways "$gateways" >/dev/null
cp "$work/genesis.json" "$overlay/genesis.json"
cp "$work/contracts.env" "$overlay/contracts.env"
mkdir -p "$overlay/secrets"
args=()
for ((i = 0; i < aps; i++)); do
  tr -d '\n' < "$work/ap-$i.key" > "$work/ap-$i.hex"
  args+=("--from-file=ap-$i.key=$work/ap-$i.hex")
done
kubectl create secret generic ap-keys "${args[@]}" --dry-run=client -o yaml > "$overlay/secrets/ap-keys.yaml"
args=()
for ((i = 0; i < gateways; i++)); do
  tr -d '\n' < "$work/gateway-$i.key" > "$work/gateway-$i.hex"
  args+=("--from-file=gateway-$i.key=$work/gateway-$i.hex")
  # its own MQTT password (Mosquitto dynamic security client gateway:gateway-N)
  head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$work/gateway-$i.mqtt-password"
  args+=("--from-file=gateway-$i.mqtt-password=$work/gateway-$i.mqtt-password")
done
kubectl create secret generic gateway-keys "${args[@]}" --dry-run=client -o yaml > "$overlay/secrets/gateway-keys.yaml"
# the device provisioning profile's secret (256 random bits as hex, no newline: the gateways read the
# entry into bdt.gateway.profiles.vibration-sensor.secret; devices of the profile provision with it)
openssl rand -hex 32 | tr -d '\n' > "$work/vibration-sensor.secret"
kubectl create secret generic gateway-profiles --from-file=vibration-sensor.secret="$work/vibration-sensor.secret" \
  --dry-run=client -o yaml > "$overlay/secrets/gateway-profiles.yaml"
# the contracts Job's keys: the deployer (its first three transactions create the contracts) and
# the ledger's three admins (2 of 3 approve the APs and gateways)
kubectl create secret generic bdt-deployer --from-file=deployer.key="$work/deployer.key" \
  --from-file=admin-1.key="$work/admin-1.key" --from-file=admin-2.key="$work/admin-2.key" \
  --from-file=admin-3.key="$work/admin-3.key" --dry-run=client -o yaml > "$overlay/secrets/bdt-deployer.yaml"
head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$work/password"
printf 'bdt-admin' > "$work/username"
kubectl create secret generic mosquitto-admin --from-file=username="$work/username" \
  --from-file=password="$work/password" --dry-run=client -o yaml > "$overlay/secrets/mosquitto-admin.yaml"
# the platform's token signing key: the services get the public half (bdt-jwt); the private half
# stays in OVERLAY/secrets/jwt for issuing tokens: ./bdt token --data OVERLAY/secrets/jwt --role ...
mkdir -p "$overlay/secrets/jwt/auth"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$overlay/secrets/jwt/auth/jwt-signing-key.pem" 2>/dev/null
openssl pkey -in "$overlay/secrets/jwt/auth/jwt-signing-key.pem" -pubout -out "$overlay/secrets/jwt/auth/jwt-public.pem"
kubectl create secret generic bdt-jwt --from-file=jwt-public.pem="$overlay/secrets/jwt/auth/jwt-public.pem" \
  --dry-run=client -o yaml > "$overlay/secrets/bdt-jwt.yaml"
# HTTPS for the services: a CA for this network (its key stays in OVERLAY/secrets/tls) and one
# server certificate naming every service's DNS name; the pods get the CA, certificate and key (bdt-tls)
mkdir -p "$overlay/secrets/tls"
# the broker's TLS listeners use the same certificate: "mosquitto" for the gateways, and the names
# devices outside the cluster dial, from BDT_MQTT_NAMES (comma-separated DNS names, optional)
sans="DNS:localhost,DNS:gateway,DNS:explorer,DNS:ap,DNS:mosquitto"
if [[ -n "${BDT_MQTT_NAMES:-}" ]]; then
  IFS=, read -ra mqtt_names <<< "$BDT_MQTT_NAMES"
  for name in "${mqtt_names[@]}"; do sans="$sans,DNS:$name"; done
fi
for ((i = 0; i < aps; i++)); do sans="$sans,DNS:ap-$i.ap"; done
for ((i = 0; i < gateways; i++)); do sans="$sans,DNS:gateway-$i.gateway"; done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=B-DT network CA" \
  -keyout "$overlay/secrets/tls/ca-key.pem" -out "$overlay/secrets/tls/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=bdt-services" \
  -keyout "$work/server-key.pem" -out "$work/server.csr" 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in "$work/server-key.pem" -out "$work/server-key.p8.pem"
openssl x509 -req -in "$work/server.csr" -CA "$overlay/secrets/tls/ca.pem" -CAkey "$overlay/secrets/tls/ca-key.pem" \
  -CAcreateserial -CAserial "$work/ca.srl" -days 397 -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$sans") \
  -out "$work/server.pem" 2>/dev/null
kubectl create secret generic bdt-tls --from-file=ca.pem="$overlay/secrets/tls/ca.pem" \
  --from-file=server.pem="$work/server.pem" --from-file=server-key.pem="$work/server-key.p8.pem" \
  --dry-run=client -o yaml > "$overlay/secrets/bdt-tls.yaml"
# the network CA's (empty) certificate revocation list for Mosquitto's certificate listener
# (crlfile): ./bdt pki revoke-device --ca-dir OVERLAY/secrets/tls --certificate DEVICE.pem adds to
# it; re-create this Secret from the file, apply it, then SIGHUP the broker (docs/security.md)
"$root/bdt" pki sign-crl --ca-dir "$overlay/secrets/tls" > /dev/null
kubectl create secret generic mosquitto-crl --from-file=crl.pem="$overlay/secrets/tls/crl.pem" \
  --dry-run=client -o yaml > "$overlay/secrets/mosquitto-crl.yaml"
# P2P mutual TLS between the APs (wss://; the prod overlay turns it on): one certificate per AP from
# the network's CA for the name its peers dial; AP pod ap-i reads ap-i.pem and ap-i-key.pem (ap-p2p-tls)
mkdir "$work/p2p"
"$root/deploy/k8s/peer-certs.sh" "$overlay/secrets/tls/ca.pem" "$overlay/secrets/tls/ca-key.pem" "$aps" "$work/p2p"
args=("--from-file=ca.pem=$overlay/secrets/tls/ca.pem")
for ((i = 0; i < aps; i++)); do
  args+=("--from-file=ap-$i.pem=$work/p2p/ap-$i.pem" "--from-file=ap-$i-key.pem=$work/p2p/ap-$i-key.pem")
done
kubectl create secret generic ap-p2p-tls "${args[@]}" --dry-run=client -o yaml > "$overlay/secrets/ap-p2p-tls.yaml"
"$root/bdt" token --data "$overlay/secrets/jwt" --role twin-reader --subject explorer --ttl P365D > "$work/explorer-token"
"$root/bdt" token --data "$overlay/secrets/jwt" --role metrics-reader --subject prometheus --ttl P365D > "$work/metrics-token"
kubectl create secret generic bdt-metrics --from-file=token="$work/metrics-token" \
  --dry-run=client -o yaml > "$overlay/secrets/bdt-metrics.yaml"
kubectl create secret generic bdt-explorer --from-file=gateway-token="$work/explorer-token" \
  --dry-run=client -o yaml > "$overlay/secrets/bdt-explorer.yaml"
echo "new-network.sh: wrote $overlay/genesis.json ($aps APs), $overlay/contracts.env and Secrets in $overlay/secrets/ (keep them private)"

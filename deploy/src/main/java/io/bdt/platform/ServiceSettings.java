package io.bdt.platform;

import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.PlatformKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings ({@code -D} keys) the platform starts each AP and gateway with, from what every
 * service shares: the data directory, the PKI, the genesis, the chain's ports and contracts, and
 * the fleet layout (which model each gateway runs, at which compute class).
 */
final class ServiceSettings {

  private final PlatformSettings settings;
  private final PlatformPki pki;
  private final String publicKey;
  private final Path genesisFile;
  private final FleetLayout layout;

  ServiceSettings(
      PlatformSettings settings,
      PlatformPki pki,
      String publicKey,
      Path genesisFile,
      FleetLayout layout) {
    this.settings = settings;
    this.pki = pki;
    this.publicKey = publicKey;
    this.genesisFile = genesisFile;
    this.layout = layout;
  }

  private Path keysDir() {
    return settings.work().resolve("keys");
  }

  /**
   * AP {@code m}'s settings: HTTPS on {@code port}, its chain node on {@code rpcPorts.get(m)} and
   * {@code p2p[m]} with every other AP as a peer (AP 0 also serves the newHeads WebSocket on {@code
   * nodeWsPort}), the slot coordinator over {@code apBaseUrls}, and every model of the layout
   * registered; then the platform's extra AP settings.
   */
  Map<String, String> accessPoint(
      int m, int port, int[] p2p, List<Integer> rpcPorts, int nodeWsPort, List<String> apBaseUrls) {
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < p2p.length; i++) {
      if (i != m) {
        peers.add("ws://127.0.0.1:" + p2p[i]);
      }
    }
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("quarkus.http.host", "127.0.0.1");
    conf.put("quarkus.http.port", Integer.toString(port));
    conf.putAll(pki.httpsSettings());
    // keys go to owner-only files the service reads, never on its command line
    conf.put("bdt.ap.key-file", PlatformKeys.apFile(keysDir(), m).toString());
    conf.put("bdt.ap.model-cache", settings.work().resolve("models").toString());
    // every device class's model, each warmed at start: all of the vibration classifier's tails,
    // MobileNetV2's at its deployed cuts (CostTable.warmCuts), so no live task loads a tail
    conf.put("bdt.ap.models", String.join(",", layout.models()));
    conf.put("bdt.ap.warm-models", String.join(",", layout.models()));
    conf.put("bdt.ap.chain.genesis", genesisFile.toString());
    conf.put("bdt.ap.chain.data", settings.work().resolve("ap" + m + "/chain").toString());
    conf.put("bdt.ap.chain.rpc-port", Integer.toString(rpcPorts.get(m)));
    conf.put("bdt.ap.chain.p2p-port", Integer.toString(p2p[m]));
    if (m == 0) {
      // the explorer follows AP 0's node by its newHeads subscription
      conf.put("bdt.ap.chain.ws-port", Integer.toString(nodeWsPort));
    }
    conf.put("bdt.ap.chain.peers", String.join(",", peers));
    conf.put("bdt.ap.cores", "1");
    // the slot coordinator hands every AP its mining share over HTTPS (docs/dpra.md)
    conf.put("bdt.ap.coordinator.aps", String.join(",", apBaseUrls));
    conf.put("bdt.ap.coordinator.ca-file", pki.caCertificate().toString());
    conf.put("mp.jwt.verify.publickey.location", publicKey);
    conf.putAll(settings.apSettings());
    return conf;
  }

  /**
   * Gateway {@code n}'s settings ({@code id}, HTTPS on {@code port}): MQTT at {@code mqttUrl}
   * (through {@code broker}'s access extension when the platform runs it), inference over the APs
   * at {@code apUrls} with every AP in range over its own channel, its model and compute class from
   * the layout, its chain writes through its home AP's node; then {@code more}.
   */
  Map<String, String> gateway(
      int n,
      String id,
      int port,
      String mqttUrl,
      Optional<MqttBroker> broker,
      List<String> apUrls,
      List<Integer> rpcPorts,
      PlatformChain.Contracts contracts,
      Map<String, String> more) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("quarkus.http.host", "127.0.0.1");
    conf.put("quarkus.http.port", Integer.toString(port));
    conf.put("bdt.gateway.id", id);
    conf.putAll(pki.httpsSettings());
    conf.put("mp.jwt.verify.publickey.location", publicKey);
    conf.put("bdt.gateway.data-dir", settings.work().resolve(id).toString());
    conf.put("bdt.gateway.mqtt.url", mqttUrl);
    if (broker.isPresent()) {
      conf.put("bdt.gateway.mqtt.access", "extension");
      conf.put("bdt.gateway.mqtt.password-file", broker.get().passwordFile(id).toString());
      conf.put("bdt.gateway.mqtt.ca-file", pki.caCertificate().toString());
    }
    conf.put("bdt.gateway.profiles.vibration-sensor.key", Platform.PROFILE_KEY);
    conf.put("bdt.gateway.inference.enabled", "true");
    conf.put("bdt.gateway.inference.aps", String.join(",", apUrls));
    conf.put("bdt.gateway.inference.genesis", genesisFile.toString());
    conf.put("bdt.gateway.inference.ca-file", pki.caCertificate().toString());
    int aps = settings.aps();
    conf.put("bdt.gateway.inference.serving-ap", Integer.toString(n % aps));
    // every AP is in range, each over its own channel: the coordinator chooses the serving AP
    conf.putAll(GatewayPlacement.channelSettings(n, aps));
    conf.put(
        "bdt.gateway.inference.signing-key-file",
        PlatformKeys.gatewayFile(keysDir(), n).toString());
    conf.putAll(layout.gatewaySettings(n, settings.gatewayFlops()));
    conf.put("bdt.gateway.inference.chain-id", Long.toString(PlatformChain.CHAIN_ID));
    conf.put("bdt.gateway.inference.ledger-address", contracts.reputationLedger());
    // the gateway writes devices and anchors through its serving AP's node, from its own key
    conf.put("bdt.gateway.chain.rpc-url", "http://127.0.0.1:" + rpcPorts.get(n % aps));
    conf.put("bdt.gateway.chain.anchor-address", contracts.twinAnchor());
    conf.put("bdt.gateway.chain.registry-address", contracts.deviceRegistry());
    conf.put("bdt.gateway.anchor.period", Double.toString(Platform.ANCHOR_PERIOD_SECONDS));
    settings.kafkaServers().ifPresent(k -> conf.put("bdt.gateway.kafka.bootstrap-servers", k));
    conf.putAll(more);
    return conf;
  }

  /**
   * The audit explorer's settings: HTTPS on {@code port}, following AP 0's node by JSON-RPC on
   * {@code rpcPort} and newHeads on {@code nodeWsPort}, into an embedded database under the data
   * directory, auditing the twins of the gateways at {@code gatewayUrls}.
   */
  Map<String, String> explorer(int port, int rpcPort, int nodeWsPort, List<String> gatewayUrls) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("quarkus.http.port", Integer.toString(port));
    conf.putAll(pki.httpsSettings());
    conf.put("bdt.explorer.ca-file", pki.caCertificate().toString());
    conf.put("bdt.explorer.node-url", "http://127.0.0.1:" + rpcPort);
    conf.put("bdt.explorer.ws-url", "ws://127.0.0.1:" + nodeWsPort);
    conf.put("bdt.explorer.db.url", "jdbc:h2:file:" + settings.work().resolve("explorer/index"));
    if (!gatewayUrls.isEmpty()) {
      conf.put("bdt.explorer.gateways", String.join(",", gatewayUrls));
    }
    return conf;
  }
}

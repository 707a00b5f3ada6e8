package io.bdt.gateway.service;

import io.bdt.gateway.access.MosquittoDynsec;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * Test resource: a Mosquitto 2 process with the dynamic security plugin and its TLS listeners
 * ({@link MosquittoDynsec#startWithTls()}) and the gateway {@value IdentityBroker#GATEWAY} managing
 * it ({@code access=dynamic-security}) over TLS trusting the broker's CA, as on Kubernetes: the
 * plugin admin's password and the gateway's own password each in an owner-only file.
 */
public class DynsecIdentityBroker implements QuarkusTestResourceLifecycleManager {

  static volatile MosquittoDynsec broker;
  static volatile String gatewayPassword;
  static volatile TestTokens tokens;

  @Override
  public Map<String, String> start() {
    try {
      broker = MosquittoDynsec.startWithTls();
      Path root = broker.dir();
      byte[] secret = new byte[24];
      new SecureRandom().nextBytes(secret);
      gatewayPassword = HexFormat.of().formatHex(secret);
      Path passwordFile =
          MosquittoDynsec.ownerOnly(root.resolve("gateway-mqtt-password"), gatewayPassword + "\n");
      tokens = new TestTokens(Files.createDirectories(root.resolve("auth")));
      return Map.ofEntries(
          Map.entry("mp.jwt.verify.publickey.location", tokens.publicKeyFile().toString()),
          Map.entry("bdt.gateway.mqtt.url", broker.tlsUrl()),
          Map.entry("bdt.gateway.mqtt.ca-file", broker.ca().certificateFile().toString()),
          Map.entry("bdt.gateway.mqtt.access", "dynamic-security"),
          Map.entry("bdt.gateway.mqtt.admin-username", MosquittoDynsec.ADMIN),
          Map.entry("bdt.gateway.mqtt.admin-password-file", broker.adminPasswordFile().toString()),
          Map.entry("bdt.gateway.mqtt.password-file", passwordFile.toString()),
          Map.entry("bdt.gateway.data-dir", root.resolve("gateway").toString()),
          Map.entry("bdt.gateway.id", IdentityBroker.GATEWAY),
          Map.entry("bdt.gateway.anchor.period", "0"),
          Map.entry("bdt.gateway.profiles.vibration-sensor.key", IdentityBroker.PROFILE_KEY),
          Map.entry("bdt.gateway.profiles.vibration-sensor.secret", IdentityBroker.PROFILE_SECRET));
    } catch (IOException e) {
      throw new IllegalStateException("could not start Mosquitto with dynamic security", e);
    }
  }

  @Override
  public void stop() {
    if (broker != null) {
      broker.close();
    }
  }
}

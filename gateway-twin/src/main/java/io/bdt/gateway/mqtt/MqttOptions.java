package io.bdt.gateway.mqtt;

import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.access.AccessTable;
import io.bdt.pki.TlsContexts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * The gateway's MQTT connection settings from {@code bdt.gateway.mqtt.*}: its persistent session
 * (Clean Start off, session expiry), automatic reconnect, credentials and TLS.
 */
final class MqttOptions {

  private MqttOptions() {}

  /** The default client id of gateway {@code gatewayId}: stable, so its session is resumed. */
  static String clientId(String gatewayId) {
    return "bdt-gateway-" + gatewayId;
  }

  /** Options of the gateway's data connection. */
  static MqttConnectionOptions session(GatewayConfig config) {
    GatewayConfig.Mqtt mqtt = config.mqtt();
    MqttConnectionOptions options = new MqttConnectionOptions();
    PahoReconnect.upTo(options, mqtt.reconnectMaxDelay());
    long sessionExpiry = mqtt.sessionExpiry().toSeconds();
    options.setCleanStart(sessionExpiry <= 0);
    if (sessionExpiry > 0) {
      options.setSessionExpiryInterval(sessionExpiry);
    }
    // messages keep flowing while their PUBACKs wait for the twin journal's group commit
    options.setReceiveMaximum(65535);
    if (mqtt.passwordFile().isPresent()) {
      options.setUserName(mqtt.username().orElse(AccessTable.GATEWAY_PREFIX + config.id()));
      options.setPassword(firstLine(mqtt.passwordFile().get()).getBytes(StandardCharsets.UTF_8));
    }
    if (mqtt.url().orElse("").startsWith("tcp://")) {
      options.setSocketFactory(new BufferedSocketFactory()); // Paho reads in tiny reads
    }
    tls(mqtt, options);
    return options;
  }

  /** TLS trusting {@code bdt.gateway.mqtt.ca-file} for {@code ssl://} URLs. */
  static void tls(GatewayConfig.Mqtt mqtt, MqttConnectionOptions options) {
    if (!mqtt.url().orElse("").startsWith("ssl://")) {
      return;
    }
    if (mqtt.caFile().isEmpty()) {
      throw new IllegalArgumentException(
          "bdt.gateway.mqtt.ca-file must name the broker CA's PEM file for an ssl:// URL");
    }
    try {
      options.setSocketFactory(
          TlsContexts.fromPem(
                  Path.of(mqtt.caFile().get()),
                  mqtt.certFile().map(Path::of),
                  mqtt.keyFile().map(Path::of))
              .getSocketFactory());
    } catch (IOException e) {
      throw new IllegalStateException("MQTT TLS: " + e.getMessage(), e);
    }
    options.setHttpsHostnameVerificationEnabled(true);
  }

  /** The first line of {@code file}, stripped (password files). */
  static String firstLine(String file) {
    try {
      return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).getFirst().strip();
    } catch (IOException | java.util.NoSuchElementException e) {
      throw new IllegalStateException("cannot read the first line of " + file + ": " + e, e);
    }
  }
}

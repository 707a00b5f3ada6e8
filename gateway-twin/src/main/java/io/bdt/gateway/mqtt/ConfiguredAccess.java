package io.bdt.gateway.mqtt;

import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.ProfileSecrets;
import io.bdt.gateway.access.BrokerAccess;
import io.bdt.gateway.access.DynamicSecurityAccess;
import io.bdt.gateway.access.ExtensionAccess;
import io.bdt.gateway.access.Refusal;
import io.bdt.gateway.device.SecretHash;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/** The {@link BrokerAccess} that {@code bdt.gateway.mqtt.access} names, built from the config. */
final class ConfiguredAccess {

  private ConfiguredAccess() {}

  /**
   * @param refusals told of the refusals the broker kind shows the gateway outside the refusals
   *     topic (Mosquitto's log)
   */
  static BrokerAccess of(GatewayConfig config, Consumer<Refusal> refusals) {
    return switch (config.mqtt().access().toLowerCase(Locale.ROOT)) {
      case "extension" -> {
        SecureRandom random = new SecureRandom();
        Map<String, String> hashes = new LinkedHashMap<>();
        config
            .profiles()
            .forEach(
                (id, p) -> hashes.put(p.key(), SecretHash.hash(ProfileSecrets.of(id, p), random)));
        yield new ExtensionAccess(config.id(), hashes);
      }
      case "dynamic-security" -> dynamicSecurity(config, refusals);
      case "none" -> BrokerAccess.NONE;
      default ->
          throw new IllegalArgumentException(
              "bdt.gateway.mqtt.access must be extension, dynamic-security or none, got "
                  + config.mqtt().access());
    };
  }

  private static BrokerAccess dynamicSecurity(GatewayConfig config, Consumer<Refusal> refusals) {
    GatewayConfig.Mqtt mqtt = config.mqtt();
    if (mqtt.url().isEmpty()) {
      return BrokerAccess.NONE; // MQTT is off
    }
    if (mqtt.adminPasswordFile().isEmpty() || mqtt.passwordFile().isEmpty()) {
      throw new IllegalArgumentException(
          "bdt.gateway.mqtt.access=dynamic-security needs bdt.gateway.mqtt.admin-password-file"
              + " (the plugin admin's) and bdt.gateway.mqtt.password-file (this gateway's own)");
    }
    MqttConnectionOptions admin = new MqttConnectionOptions();
    admin.setUserName(mqtt.adminUsername());
    admin.setPassword(
        MqttOptions.firstLine(mqtt.adminPasswordFile().get()).getBytes(StandardCharsets.UTF_8));
    MqttOptions.tls(mqtt, admin);
    // the admin connection reconnects with the data connection's bound (Paho's own default: 128 s)
    PahoReconnect.upTo(admin, mqtt.reconnectMaxDelay());
    Map<String, String> profileSecrets = new LinkedHashMap<>();
    config.profiles().forEach((id, p) -> profileSecrets.put(p.key(), ProfileSecrets.of(id, p)));
    return new DynamicSecurityAccess(
        config.id(),
        mqtt.url().get(),
        admin,
        MqttOptions.firstLine(mqtt.passwordFile().get()),
        profileSecrets,
        refusals);
  }
}

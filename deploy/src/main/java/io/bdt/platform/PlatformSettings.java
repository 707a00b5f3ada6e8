package io.bdt.platform;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link Platform} runs. {@code work} is the data directory (see {@link DataDirectory}): a run
 * on a directory an earlier run used continues its chain, twins and devices. {@code apSettings} are
 * extra settings of every AP (e.g. {@code bdt.ap.coordinator.policy}); {@code explorer} whether to
 * start the audit explorer when it is built.
 */
record PlatformSettings(
    Path root,
    Path work,
    int aps,
    int gateways,
    int devices,
    Optional<String> mqttUrl,
    Optional<String> kafkaServers,
    int basePort,
    long periodMillis,
    double gatewayFlops,
    Map<String, String> faults,
    int mqttPlainPort,
    Map<String, String> apSettings,
    boolean explorer) {

  /** Settings with the APs' default settings and the explorer. */
  PlatformSettings(
      Path root,
      Path work,
      int aps,
      int gateways,
      int devices,
      Optional<String> mqttUrl,
      Optional<String> kafkaServers,
      int basePort,
      long periodMillis,
      double gatewayFlops,
      Map<String, String> faults,
      int mqttPlainPort) {
    this(
        root,
        work,
        aps,
        gateways,
        devices,
        mqttUrl,
        kafkaServers,
        basePort,
        periodMillis,
        gatewayFlops,
        faults,
        mqttPlainPort,
        Map.of(),
        true);
  }

  /** Settings without a plain-text MQTT listener. */
  PlatformSettings(
      Path root,
      Path work,
      int aps,
      int gateways,
      int devices,
      Optional<String> mqttUrl,
      Optional<String> kafkaServers,
      int basePort,
      long periodMillis,
      double gatewayFlops,
      Map<String, String> faults) {
    this(
        root,
        work,
        aps,
        gateways,
        devices,
        mqttUrl,
        kafkaServers,
        basePort,
        periodMillis,
        gatewayFlops,
        faults,
        Platform.NO_PLAIN_MQTT);
  }
}

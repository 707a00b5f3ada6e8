package io.bdt.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./bdt platform} hands its gateways the provisioning profile's secret in the environment
 * (never a {@code -D} argument): the dashed profile id in the variable's name still maps to the
 * profile named by a {@code -D} key.
 */
@Timeout(10)
class ProfileSecretFromEnvironmentTest {

  @Test
  void profileSecretIsReadFromTheEnvironment() {
    GatewayConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(GatewayConfig.class)
            .withSources(
                new EnvConfigSource(
                    Map.of("BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET", "from-env"), 300))
            .withDefaultValues(Map.of("bdt.gateway.profiles.vibration-sensor.key", "vib-key"))
            .build()
            .getConfigMapping(GatewayConfig.class);

    assertThat(config.profiles()).containsOnlyKeys("vibration-sensor");
    assertThat(config.profiles().get("vibration-sensor").secret()).contains("from-env");
  }
}

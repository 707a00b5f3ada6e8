package io.bdt.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged service ships no provisioning secret: under the prod profile the shipped {@code
 * application.properties} leaves the profile's secret unset, and the gateway refuses it with an
 * error naming the setting and its environment variable; only Quarkus' dev and test profiles have a
 * value.
 */
@Timeout(10)
class ProfileWithoutSecretTest {

  static final String VARIABLE = "BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET";

  static GatewayConfig shipped(String quarkusProfile, Map<String, String> environment)
      throws Exception {
    URL properties = GatewayConfig.class.getClassLoader().getResource("application.properties");
    assertThat(properties).as("the service's application.properties").isNotNull();
    return new SmallRyeConfigBuilder()
        .withProfile(quarkusProfile)
        .withMapping(GatewayConfig.class)
        .withSources(new PropertiesConfigSource(properties, 250))
        .withSources(new EnvConfigSource(environment, 300))
        .build()
        .getConfigMapping(GatewayConfig.class);
  }

  @Test
  void packagedServiceRefusesTheShippedProfileNamingItsSettingAndVariable() throws Exception {
    GatewayConfig config = shipped("prod", Map.of());
    GatewayConfig.Profile profile = config.profiles().get("vibration-sensor");

    assertThat(profile.secret()).isEmpty();
    assertThatThrownBy(() -> ProfileSecrets.of("vibration-sensor", profile))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bdt.gateway.profiles.vibration-sensor.secret")
        .hasMessageContaining(VARIABLE)
        .hasMessageContaining("never as a -D argument");
  }

  @Test
  void blankSecretIsRefusedLikeAMissingOne() throws Exception {
    GatewayConfig config = shipped("prod", Map.of(VARIABLE, " "));

    assertThatThrownBy(
            () -> ProfileSecrets.of("vibration-sensor", config.profiles().get("vibration-sensor")))
        .hasMessageContaining(VARIABLE);
  }

  @Test
  void packagedServiceTakesTheSecretFromTheEnvironment() throws Exception {
    GatewayConfig config = shipped("prod", Map.of(VARIABLE, "from-the-secret"));

    assertThat(ProfileSecrets.of("vibration-sensor", config.profiles().get("vibration-sensor")))
        .isEqualTo("from-the-secret");
  }

  @Test
  void onlyDevAndTestProfilesHaveAValue() throws Exception {
    for (String quarkusProfile : new String[] {"dev", "test"}) {
      GatewayConfig config = shipped(quarkusProfile, Map.of());
      assertThat(config.profiles().get("vibration-sensor").secret())
          .as(quarkusProfile)
          .hasValueSatisfying(s -> assertThat(s).startsWith(quarkusProfile + "-only"));
    }
  }
}

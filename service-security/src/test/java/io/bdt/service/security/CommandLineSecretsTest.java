package io.bdt.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CommandLineSecretsTest {
  static final List<String> GATEWAY =
      List.of("bdt.gateway.profiles.*.secret", "bdt.gateway.inference.signing-key");

  @Test
  void aSecretGivenAsADashDArgumentIsRefusedNamingItsEnvironmentVariableNotItsValue() {
    String refusal =
        CommandLineSecrets.refusal(
                List.of("-Xmx512m", "-Dbdt.gateway.profiles.vibration-sensor.secret=hunter2"),
                GATEWAY)
            .orElseThrow();
    assertThat(refusal)
        .startsWith("bdt.gateway.profiles.vibration-sensor.secret is set on the command line")
        .contains("/proc/PID/cmdline")
        .contains("BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET")
        .doesNotContain("hunter2");
    assertThat(
            CommandLineSecrets.refusal(
                List.of("-Dbdt.gateway.inference.signing-key=0xabc"), GATEWAY))
        .isPresent();
  }

  @Test
  void fileSettingsAndOtherSettingsPass() {
    assertThat(
            CommandLineSecrets.refusal(
                List.of(
                    "-Dbdt.gateway.inference.signing-key-file=/keys/gw.key",
                    "-Dbdt.gateway.profiles.vibration-sensor.key=vib-key",
                    "-Dbdt.gateway.profiles.a.b.secret=x", // * is one name part
                    "-Xss1m",
                    "-jar"),
                GATEWAY))
        .isEmpty();
    assertThat(CommandLineSecrets.refusal(List.of("-Dbdt.ap.key=1"), List.of())).isEmpty();
  }
}

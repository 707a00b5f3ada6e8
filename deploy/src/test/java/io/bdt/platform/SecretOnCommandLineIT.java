package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway service started the way the issue found keys travelling: a secret setting as
 * a {@code -D} argument. It refuses to start, naming the setting and where to put it instead,
 * without repeating the value.
 */
class SecretOnCommandLineIT {
  @TempDir Path tmp;

  @Test
  @Timeout(180)
  void theGatewayRefusesToStartWithItsProfileSecretOnTheCommandLine() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path jar = root.resolve("gateway-twin/target/quarkus-app/quarkus-run.jar");
    Assumptions.assumeTrue(Files.exists(jar), "gateway-twin/target/quarkus-app is not built");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = tmp.resolve("gateway.log");
    try (ServiceProcess gateway =
        new ServiceProcess(
            "gw-secret",
            jar,
            Map.of(
                "quarkus.http.port", Integer.toString(port),
                "quarkus.http.insecure-requests", "enabled",
                "bdt.gateway.data-dir", tmp.resolve("data").toString(),
                "bdt.gateway.profiles.vibration-sensor.key", "vib-key",
                "bdt.gateway.profiles.vibration-sensor.secret", "hunter2-not-for-the-log"),
            log,
            port,
            Optional.empty())) {
      gateway.start();
      assertThatThrownBy(() -> gateway.awaitReady("/q/health/live", Duration.ofSeconds(150)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("gw-secret exited with")
          .hasMessageContaining(
              "bdt.gateway.profiles.vibration-sensor.secret is set on the command line")
          .hasMessageContaining("BDT_GATEWAY_PROFILES_VIBRATION_SENSOR_SECRET");
    }
    assertThat(Files.readString(log)).doesNotContain("hunter2-not-for-the-log");
  }
}

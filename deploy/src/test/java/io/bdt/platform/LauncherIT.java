package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.dnn.zoo.ModelZoo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./bdt} as a user runs it, on the packaged jar. */
class LauncherIT {
  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void launcherRunsAnOnnxCommandWithoutJdkWarnings() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    // protobuf (ONNX models) uses sun.misc.Unsafe and ONNX Runtime loads native code: the two
    // kinds of JDK warning the launcher's options are for
    Path model = ModelZoo.write(ModelZoo.named("vibration"), tmp);
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash", root.resolve("bdt").toString(), "dnn", "inspect", model.toString())
            .directory(tmp.toFile())
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .redirectError(tmp.resolve("err.txt").toFile());
    pb.environment().put("BDT_SKIP_BUILD", "1"); // the jar the package phase just built
    pb.environment().remove("BDT_JAVA_OPTS");
    Process p = pb.start();
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);
    String err = Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out).as("the command did its work").contains("vibration");
    assertThat(err).doesNotContain("WARNING");
  }

  @Test
  @Timeout(420)
  void aShortPlatformRunPrintsNoLogbackStatusLines() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.exists(root.resolve("gateway-twin/target/quarkus-app/quarkus-run.jar")),
        "the gateway app is not built (gateway-twin/target/quarkus-app)");
    ProcessBuilder pb =
        new ProcessBuilder(
                "bash",
                root.resolve("bdt").toString(),
                "platform",
                "--duration",
                "3",
                "--fresh",
                "--data",
                tmp.resolve("data").toString())
            .directory(tmp.toFile())
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .redirectError(tmp.resolve("err.txt").toFile());
    pb.environment().put("BDT_SKIP_BUILD", "1");
    pb.environment().remove("BDT_JAVA_OPTS");
    Process p = pb.start();
    assertThat(p.waitFor(400, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);
    String err = Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out).as("the platform came up").contains("platform: up");
    // HiveMQ reconfigures Logback while Kafka logs; without Bdt.quietLogbackStatus Logback then
    // printed every status line of both configurations ("|-INFO in ch.qos.logback...")
    assertThat(out + err).doesNotContain("|-INFO in ch.qos.logback").doesNotContain("|-WARN in");
  }
}

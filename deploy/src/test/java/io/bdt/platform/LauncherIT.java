package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.dnn.zoo.ModelZoo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./bdt} as a user runs it, on the packaged jar. */
class LauncherIT {
  @TempDir Path tmp;

  private final Path root = Path.of("").toAbsolutePath().getParent();

  /** What one {@code ./bdt} run printed. */
  private record Run(String out, String err) {}

  @Test
  @Timeout(300)
  void launcherRunsAnOnnxCommandWithoutJdkWarnings() throws Exception {
    // protobuf (ONNX models) uses sun.misc.Unsafe and ONNX Runtime loads native code: the two
    // kinds of JDK warning the launcher's options are for
    Path model = ModelZoo.write(ModelZoo.named("vibration"), tmp);
    Run run = bdt(240, "dnn", "inspect", model.toString());
    assertThat(run.out()).as("the command did its work").contains("vibration");
    assertThat(run.err()).doesNotContain("WARNING");
  }

  @Test
  @Timeout(420)
  void aShortPlatformRunPrintsNoLogbackStatusLines() throws Exception {
    Assumptions.assumeTrue(
        Files.exists(root.resolve("gateway-twin/target/quarkus-app/quarkus-run.jar")),
        "the gateway app is not built (gateway-twin/target/quarkus-app)");
    Run run = bdt(400, "platform", "--duration", "3", "--fresh", "--data", tmp + "/data");
    assertThat(run.out()).as("the platform came up").contains("platform: up");
    // HiveMQ reconfigures Logback while Kafka logs; without Bdt.quietLogbackStatus Logback then
    // printed every status line of both configurations ("|-INFO in ch.qos.logback...")
    assertThat(run.out() + run.err())
        .doesNotContain("|-INFO in ch.qos.logback")
        .doesNotContain("|-WARN in");
  }

  /** Runs {@code ./bdt args} on the jar the package phase just built; it must exit with 0. */
  private Run bdt(int timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("bdt").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(tmp.toFile())
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .redirectError(tmp.resolve("err.txt").toFile());
    pb.environment().put("BDT_SKIP_BUILD", "1");
    pb.environment().remove("BDT_JAVA_OPTS");
    Process p = pb.start();
    assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("./bdt %s ended", args[0]).isTrue();
    Run run =
        new Run(
            Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8),
            Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
    assertThat(p.exitValue()).as(run.err()).isZero();
    return run;
  }
}

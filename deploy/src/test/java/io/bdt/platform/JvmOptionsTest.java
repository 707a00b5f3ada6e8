package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The launcher script and the services it starts run with the same, JDK-dependent options. */
@Timeout(60)
class JvmOptionsTest {

  static List<String> launcherOptions(int feature) throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Process p =
        new ProcessBuilder("bash", "-c", ". scripts/jvm-options.sh && bdt_jvm_options " + feature)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return Arrays.asList(out.split("\\s+"));
  }

  @ParameterizedTest
  @ValueSource(ints = {21, 22, 23, 24, 25, 26})
  void launcherScriptAndServicesAgree(int feature) throws Exception {
    assertThat(launcherOptions(feature)).isEqualTo(JvmOptions.quiet(feature));
  }

  @Test
  void jdk21And22GetOnlyOptionsTheyKnow() {
    // --sun-misc-unsafe-memory-access is unknown before JDK 23: the JVM would not start
    assertThat(JvmOptions.quiet(21)).containsExactly("--enable-native-access=ALL-UNNAMED");
    assertThat(JvmOptions.quiet(22)).containsExactly("--enable-native-access=ALL-UNNAMED");
  }

  @Test
  void jdk23AndLaterAllowUnsafeMemoryAccessAndNativeAccessOnly() {
    assertThat(JvmOptions.quiet(25))
        .containsExactly(
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
  }

  @Test
  void thisJdkAcceptsItsOptions() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    cmd.addAll(JvmOptions.forThisJdk());
    cmd.add("-version");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}

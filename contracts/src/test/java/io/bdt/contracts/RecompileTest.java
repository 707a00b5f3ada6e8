package io.bdt.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the pinned solc is installed ({@code contracts/solc/compile.sh} was run, so {@code
 * contracts/solc/node_modules} exists and {@code node} is on the PATH), compiling the sources again
 * gives byte-identical artifacts: the committed ABI/bin are reproducible. Skipped otherwise, so the
 * Maven build never needs npm.
 */
class RecompileTest {
  @Test
  void recompilingWithPinnedSolcReproducesCommittedArtifacts(@TempDir Path out) throws Exception {
    assumeTrue(Files.exists(Path.of("solc/node_modules/solc/package.json")), "solc not installed");
    Process p;
    try {
      p =
          new ProcessBuilder("node", "solc/compile.mjs", "--out", out.toString())
              .redirectErrorStream(true)
              .start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "node is not on the PATH");
      return;
    }
    String log = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(log).isZero();
    Path committed = Path.of("src/main/resources/contracts");
    try (Stream<Path> files = Files.list(committed)) {
      for (Path f : files.toList()) {
        assertThat(out.resolve(f.getFileName()))
            .as("recompiled %s", f.getFileName())
            .hasSameBinaryContentAs(f);
      }
    }
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.count()).isEqualTo(7);
    }
  }
}

package io.bdt.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed ABI/bin are those of the committed Solidity sources: manifest.json (written by
 * contracts/solc/compile.mjs) holds the SHA-256 of every source, of the compile script and lock
 * file (compiler version and settings), and of every artifact. Any mismatch fails the build.
 */
class ArtifactsFreshnessTest {
  static final Path SOURCES = Path.of("src/main/solidity");
  static final Path ARTIFACTS = Path.of("src/main/resources/contracts");
  static final Path SOLC = Path.of("solc");
  static final String FIX = "; run contracts/solc/compile.sh";

  final JsonNode manifest = read();

  static JsonNode read() {
    try {
      return new ObjectMapper().readTree(ARTIFACTS.resolve("manifest.json").toFile());
    } catch (IOException e) {
      throw new AssertionError("contracts/src/main/resources/contracts/manifest.json" + FIX, e);
    }
  }

  @Test
  void everySourceIsCompiledAsCommitted() throws IOException {
    Set<String> onDisk = new TreeSet<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      files.filter(p -> p.toString().endsWith(".sol")).forEach(p -> onDisk.add(name(p)));
    }
    Set<String> compiled = new TreeSet<>();
    manifest.path("sources").fieldNames().forEachRemaining(compiled::add);
    assertThat(onDisk)
        .as("Solidity sources added or removed since the last compile" + FIX)
        .isEqualTo(compiled);
    for (String f : onDisk) {
      assertThat(sha256(SOURCES.resolve(f)))
          .as("contracts/src/main/solidity/%s changed since its ABI/bin were compiled%s", f, FIX)
          .isEqualTo(manifest.path("sources").path(f).asText());
    }
  }

  @Test
  void compilerSettingsAreThoseOfTheCommittedScriptAndLockFile() throws IOException {
    for (String f : new String[] {"compile.mjs", "package-lock.json"}) {
      assertThat(sha256(SOLC.resolve(f)))
          .as("contracts/solc/%s changed since the artifacts were compiled%s", f, FIX)
          .isEqualTo(manifest.path("toolchain").path("solc/" + f).asText());
    }
    assertThat(manifest.path("compiler").asText()).startsWith("0.8.28+");
    assertThat(manifest.path("settings").path("evmVersion").asText()).isEqualTo("shanghai");
  }

  @Test
  void artifactsAreUntouchedCompilerOutput() throws IOException {
    var names = manifest.path("artifacts").fieldNames();
    int n = 0;
    while (names.hasNext()) {
      String a = names.next();
      assertThat(sha256(ARTIFACTS.resolve(a)))
          .as("contracts/src/main/resources/contracts/%s was edited by hand%s", a, FIX)
          .isEqualTo(manifest.path("artifacts").path(a).asText());
      n++;
    }
    assertThat(n).isEqualTo(6);
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

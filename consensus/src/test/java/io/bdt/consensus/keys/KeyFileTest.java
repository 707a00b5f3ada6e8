package io.bdt.consensus.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Key files are owner-only from creation, replaced atomically, and read back or refused by name.
 */
class KeyFileTest {
  @TempDir Path dir;

  @Test
  void writesKeyOwnerOnlyAndReadsItBack() throws Exception {
    Credentials key = Credentials.create(Keys.createEcKeyPair());
    Path file = dir.resolve("keys/ap0.key");

    KeyFile.write(file, key);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(KeyFile.readableByOthers(file)).isFalse();
    assertThat(KeyFile.read(file).getAddress()).isEqualTo(key.getAddress());
  }

  @Test
  void replacingAWorldReadableFileLeavesItOwnerOnly() throws Exception {
    Path file = dir.resolve("ap0.key");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(KeyFile.readableByOthers(file)).isTrue();

    KeyFile.write(file, Credentials.create(Keys.createEcKeyPair()));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var left = Files.list(dir)) {
      assertThat(left).as("no temporary file left behind").containsExactly(file);
    }
  }

  @Test
  void refusesFileThatHoldsNoHexKeyNamingIt() throws Exception {
    Path file = dir.resolve("bad.key");
    Files.writeString(file, "not a key");

    assertThatThrownBy(() -> KeyFile.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("hex private key");
  }
}

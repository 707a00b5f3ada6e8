package io.bdt.platform.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ProvisioningSecretTest {

  @TempDir Path dir;

  @Test
  void isMadeOwnerOnlyOnTheFirstStartAndReusedAfter() throws Exception {
    String first = ProvisioningSecret.openOrCreate(dir);

    Path file = dir.resolve(ProvisioningSecret.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(first).matches("[0-9a-f]{64}");
    assertThat(ProvisioningSecret.openOrCreate(dir)).isEqualTo(first);
  }

  @Test
  void differsBetweenDataDirectories() throws Exception {
    String a = ProvisioningSecret.openOrCreate(dir.resolve("a"));
    String b = ProvisioningSecret.openOrCreate(dir.resolve("b"));

    assertThat(a).isNotEqualTo(b);
  }
}

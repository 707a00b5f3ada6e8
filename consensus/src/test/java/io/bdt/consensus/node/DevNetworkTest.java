package io.bdt.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.keys.KeyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The dev chain's keys come from its data directory, never from the program. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DevNetworkTest {
  @TempDir Path dir;

  @Test
  void generatesOwnerOnlyKeyFilesForANewDataDirectory() throws IOException {
    DevNetwork.Keys keys = DevNetwork.Keys.openOrCreate(dir);

    for (String f : new String[] {DevNetwork.ACCOUNT_KEY_FILE, DevNetwork.MINER_KEY_FILE}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f))))
          .isEqualTo("rw-------");
      assertThat(KeyFile.readableByOthers(dir.resolve(f))).isFalse();
    }
    assertThat(KeyFile.read(dir.resolve(DevNetwork.ACCOUNT_KEY_FILE)).getAddress())
        .isEqualTo(keys.account().getAddress());
    assertThat(keys.account().getAddress()).isNotEqualTo(keys.miner().getAddress());
  }

  @Test
  void aRestartReadsTheSameKeysSoTheGenesisMatches() throws IOException {
    DevNetwork.Keys first = DevNetwork.Keys.openOrCreate(dir);

    DevNetwork.Keys again = DevNetwork.Keys.openOrCreate(dir);

    assertThat(again.account().getAddress()).isEqualTo(first.account().getAddress());
    assertThat(again.miner().getAddress()).isEqualTo(first.miner().getAddress());
    assertThat(DevNetwork.spec(again)).isEqualTo(DevNetwork.spec(first));
  }

  @Test
  void everyDataDirectoryGetsItsOwnKeys() throws IOException {
    DevNetwork.Keys a = DevNetwork.Keys.openOrCreate(dir.resolve("a"));
    DevNetwork.Keys b = DevNetwork.Keys.openOrCreate(dir.resolve("b"));

    assertThat(a.account().getAddress()).isNotEqualTo(b.account().getAddress());
  }

  @Test
  void refusesADataDirectoryMissingOneKeyOfThePair() throws IOException {
    DevNetwork.Keys.openOrCreate(dir);
    Files.delete(dir.resolve(DevNetwork.MINER_KEY_FILE));

    assertThatThrownBy(() -> DevNetwork.Keys.openOrCreate(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("dev-miner.key is missing");
  }
}

package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.ap.chain.PlatformChain;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DataDirectoryTest {
  @TempDir Path tmp;

  static final DataDirectory.State STATE =
      new DataDirectory.State(3, 2, new PlatformChain.Contracts("0x01", "0x02", "0x03"));

  @Test
  void defaultsToTheUsersDataHomeAndHonoursBdtDataAndXdg() {
    Path home = Path.of("/home/ann");
    assertThat(DataDirectory.defaultPath(Map.of(), home))
        .isEqualTo(Path.of("/home/ann/.local/share/bdt/platform"));
    assertThat(DataDirectory.defaultPath(Map.of("XDG_DATA_HOME", "/data/x"), home))
        .isEqualTo(Path.of("/data/x/bdt/platform"));
    assertThat(
            DataDirectory.defaultPath(
                Map.of("XDG_DATA_HOME", "/data/x", "BDT_DATA", "/srv/bdt"), home))
        .isEqualTo(Path.of("/srv/bdt"));
  }

  @Test
  void keepsWhatARunRecordedForTheNextRun() throws IOException {
    DataDirectory.open(tmp.resolve("d"), false).save(STATE);
    assertThat(DataDirectory.open(tmp.resolve("d"), false).previous()).contains(STATE);
  }

  @Test
  void freshDeletesEverythingAnEarlierRunLeft() throws IOException {
    DataDirectory d = DataDirectory.open(tmp.resolve("d"), false);
    d.save(STATE);
    Files.createDirectories(d.path().resolve("ap0/chain"));
    Files.writeString(d.path().resolve("ap0/chain/blocks"), "x");
    DataDirectory again = DataDirectory.open(tmp.resolve("d"), true);
    assertThat(again.previous()).isEmpty();
    assertThat(again.path().resolve("ap0")).doesNotExist();
  }

  @Test
  void freshWipesADirectoryWhoseFirstRunStoppedBeforeRecordingItsState() throws IOException {
    DataDirectory d = DataDirectory.open(tmp.resolve("d"), false);
    d.lock().channel().close();
    Files.createDirectories(d.path().resolve("pki"));
    Files.writeString(d.path().resolve("pki/ca.pem"), "x");
    assertThat(DataDirectory.open(tmp.resolve("d"), true).path().resolve("pki")).doesNotExist();
  }

  @Test
  void freshRefusesToWipeADirectoryThatIsNotOurs() throws IOException {
    Files.createDirectories(tmp.resolve("home"));
    Files.writeString(tmp.resolve("home/thesis.tex"), "precious");
    assertThatThrownBy(() -> DataDirectory.open(tmp.resolve("home"), true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a B-DT data directory");
    assertThat(tmp.resolve("home/thesis.tex")).hasContent("precious");
  }

  @Test
  void refusesAnotherLayoutNamingTheOneItHolds() throws IOException {
    DataDirectory d = DataDirectory.open(tmp.resolve("d"), false);
    d.save(STATE);
    d.checkLayout(3, 2);
    assertThatThrownBy(() -> d.checkLayout(1, 2))
        .hasMessageContaining("3 APs and 2 gateways")
        .hasMessageContaining("--fresh");
  }

  @Test
  void aSecondPlatformOnTheSameDirectoryIsRefused() throws IOException {
    DataDirectory d = DataDirectory.open(tmp.resolve("d"), false);
    FileLock first = d.lock();
    try {
      assertThatThrownBy(d::lock).hasMessageContaining("another ./bdt platform is using");
    } finally {
      first.channel().close();
    }
    d.lock().channel().close();
  }

  @Test
  void unreadableStateSaysHowToStartOver() throws IOException {
    DataDirectory d = DataDirectory.open(tmp.resolve("d"), false);
    Files.writeString(d.path().resolve(DataDirectory.STATE_FILE), "{not json");
    assertThatThrownBy(d::previous).hasMessageContaining("--fresh");
  }
}

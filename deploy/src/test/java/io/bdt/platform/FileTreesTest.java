package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileTreesTest {

  @TempDir Path dir;

  private Path tree() throws Exception {
    Path root = dir.resolve("run");
    Files.createDirectories(root.resolve("mqtt/data/persistence"));
    Files.createDirectories(root.resolve("ap0/chain"));
    Files.writeString(root.resolve("mqtt/data/persistence/a.bin"), "x");
    Files.writeString(root.resolve("ap0/chain/blocks"), "y");
    Files.writeString(root.resolve("platform.json"), "{}");
    return root;
  }

  @Test
  void deleteTreeRemovesTheDirectoryAndEverythingInIt() throws Exception {
    Path root = tree();
    FileTrees.deleteTree(root);
    assertThat(root).doesNotExist();
    assertThat(dir).exists();
  }

  @Test
  void deleteContentsKeepsTheDirectory() throws Exception {
    Path root = tree();
    FileTrees.deleteContents(root);
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void aTreeThatIsGoneAlreadyIsNotAnError() throws Exception {
    Path root = tree();
    FileTrees.deleteTree(root);
    FileTrees.deleteTree(root);
    FileTrees.deleteContents(root);
    assertThat(root).doesNotExist();
  }
}

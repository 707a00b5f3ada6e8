package io.bdt.platform;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes directory trees that a stopped platform may still be tidying: a broker or Kafka log that
 * removes its own temporary files while the walk passes, or writes one last file after its close
 * returned. A file that is gone already is not an error; a directory that is not empty when its
 * turn comes is walked again, a few times.
 */
public final class FileTrees {

  private static final int ATTEMPTS = 5;
  private static final long PAUSE_MILLIS = 200;

  private FileTrees() {}

  /** Deletes {@code dir} and everything in it; nothing when it does not exist. */
  public static void deleteTree(Path dir) throws IOException {
    delete(dir, true);
  }

  /** Deletes everything in {@code dir}, keeping {@code dir}. */
  public static void deleteContents(Path dir) throws IOException {
    delete(dir, false);
  }

  private static void delete(Path dir, boolean withRoot) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        walk(dir, withRoot);
        return;
      } catch (DirectoryNotEmptyException e) {
        if (attempt == ATTEMPTS) {
          throw e;
        }
        try {
          Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static void walk(Path dir, boolean withRoot) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE; // removed by its owner while we walked
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
              throw e;
            }
            if (withRoot || !d.equals(dir)) {
              Files.deleteIfExists(d);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}

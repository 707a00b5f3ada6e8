package io.bdt.gateway.storage;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real small file system for disk-full tests: a tmpfs of a given size mounted on a directory (so
 * a write past its end fails with the kernel's ENOSPC, {@code No space left on device}), a filler
 * file that takes all the room left, and the unmount. Mounting needs root (CAP_SYS_ADMIN): without
 * it the test is skipped, saying so.
 */
public final class SmallDisk implements AutoCloseable {

  private final Path mountPoint;
  private final Path filler;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.filler = mountPoint.resolve("filler");
  }

  /**
   * Mounts a tmpfs of {@code megabytes} MiB on {@code mountPoint} (created); skips without root.
   */
  public static SmallDisk mount(Path mountPoint, int megabytes)
      throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    int status =
        run(
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=" + megabytes + "m",
            "tmpfs",
            mountPoint.toString());
    assumeTrue(status == 0, "mounting a tmpfs needs root; the disk-full test is skipped");
    return new SmallDisk(mountPoint);
  }

  /** The mounted directory. */
  public Path dir() {
    return mountPoint;
  }

  /** Writes the filler file until the file system is full; returns its size in bytes. */
  public long fill() throws IOException {
    byte[] block = new byte[64 * 1024];
    long size = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        size += block.length;
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
    // a partial last block may leave a few bytes: take them too
    try (OutputStream out =
        Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
      for (int i = 0; i < 64 * 1024; i++) {
        out.write(0);
        out.flush();
        size++;
      }
    } catch (IOException full) {
      // full now
    }
    return size;
  }

  /** Deletes the filler file: the file system has room again. */
  public void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (run("umount", "-l", mountPoint.toString()) != 0) {
      throw new IOException("umount " + mountPoint + " failed");
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within 30 s");
    }
    return p.exitValue();
  }
}

package io.bdt.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.ap.chain.PlatformKeys;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The directory {@code ./bdt platform} keeps its state in between runs: the AP chain nodes' blocks
 * and state, the gateways' twins, devices and outboxes, the broker's data, logs, and {@value
 * #STATE_FILE} (the layout and contract addresses of the run that created it). A run on an existing
 * directory continues from it; {@link #open(Path, boolean)} with {@code fresh} empties it first.
 *
 * <p>Other parts that must survive a restart belong here too: certificates ({@code pki/}), the
 * chain keys ({@code keys/}, {@link #keys}).
 */
record DataDirectory(Path path) {

  /**
   * The file naming what a directory holds. A directory with neither it nor the lock file (which
   * the first start creates) is not wiped by --fresh.
   */
  static final String STATE_FILE = "platform.json";

  private static final String LOCK_FILE = ".lock";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a run recorded: the layout the chain's genesis was built for and the contracts on it. */
  record State(int aps, int gateways, PlatformChain.Contracts contracts) {}

  /** {@code given}, or the default directory for this user when it is null. */
  static Path orDefault(Path given) {
    return given != null
        ? given
        : defaultPath(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * The default directory: {@code $BDT_DATA} if set, else {@code $XDG_DATA_HOME/bdt/platform}, else
   * {@code ~/.local/share/bdt/platform}.
   */
  static Path defaultPath(Map<String, String> env, Path home) {
    String given = env.get("BDT_DATA");
    if (given != null && !given.isBlank()) {
      return Path.of(given).toAbsolutePath().normalize();
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(Path.of(".local", "share"));
    return base.resolve(Path.of("bdt", "platform")).toAbsolutePath().normalize();
  }

  /**
   * The data directory at {@code path}, created if missing; with {@code fresh}, everything in it is
   * deleted first. Refuses to wipe a non-empty directory that holds neither {@value #STATE_FILE}
   * nor the lock file (it is not one of ours).
   */
  static DataDirectory open(Path path, boolean fresh) throws IOException {
    Path dir = path.toAbsolutePath().normalize();
    if (fresh && Files.isDirectory(dir) && !isEmpty(dir)) {
      if (!Files.exists(dir.resolve(STATE_FILE)) && !Files.exists(dir.resolve(LOCK_FILE))) {
        throw new IOException(
            "--fresh: "
                + dir
                + " is not empty and holds neither "
                + STATE_FILE
                + " nor "
                + LOCK_FILE
                + ", so it is not a B-DT data directory; not deleting it");
      }
      FileTrees.deleteContents(dir);
    }
    Files.createDirectories(dir);
    return new DataDirectory(dir);
  }

  /** What the previous run recorded, if there was one. */
  Optional<State> previous() throws IOException {
    Path file = path.resolve(STATE_FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), State.class));
    } catch (IOException e) {
      throw new IOException(
          file + " is not readable (" + e.getMessage() + "); start over with --fresh", e);
    }
  }

  /** Records this run's layout and contracts for the next run. */
  void save(State state) throws IOException {
    Path tmp = path.resolve(STATE_FILE + ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), state);
    Files.move(
        tmp,
        path.resolve(STATE_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Checks that a platform of {@code aps} APs and {@code gateways} gateways can continue from this
   * directory: the chain's genesis names the miners and funded gateways, so the layout must match.
   */
  void checkLayout(int aps, int gateways) throws IOException {
    Optional<State> before = previous();
    if (before.isPresent() && (before.get().aps() != aps || before.get().gateways() != gateways)) {
      throw new IOException(
          path
              + " holds a platform of "
              + before.get().aps()
              + " APs and "
              + before.get().gateways()
              + " gateways; run with --aps "
              + before.get().aps()
              + " --gateways "
              + before.get().gateways()
              + ", or start over with --fresh, or use another --data directory");
    }
  }

  /**
   * The platform's chain keys in {@code keys/}: read on a continued run, generated at random
   * (owner-only files) on the first. A directory whose run recorded contracts but holds no deployer
   * key was made when the keys were fixed in code; its chain cannot continue with generated keys.
   */
  PlatformKeys keys(int aps, int gateways) throws IOException {
    Path dir = path.resolve("keys");
    if (previous().isPresent() && !Files.exists(dir.resolve("deployer.key"))) {
      throw new IOException(
          path
              + " was made by an older ./bdt platform with fixed keys; start over with --fresh,"
              + " or use another --data directory");
    }
    return PlatformKeys.openOrCreate(dir, aps, gateways);
  }

  /**
   * Takes the directory for this process: a second platform on the same directory would corrupt the
   * chain stores. Release by closing the returned lock's channel.
   */
  FileLock lock() throws IOException {
    FileChannel channel =
        FileChannel.open(
            path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException(
          "another ./bdt platform is using "
              + path
              + "; stop it, or give this one another --data directory");
    }
    return lock;
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}

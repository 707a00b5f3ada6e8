package io.bdt.ap.receipt;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The tasks this AP served (task id to gateway and FLOPs), which the receipts it co-signs must
 * name. Kept in an append-only file in the AP's data directory, one line per task, so an AP that
 * restarts still co-signs the receipts of tasks it served before; bounded to the newest {@code
 * capacity} tasks (older ones are forgotten in memory at once and in the file when it is compacted,
 * at twice that many lines). Without a file, it keeps them in memory only.
 */
public final class ServedTasks implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ServedTasks.class);

  /**
   * A task this AP served: the gateway that sent it, the FLOPs it credits and the slot it was
   * served in ({@code -1}: not recorded, a line written before slots were).
   */
  public record Served(String gateway, BigInteger flops, long slot) {

    /** A task whose slot was not recorded. */
    public Served(String gateway, BigInteger flops) {
      this(gateway, flops, -1);
    }
  }

  /** One line: task id, gateway, FLOPs (decimal) and slot, separated by single spaces. */
  private static final Pattern LINE =
      Pattern.compile("(\\S{1,200}) (\\S{1,200}) ([0-9]{1,40})(?: ([0-9]{1,19}))?");

  private final int capacity;
  private final Optional<Path> file;
  private final Map<String, Served> served;
  private BufferedWriter out;
  private long lines;
  private long skipped;

  private ServedTasks(int capacity, Optional<Path> file) {
    this.capacity = capacity;
    this.file = file;
    this.served =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Served> eldest) {
            return size() > ServedTasks.this.capacity;
          }
        };
  }

  /** Served tasks in memory only (lost on restart): for tests and tools. */
  public static ServedTasks inMemory(int capacity) {
    return new ServedTasks(capacity, Optional.empty());
  }

  /**
   * Opens the record in {@code file}, loading the newest {@code capacity} tasks it holds (a line
   * that does not parse, e.g. one cut short by a crash, is skipped and logged), and appends to it
   * from now on.
   */
  public static ServedTasks open(Path file, int capacity) throws IOException {
    ServedTasks tasks = new ServedTasks(capacity, Optional.of(file));
    Files.createDirectories(file.toAbsolutePath().getParent());
    boolean tornEnd = false;
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      // a crash may have cut the last line short: the next line must not be glued to it
      tornEnd = !text.isEmpty() && !text.endsWith("\n");
      List<String> all = text.lines().toList();
      for (String line : all) {
        var m = LINE.matcher(line);
        if (m.matches()) {
          long slot = m.group(4) == null ? -1 : Long.parseLong(m.group(4));
          tasks.served.putIfAbsent(
              m.group(1), new Served(m.group(2), new BigInteger(m.group(3)), slot));
        } else {
          tasks.skipped++;
        }
      }
      tasks.lines = all.size();
      if (tasks.skipped > 0) {
        LOG.warnf("%s: skipped %d unreadable line(s) of %d", file, tasks.skipped, all.size());
      }
    }
    tasks.compactIfLong();
    tasks.out = tasks.append();
    if (tornEnd && tasks.lines > 0) {
      tasks.out.write("\n");
      tasks.out.flush();
    }
    return tasks;
  }

  /** {@link #add(String, String, BigInteger, long)} without a slot. */
  public void add(String taskId, String gateway, BigInteger flops) {
    add(taskId, gateway, flops, -1);
  }

  /**
   * Records that this AP served {@code taskId} (lower-case {@code 0x} hex) for {@code gateway} with
   * {@code flops} in {@code slot} ({@code -1}: unknown); the first record of a task id wins.
   * Written through to the file before it returns (to the operating system: survives a crash of the
   * process, not of the machine).
   */
  public synchronized void add(String taskId, String gateway, BigInteger flops, long slot) {
    if (served.containsKey(taskId)) {
      return;
    }
    Served task = new Served(gateway, flops, slot);
    served.put(taskId, task);
    if (out == null) {
      return;
    }
    try {
      out.write(line(taskId, task));
      out.flush();
      lines++;
      compactIfLong();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record served task in " + file.orElseThrow(), e);
    }
  }

  /** What this AP served as {@code taskId}, if it still remembers. */
  public synchronized Optional<Served> get(String taskId) {
    return Optional.ofNullable(served.get(taskId));
  }

  /** How many tasks it remembers. */
  public synchronized int size() {
    return served.size();
  }

  /** Rewrites the file with the remembered tasks once it holds twice as many lines. */
  private void compactIfLong() throws IOException {
    if (file.isEmpty() || lines < 2L * capacity) {
      return;
    }
    Path target = file.get();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (var e : served.entrySet()) {
        w.write(line(e.getKey(), e.getValue()));
      }
    }
    if (out != null) {
      out.close();
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    lines = served.size();
    if (out != null) {
      out = append();
    }
  }

  private static String line(String taskId, Served task) {
    return taskId
        + " "
        + task.gateway()
        + " "
        + task.flops()
        + (task.slot() >= 0 ? " " + task.slot() : "")
        + "\n";
  }

  private BufferedWriter append() throws IOException {
    return Files.newBufferedWriter(
        file.orElseThrow(),
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }
}

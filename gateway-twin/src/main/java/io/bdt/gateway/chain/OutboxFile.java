package io.bdt.gateway.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chain outbox on disk: an append-only file of JSON lines, each forced to disk before the call
 * returns: {@code {"seq": n, "op": ..., ...}} when a write is queued ({@link ChainWrite#toJson()}),
 * {@code {"done": n}} when the chain has it (or rejected it). The pending writes are the queued
 * ones without a {@code done}. {@link #read} replays it and names every line it cannot use; {@link
 * #rewrite} replaces it atomically (temp file, fsync, rename) with only the pending writes.
 */
final class OutboxFile implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A queued write and its sequence number in the file. */
  record Entry(long seq, ChainWrite write) {}

  /**
   * What a replay found: the pending writes in order, one message per unusable line ({@code "chain
   * outbox FILE line N: why"}), and the next free sequence number.
   */
  record Replay(List<Entry> pending, List<String> problems, long nextSeq) {}

  private final Path file;
  private FileChannel channel;
  private long lines;

  /** Opens {@code file} for appending (created if missing). */
  OutboxFile(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.toAbsolutePath().getParent());
    this.channel = open(file);
  }

  Path path() {
    return file;
  }

  /** Lines written since the file was last rewritten (its size in records). */
  synchronized long lines() {
    return lines;
  }

  /** Replays {@code file} (absent = empty). */
  static Replay read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new Replay(List.of(), List.of(), 1);
    }
    String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    Map<Long, Entry> pending = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    long next = 1;
    String[] lines = text.split("\n", -1);
    // the text after the last newline is empty for a complete file
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      boolean last = i == lines.length - 1;
      if (last && line.isEmpty()) {
        break;
      }
      String where = "chain outbox " + file + " line " + (i + 1) + ": ";
      if (last) {
        problems.add(where + "incomplete (no line end: the gateway stopped while writing it)");
        break;
      }
      if (line.isBlank()) {
        problems.add(where + "blank");
        continue;
      }
      JsonNode json;
      try {
        json = JSON.readTree(line);
      } catch (IOException e) {
        problems.add(where + "not JSON (" + firstLine(e.getMessage()) + ")");
        continue;
      }
      if (json == null || !json.isObject()) {
        problems.add(where + "not a JSON object");
        continue;
      }
      if (json.has("done")) {
        JsonNode done = json.get("done");
        if (!done.canConvertToLong() || !done.isIntegralNumber()) {
          problems.add(where + "done: an integer sequence number is required");
        } else if (pending.remove(done.longValue()) == null) {
          problems.add(where + "done " + done.longValue() + " names no pending write");
        }
        continue;
      }
      JsonNode seq = json.get("seq");
      if (seq == null || !seq.isIntegralNumber() || seq.longValue() < 1) {
        problems.add(where + "seq: a positive integer is required");
        continue;
      }
      try {
        ChainWrite write = ChainWrite.fromJson(json);
        if (pending.containsKey(seq.longValue())) {
          problems.add(where + "seq " + seq.longValue() + " is used twice; the first is kept");
          continue;
        }
        pending.put(seq.longValue(), new Entry(seq.longValue(), write));
        next = Math.max(next, seq.longValue() + 1);
      } catch (IllegalArgumentException e) {
        problems.add(where + e.getMessage());
      }
    }
    return new Replay(List.copyOf(pending.values()), List.copyOf(problems), next);
  }

  /** Appends {@code entry} and forces it to disk. */
  synchronized void append(Entry entry) throws IOException {
    ObjectNode json = JSON.createObjectNode().put("seq", entry.seq());
    json.setAll(entry.write().toJson());
    write(json);
  }

  /** Records that write {@code seq} is settled (on chain, or rejected) and forces it to disk. */
  synchronized void done(long seq) throws IOException {
    write(JSON.createObjectNode().put("done", seq));
  }

  /** Replaces the file atomically with {@code pending} only. */
  synchronized void rewrite(List<Entry> pending) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    StringBuilder text = new StringBuilder();
    for (Entry e : pending) {
      ObjectNode json = JSON.createObjectNode().put("seq", e.seq());
      json.setAll(e.write().toJson());
      text.append(JSON.writeValueAsString(json)).append('\n');
    }
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeFully(out, text.toString().getBytes(StandardCharsets.UTF_8));
      out.force(true);
    }
    channel.close();
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    channel = open(file);
    lines = pending.size();
  }

  private void write(ObjectNode json) throws IOException {
    writeFully(channel, (JSON.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8));
    channel.force(false);
    lines++;
  }

  private static void writeFully(FileChannel out, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}

package io.bdt.gateway.anchor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Standalone-mode anchor sink (no chain): appends one JSON line {@code {"id", "root", "leafCount",
 * "at"}} per anchor to a file and forces it to disk.
 */
public final class FileAnchorSink implements AnchorSink {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(FileAnchorSink.class);

  private final Path file;
  private final Clock clock;
  private long next;

  public FileAnchorSink(Path file, Clock clock) throws IOException {
    this.file = file;
    this.clock = clock;
    Files.createDirectories(file.toAbsolutePath().getParent());
    this.next = Files.exists(file) ? Files.readAllLines(file).size() : 0;
  }

  /** One anchor of the journal: its id, root (0x hex) and leaf count. */
  public record Recorded(long id, String root, int leafCount) {}

  /**
   * The anchors in journal {@code file} (none when it does not exist), in order. A line that is not
   * an anchor (e.g. torn by a crash) is logged with file and line and left out.
   */
  public static List<Recorded> recorded(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> lines = Files.readAllLines(file);
    List<Recorded> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        JsonNode a = JSON.readTree(lines.get(i));
        if (!a.path("root").isTextual() || !a.path("leafCount").canConvertToInt()) {
          throw new IOException("root (string) and leafCount (integer) are required");
        }
        out.add(
            new Recorded(
                a.path("id").asLong(i), a.get("root").asText(), a.get("leafCount").asInt()));
      } catch (IOException e) {
        LOG.errorf(
            "anchor journal %s line %d is not an anchor, left out: %s",
            file, i + 1, e.getMessage());
      }
    }
    return out;
  }

  @Override
  public synchronized String anchor(byte[] root, int leafCount) throws IOException {
    var line =
        JSON.createObjectNode()
            .put("id", next)
            .put("root", "0x" + HexFormat.of().formatHex(root))
            .put("leafCount", leafCount)
            .put("at", clock.instant().toString());
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes()));
      channel.force(false);
    }
    return "file:" + file + "#" + next++;
  }
}

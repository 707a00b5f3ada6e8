package io.bdt.gateway.anchor;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HexFormat;

/**
 * Standalone-mode anchor sink (no chain): appends one JSON line {@code {"id", "root", "leafCount",
 * "at"}} per anchor to a file and forces it to disk.
 */
public final class FileAnchorSink implements AnchorSink {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Clock clock;
  private long next;

  public FileAnchorSink(Path file, Clock clock) throws IOException {
    this.file = file;
    this.clock = clock;
    Files.createDirectories(file.toAbsolutePath().getParent());
    this.next = Files.exists(file) ? Files.readAllLines(file).size() : 0;
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

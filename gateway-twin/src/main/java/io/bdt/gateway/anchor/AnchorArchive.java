package io.bdt.gateway.anchor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.contracts.merkle.MerkleTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every anchored batch, durably: one JSON line {@code {"root", "at", "items"}} per anchor (items as
 * their UTF-8 text), appended and forced to disk before the root is posted, so the inclusion proof
 * of any record ever anchored can be rebuilt after restarts (not only of the recent batches held in
 * memory). A torn last line (crash mid-write) is skipped.
 */
public final class AnchorArchive {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  /** One anchored record with its proof, as the twin audit takes it. */
  public record Record(
      String kind,
      String thingId,
      String at,
      String root,
      String item,
      String itemText,
      int index,
      int leafCount,
      List<String> proof) {}

  public AnchorArchive(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.toAbsolutePath().getParent());
  }

  /** Appends the batch whose root is {@code root}, forced to disk. */
  public synchronized void append(byte[] root, AnchorBatch batch, Instant at) throws IOException {
    ObjectNode line = JSON.createObjectNode();
    line.put("root", "0x" + HexFormat.of().formatHex(root));
    line.put("at", at.toString());
    var items = line.putArray("items");
    batch.items().forEach(i -> items.add(new String(i, StandardCharsets.UTF_8)));
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(
          ByteBuffer.wrap((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
    }
  }

  /**
   * The archived records of thing {@code thingId} (its twin snapshots and its results), newest
   * anchor first, at most {@code limit}.
   */
  public synchronized List<Record> recordsOf(String thingId, int limit) throws IOException {
    List<Record> out = new ArrayList<>();
    for (JsonNode batch : batchesNewestFirst()) {
      List<String> items = new ArrayList<>();
      batch.path("items").forEach(i -> items.add(i.asText()));
      List<Integer> mine = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        if (thingId.equals(thingOf(items.get(i)).orElse(null))) {
          mine.add(i);
        }
      }
      if (mine.isEmpty()) {
        continue;
      }
      MerkleTree tree = tree(items);
      for (int i : mine) {
        out.add(record(batch, tree, items.get(i), i, thingId));
        if (out.size() >= limit) {
          return out;
        }
      }
    }
    return out;
  }

  /** The proof of the first archived item matching {@code item}, newest anchor first. */
  public synchronized Optional<AnchorProof> proofOf(Predicate<String> item) throws IOException {
    for (JsonNode batch : batchesNewestFirst()) {
      List<String> items = new ArrayList<>();
      batch.path("items").forEach(i -> items.add(i.asText()));
      for (int i = 0; i < items.size(); i++) {
        if (item.test(items.get(i))) {
          byte[] bytes = items.get(i).getBytes(StandardCharsets.UTF_8);
          AnchorProof p =
              AnchorProof.of(tree(items), bytes, i, "archive:" + batch.path("at").asText());
          // the root this batch was anchored under, as archived: never one recomputed here
          return Optional.of(
              new AnchorProof(
                  batch.path("root").asText(),
                  p.item(),
                  p.itemText(),
                  p.index(),
                  p.leafCount(),
                  p.proof(),
                  p.reference()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The thing an item belongs to: {@code twin:<json>} by its thingId field, {@code
   * result:<taskId>:<thingId>:<slot>:<cut>:<label>} by the part between task id and slot.
   */
  public static Optional<String> thingOf(String item) {
    if (item.startsWith("twin:")) {
      try {
        JsonNode twin = JSON.readTree(item.substring(5));
        return twin.path("thingId").isTextual()
            ? Optional.of(twin.get("thingId").asText())
            : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    if (item.startsWith("result:")) {
      String rest = item.substring(7);
      int start = rest.indexOf(':');
      int end = rest.length();
      for (int k = 0; k < 3 && end > 0; k++) {
        end = rest.lastIndexOf(':', end - 1);
      }
      return start >= 0 && end > start
          ? Optional.of(rest.substring(start + 1, end))
          : Optional.empty();
    }
    return Optional.empty();
  }

  private static Record record(
      JsonNode batch, MerkleTree tree, String text, int index, String thingId) {
    AnchorProof p =
        AnchorProof.of(
            tree,
            text.getBytes(StandardCharsets.UTF_8),
            index,
            "archive:" + batch.path("at").asText());
    return new Record(
        text.startsWith("twin:") ? "twin" : "result",
        thingId,
        batch.path("at").asText(),
        // the root this batch was anchored under, as archived: never one recomputed here, so an
        // altered item shows as such against the chain
        batch.path("root").asText(),
        p.item(),
        p.itemText(),
        p.index(),
        p.leafCount(),
        p.proof());
  }

  private static MerkleTree tree(List<String> items) {
    return MerkleTree.of(items.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
  }

  private List<JsonNode> batchesNewestFirst() throws IOException {
    List<JsonNode> batches = new ArrayList<>();
    if (!Files.exists(file)) {
      return batches;
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode b = JSON.readTree(line);
          if (b.path("items").isArray() && b.path("root").isTextual()) {
            batches.add(b);
          }
        } catch (IOException torn) {
          // a line cut by a crash mid-append: its root was never posted
        }
      }
    }
    return batches.reversed();
  }
}

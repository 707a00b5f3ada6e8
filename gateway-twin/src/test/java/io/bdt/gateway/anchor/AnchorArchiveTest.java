package io.bdt.gateway.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.contracts.merkle.MerkleTree;
import io.bdt.gateway.inference.TaskResult;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinRules;
import io.bdt.gateway.twin.TwinUpdate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnchorArchiveTest {
  @TempDir Path dir;

  static Twin twin(String id, int x) throws Exception {
    return TwinRules.apply(
        null,
        id,
        new TwinUpdate.Replace(new ObjectMapper().readTree("{\"attributes\":{\"x\":" + x + "}}")),
        Instant.parse("2026-11-24T10:00:00Z"));
  }

  static TaskResult result(String task, String thing) {
    return new TaskResult(task, thing, 3, 2, "normal", new double[] {1, 0, 0, 0}, 0.01, 0.02);
  }

  @Test
  void everyAnchoredRecordOfAThingKeepsAVerifiableProofAfterReopening() throws Exception {
    Path file = dir.resolve("anchor-batches.jsonl");
    AnchorArchive archive = new AnchorArchive(file);
    AnchorBatch first =
        AnchorBatch.of(List.of(twin("bdt:a", 1), twin("bdt:b", 1)), List.of(result("aa", "bdt:a")));
    AnchorBatch second = AnchorBatch.of(List.of(twin("bdt:a", 2), twin("bdt:b", 2)), List.of());
    archive.append(first.tree().root(), first, Instant.parse("2026-11-24T10:00:10Z"));
    archive.append(second.tree().root(), second, Instant.parse("2026-11-24T10:00:20Z"));

    List<AnchorArchive.Record> records = new AnchorArchive(file).recordsOf("bdt:a", 50);

    assertThat(records)
        .extracting(AnchorArchive.Record::kind)
        .containsExactly("twin", "twin", "result");
    assertThat(records.getFirst().root())
        .isEqualTo("0x" + HexFormat.of().formatHex(second.tree().root()));
    for (AnchorArchive.Record r : records) {
      byte[] root = HexFormat.of().parseHex(r.root().substring(2));
      List<byte[]> proof =
          r.proof().stream().map(p -> HexFormat.of().parseHex(p.substring(2))).toList();
      assertThat(MerkleTree.verify(root, r.itemText().getBytes(StandardCharsets.UTF_8), proof))
          .isTrue();
      assertThat(r.thingId()).isEqualTo("bdt:a");
    }
  }

  @Test
  void aResultOlderThanTheBatchesInMemoryStillHasItsProof() throws Exception {
    Path file = dir.resolve("anchor-batches.jsonl");
    AnchorArchive archive = new AnchorArchive(file);
    AnchorBatch batch = AnchorBatch.of(List.of(), List.of(result("cafe", "bdt:z")));
    archive.append(batch.tree().root(), batch, Instant.now());
    for (int i = 0; i < 100; i++) {
      AnchorBatch other = AnchorBatch.of(List.of(twin("bdt:y", i)), List.of());
      archive.append(other.tree().root(), other, Instant.now());
    }
    AnchorProof proof = archive.proofOf(item -> item.startsWith("result:cafe:")).orElseThrow();
    assertThat(proof.root()).isEqualTo("0x" + HexFormat.of().formatHex(batch.tree().root()));
  }

  @Test
  void anItemAlteredInTheArchiveKeepsItsAnchoredRootAndNoLongerVerifies() throws Exception {
    Path file = dir.resolve("anchor-batches.jsonl");
    AnchorBatch batch = AnchorBatch.of(List.of(twin("bdt:a", 1), twin("bdt:b", 1)), List.of());
    new AnchorArchive(file).append(batch.tree().root(), batch, Instant.now());
    Files.writeString(file, Files.readString(file).replace("\\\"x\\\":1", "\\\"x\\\":9"));

    AnchorArchive.Record r = new AnchorArchive(file).recordsOf("bdt:a", 10).getFirst();

    assertThat(r.itemText()).contains("\"x\":9");
    assertThat(r.root()).isEqualTo("0x" + HexFormat.of().formatHex(batch.tree().root()));
    List<byte[]> proof =
        r.proof().stream().map(p -> HexFormat.of().parseHex(p.substring(2))).toList();
    assertThat(
            MerkleTree.verify(
                batch.tree().root(), r.itemText().getBytes(StandardCharsets.UTF_8), proof))
        .isFalse();
  }

  @Test
  void aLineTornByACrashIsSkipped() throws Exception {
    Path file = dir.resolve("anchor-batches.jsonl");
    AnchorArchive archive = new AnchorArchive(file);
    AnchorBatch batch = AnchorBatch.of(List.of(twin("bdt:a", 1)), List.of());
    archive.append(batch.tree().root(), batch, Instant.now());
    Files.writeString(file, "{\"root\":\"0x12\",\"items\":[\"twin:", StandardOpenOption.APPEND);
    assertThat(new AnchorArchive(file).recordsOf("bdt:a", 10)).hasSize(1);
  }

  @Test
  void findsTheThingOfTwinAndResultItemsEvenWithColonsInIt() {
    assertThat(AnchorArchive.thingOf("twin:{\"thingId\":\"plant:pump-1\"}"))
        .contains("plant:pump-1");
    assertThat(AnchorArchive.thingOf("result:ab12:plant:pump-1:7:3:normal"))
        .contains("plant:pump-1");
    assertThat(AnchorArchive.thingOf("other")).isEmpty();
  }
}

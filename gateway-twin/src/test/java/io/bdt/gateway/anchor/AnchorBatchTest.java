package io.bdt.gateway.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.contracts.merkle.MerkleTree;
import io.bdt.gateway.inference.TaskResult;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinRules;
import io.bdt.gateway.twin.TwinUpdate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnchorBatchTest {

  private static Twin twin(String id, String json) throws Exception {
    return TwinRules.apply(
        null,
        id,
        new TwinUpdate.Replace(new ObjectMapper().readTree(json)),
        Instant.parse("2026-11-24T10:00:00Z"));
  }

  private static final TaskResult RESULT =
      new TaskResult(
          "ab".repeat(32), "bdt:a", 3, 0, "normal", new double[] {1, 0, 0, 0}, 0.01, 0.02);

  @Test
  void theRootDoesNotDependOnTheOrderTwinsAreListedIn() throws Exception {
    Twin a = twin("bdt:a", "{\"attributes\":{\"x\":1}}");
    Twin b = twin("bdt:b", "{}");
    assertThat(AnchorBatch.of(List.of(a, b), List.of(RESULT)).tree().root())
        .isEqualTo(AnchorBatch.of(List.of(b, a), List.of(RESULT)).tree().root());
  }

  @Test
  void everyTwinSnapshotAndResultHasAnInclusionProof() throws Exception {
    Twin a = twin("bdt:a", "{\"attributes\":{\"x\":1}}");
    Twin b = twin("bdt:b", "{}");
    AnchorBatch batch = AnchorBatch.of(List.of(b, a), List.of(RESULT));
    MerkleTree tree = batch.tree();
    assertThat(MerkleTree.verify(tree.root(), AnchorBatch.twinItem(a), tree.proof(0))).isTrue();
    assertThat(MerkleTree.verify(tree.root(), AnchorBatch.twinItem(b), tree.proof(1))).isTrue();
    assertThat(MerkleTree.verify(tree.root(), AnchorBatch.resultItem(RESULT), tree.proof(2)))
        .isTrue();
  }

  @Test
  void aChangedTwinChangesTheRoot() throws Exception {
    Twin a = twin("bdt:a", "{\"attributes\":{\"x\":1}}");
    Twin a2 = twin("bdt:a", "{\"attributes\":{\"x\":2}}");
    assertThat(AnchorBatch.of(List.of(a), List.of()).tree().root())
        .isNotEqualTo(AnchorBatch.of(List.of(a2), List.of()).tree().root());
  }
}

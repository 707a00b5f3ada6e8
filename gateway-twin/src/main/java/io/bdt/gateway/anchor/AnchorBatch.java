package io.bdt.gateway.anchor;

import io.bdt.contracts.merkle.MerkleTree;
import io.bdt.gateway.inference.TaskResult;
import io.bdt.gateway.twin.Twin;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The items one anchor commits to, in a fixed order: every twin's snapshot (sorted by thing id, the
 * UTF-8 of {@code twin:<json>}), then the results served since the previous anchor (in order,
 * {@code result:<taskId>:<thingId>:<slot>:<cut>:<label>}). The root is the contracts module's
 * {@link MerkleTree}, the scheme TwinAnchor verifies.
 */
public record AnchorBatch(List<byte[]> items) {

  public AnchorBatch {
    items = List.copyOf(items);
  }

  /** The batch of {@code twins} and {@code results}. */
  public static AnchorBatch of(java.util.Collection<Twin> twins, List<TaskResult> results) {
    List<byte[]> items = new ArrayList<>();
    twins.stream().sorted(Comparator.comparing(Twin::thingId)).forEach(t -> items.add(twinItem(t)));
    for (TaskResult r : results) {
      items.add(resultItem(r));
    }
    return new AnchorBatch(items);
  }

  /** The item of one twin snapshot. */
  public static byte[] twinItem(Twin twin) {
    return ("twin:" + twin.toJson()).getBytes(StandardCharsets.UTF_8);
  }

  /** The item of one result. */
  public static byte[] resultItem(TaskResult r) {
    return ("result:"
            + r.taskId()
            + ":"
            + r.thingId()
            + ":"
            + r.slot()
            + ":"
            + r.cut()
            + ":"
            + r.label())
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The Merkle tree of the items (at least one item). */
  public MerkleTree tree() {
    return MerkleTree.of(items);
  }
}

package io.bdt.optimizer.cost;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The per-sample costs of one DNN at each of its cut points: the table the optimizer plans with.
 *
 * <p>Cut {@code k = 0} is full offload (nothing runs on the gateway, the input crosses the link);
 * cut {@code k = K = cuts.size() - 1} is fully local (nothing crosses, the AP runs nothing). All
 * quantities are per sample; a task of {@code b} samples multiplies them by {@code b}.
 *
 * @param model model name, e.g. {@code resnet18}
 * @param inputBits {@code d_0}: bits of one input sample as sent on the wire
 * @param outputBits {@code d_out}: bits of one result as returned to the gateway
 * @param cuts the cut points in order, {@code cuts.get(k).id() == k}
 */
public record CostTable(String model, double inputBits, double outputBits, List<Cut> cuts) {

  /**
   * One cut point.
   *
   * @param id {@code k}, the index in the table
   * @param label where the cut lies (layer or tensor names)
   * @param headFlops {@code c_k^head}: FLOPs per sample before the cut (on the gateway)
   * @param tailFlops {@code c_k^tail}: FLOPs per sample after the cut (on the AP)
   * @param bits {@code d_k}: bits per sample crossing the cut (0 for the fully local cut)
   * @param headSeconds measured seconds per sample of the head on the profiling gateway, if the
   *     table was profiled (empty when computed from layer shapes)
   * @param tailSeconds measured seconds per sample of the tail on the profiling AP, if profiled
   */
  public record Cut(
      int id,
      String label,
      double headFlops,
      double tailFlops,
      double bits,
      OptionalDouble headSeconds,
      OptionalDouble tailSeconds) {

    public Cut {
      Objects.requireNonNull(headSeconds, "headSeconds");
      Objects.requireNonNull(tailSeconds, "tailSeconds");
    }

    /** A cut with costs only (no measured times). */
    public Cut(int id, String label, double headFlops, double tailFlops, double bits) {
      this(id, label, headFlops, tailFlops, bits, OptionalDouble.empty(), OptionalDouble.empty());
    }
  }

  public CostTable {
    Objects.requireNonNull(model, "model");
    cuts = List.copyOf(cuts);
  }

  /** {@code K}: the index of the fully local cut. */
  public int fullyLocalCut() {
    return cuts.size() - 1;
  }

  /** The cut with index {@code k}. */
  public Cut cut(int k) {
    return cuts.get(k);
  }

  /** Total FLOPs per sample of the whole model. */
  public double totalFlops() {
    Cut first = cuts.get(0);
    return first.headFlops() + first.tailFlops();
  }
}

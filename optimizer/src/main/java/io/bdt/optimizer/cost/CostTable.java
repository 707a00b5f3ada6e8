package io.bdt.optimizer.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.stream.IntStream;

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

  /**
   * The cuts a slot decision can choose under the slot cost, in order: every cut {@code k < K} on
   * the lower convex hull of the points {@code (headFlops, bits)}, and {@code K}.
   *
   * <p>Why no other cut: for any rates, fixed costs and shares, a cut {@code k < K} costs {@code
   * g(headFlops) + w bits} with {@code w > 0} (the transfer at the uplink rate) and {@code g}
   * concave in {@code headFlops}: the head's time is linear in it, and the tail's part, {@code
   * c^tail = total - headFlops}, enters linearly (its time at a given share) or through {@code
   * sqrt(c^tail)} (the KKT allocation's {@code (sum sqrt(a))^2}), both concave. A point strictly
   * above the hull segment between two cuts then costs more than one of them, so DPRA, its cut
   * search and the latency-minimising baselines never pick it. The platform deploys (splits, opens
   * and warms) the heads and tails of these cuts only: MobileNetV2's 154 cuts reduce to 6.
   */
  public List<Integer> deployedCuts() {
    int full = fullyLocalCut();
    List<Integer> hull = new ArrayList<>();
    for (int k = 0; k < full; k++) {
      Cut c = cuts.get(k);
      // a later cut of the same head FLOPs and no fewer bits adds nothing
      if (!hull.isEmpty() && cuts.get(hull.getLast()).headFlops() == c.headFlops()) {
        if (cuts.get(hull.getLast()).bits() <= c.bits()) {
          continue;
        }
        hull.removeLast();
      }
      while (hull.size() >= 2
          && !below(cuts.get(hull.get(hull.size() - 2)), cuts.get(hull.getLast()), c)) {
        hull.removeLast();
      }
      hull.add(k);
    }
    List<Integer> out = new ArrayList<>(hull);
    out.add(full);
    return List.copyOf(out);
  }

  /** Tables with at most this many cut indices beyond 0 have every cut warmed. */
  public static final int WARM_ALL_CUTS = 16;

  /**
   * The cuts whose head (gateway) and tail (AP) are opened and run once before the first slot, so
   * no task pays ONNX Runtime's session start: every cut of a small model (the vibration
   * classifier's 12, cheap, and a baseline such as RANDOM may pick any), else {@link #deployedCuts}
   * (MobileNetV2: 6 of 154, where every head and tail open would hold gigabytes).
   */
  public List<Integer> warmCuts() {
    if (fullyLocalCut() <= WARM_ALL_CUTS) {
      return IntStream.rangeClosed(0, fullyLocalCut()).boxed().toList();
    }
    return deployedCuts();
  }

  /** Whether {@code b} lies strictly below the segment from {@code a} to {@code c}. */
  private static boolean below(Cut a, Cut b, Cut c) {
    double cross =
        (b.headFlops() - a.headFlops()) * (c.bits() - a.bits())
            - (b.bits() - a.bits()) * (c.headFlops() - a.headFlops());
    return cross > 0;
  }

  /** Total FLOPs per sample of the whole model. */
  public double totalFlops() {
    Cut first = cuts.get(0);
    return first.headFlops() + first.tailFlops();
  }
}

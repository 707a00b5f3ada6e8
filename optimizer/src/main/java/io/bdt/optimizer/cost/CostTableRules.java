package io.bdt.optimizer.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The consistency rules of a {@link CostTable}; each violation names the field and the rule, e.g.
 * {@code cuts[3].headFlops: must be >= cuts[2].headFlops (head FLOPs never decrease), was 10.0}.
 *
 * <p>Rules: model named; {@code inputBits > 0}, {@code outputBits >= 0}; at least two cuts; cut ids
 * consecutive from 0; every number finite and non-negative; head FLOPs non-decreasing and tail
 * FLOPs non-increasing along the cuts; {@code headFlops + tailFlops} the same total at every cut;
 * cut 0 has {@code headFlops = 0} and {@code bits = inputBits}; the last cut has {@code tailFlops =
 * 0} and {@code bits = 0}; measured seconds, when present, finite and non-negative.
 */
public final class CostTableRules {

  /** Relative tolerance for totals that are sums of doubles. */
  private static final double RELATIVE_TOLERANCE = 1e-9;

  private CostTableRules() {}

  /** All rule violations of {@code table}; empty when the table is valid. */
  public static List<String> violations(CostTable table) {
    List<String> problems = new ArrayList<>();
    if (table.model() == null || table.model().isBlank()) {
      problems.add("model: must be a non-empty name");
    }
    if (!(table.inputBits() > 0) || !Double.isFinite(table.inputBits())) {
      problems.add("inputBits: must be > 0, was " + table.inputBits());
    }
    nonNegative(problems, "outputBits", table.outputBits());
    List<CostTable.Cut> cuts = table.cuts();
    if (cuts.size() < 2) {
      problems.add(
          "cuts: must hold at least 2 cuts (full offload and fully local), had " + cuts.size());
      return problems;
    }
    double total = cuts.get(0).headFlops() + cuts.get(0).tailFlops();
    for (int k = 0; k < cuts.size(); k++) {
      CostTable.Cut cut = cuts.get(k);
      String at = "cuts[" + k + "]";
      if (cut.id() != k) {
        problems.add(at + ".id: must be " + k + " (ids consecutive from 0), was " + cut.id());
      }
      if (cut.label() == null || cut.label().isBlank()) {
        problems.add(at + ".label: must be a non-empty name");
      }
      nonNegative(problems, at + ".headFlops", cut.headFlops());
      nonNegative(problems, at + ".tailFlops", cut.tailFlops());
      nonNegative(problems, at + ".bits", cut.bits());
      measured(problems, at + ".headSeconds", cut.headSeconds());
      measured(problems, at + ".tailSeconds", cut.tailSeconds());
      double sum = cut.headFlops() + cut.tailFlops();
      if (Math.abs(sum - total) > RELATIVE_TOLERANCE * Math.max(1.0, Math.abs(total))) {
        problems.add(
            at
                + ": headFlops + tailFlops must equal the model total "
                + total
                + " (as at cut 0), was "
                + sum);
      }
      if (k > 0) {
        CostTable.Cut previous = cuts.get(k - 1);
        String before = "cuts[" + (k - 1) + "]";
        if (cut.headFlops() < previous.headFlops()) {
          problems.add(
              at
                  + ".headFlops: must be >= "
                  + before
                  + ".headFlops (head FLOPs never decrease), was "
                  + cut.headFlops());
        }
        if (cut.tailFlops() > previous.tailFlops()) {
          problems.add(
              at
                  + ".tailFlops: must be <= "
                  + before
                  + ".tailFlops (tail FLOPs never increase), was "
                  + cut.tailFlops());
        }
      }
    }
    CostTable.Cut first = cuts.get(0);
    if (first.headFlops() != 0) {
      problems.add("cuts[0].headFlops: must be 0 (full offload), was " + first.headFlops());
    }
    if (first.bits() != table.inputBits()) {
      problems.add(
          "cuts[0].bits: must equal inputBits "
              + table.inputBits()
              + " (full offload sends the input), was "
              + first.bits());
    }
    int last = cuts.size() - 1;
    CostTable.Cut local = cuts.get(last);
    if (local.tailFlops() != 0) {
      problems.add(
          "cuts[" + last + "].tailFlops: must be 0 (fully local), was " + local.tailFlops());
    }
    if (local.bits() != 0) {
      problems.add(
          "cuts[" + last + "].bits: must be 0 (fully local sends nothing), was " + local.bits());
    }
    return problems;
  }

  /** Returns {@code table} if it is valid; otherwise throws naming every violation. */
  public static CostTable requireValid(CostTable table) {
    List<String> problems = violations(table);
    if (!problems.isEmpty()) {
      throw new InvalidCostTableException(table.model(), problems);
    }
    return table;
  }

  private static void nonNegative(List<String> problems, String field, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      problems.add(field + ": must be a finite number >= 0, was " + value);
    }
  }

  private static void measured(List<String> problems, String field, OptionalDouble value) {
    if (value.isPresent()) {
      nonNegative(problems, field, value.getAsDouble());
    }
  }
}

package io.bdt.dnn.vibration;

import java.util.Arrays;
import java.util.List;

/**
 * Counts of (true state, predicted state) pairs over an evaluation set, rows and columns in {@link
 * MachineState#ORDER}.
 *
 * @param counts {@code counts[true][predicted]}
 */
public record ConfusionMatrix(int[][] counts) {

  public ConfusionMatrix {
    int n = MachineState.ORDER.size();
    if (counts.length != n || Arrays.stream(counts).anyMatch(r -> r.length != n)) {
      throw new IllegalArgumentException("confusion matrix must be " + n + " x " + n);
    }
    counts = Arrays.stream(counts).map(int[]::clone).toArray(int[][]::new);
  }

  /** The matrix of parallel lists of true and predicted states. */
  public static ConfusionMatrix of(List<MachineState> truth, List<MachineState> predicted) {
    if (truth.size() != predicted.size()) {
      throw new IllegalArgumentException(
          truth.size() + " true states but " + predicted.size() + " predictions");
    }
    int n = MachineState.ORDER.size();
    int[][] counts = new int[n][n];
    for (int i = 0; i < truth.size(); i++) {
      counts[truth.get(i).ordinal()][predicted.get(i).ordinal()]++;
    }
    return new ConfusionMatrix(counts);
  }

  /** Number of samples counted. */
  public int total() {
    return Arrays.stream(counts).flatMapToInt(Arrays::stream).sum();
  }

  /** Fraction of samples whose prediction is their true state. */
  public double accuracy() {
    int correct = 0;
    for (int i = 0; i < counts.length; i++) {
      correct += counts[i][i];
    }
    return total() == 0 ? 0 : (double) correct / total();
  }

  /** Fraction of {@code state}'s samples predicted as {@code state}. */
  public double recall(MachineState state) {
    int row = Arrays.stream(counts[state.ordinal()]).sum();
    return row == 0 ? 0 : (double) counts[state.ordinal()][state.ordinal()] / row;
  }

  /** A Markdown table: rows the true state, columns the prediction, last column the recall. */
  public String toMarkdown() {
    StringBuilder s = new StringBuilder("| true \\ predicted |");
    for (MachineState p : MachineState.ORDER) {
      s.append(' ').append(p.label()).append(" |");
    }
    s.append(" recall |\n|---|");
    s.append("---:|".repeat(MachineState.ORDER.size() + 1)).append('\n');
    for (MachineState t : MachineState.ORDER) {
      s.append("| ").append(t.label()).append(" |");
      for (MachineState p : MachineState.ORDER) {
        s.append(' ').append(counts[t.ordinal()][p.ordinal()]).append(" |");
      }
      s.append(String.format(" %.1f%% |%n", 100 * recall(t)));
    }
    return s.toString();
  }

  /** {@code counts[true][predicted]} (a copy). */
  @Override
  public int[][] counts() {
    return Arrays.stream(counts).map(int[]::clone).toArray(int[][]::new);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfusionMatrix m && Arrays.deepEquals(counts, m.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(counts);
  }

  @Override
  public String toString() {
    return "ConfusionMatrix" + Arrays.deepToString(counts);
  }
}

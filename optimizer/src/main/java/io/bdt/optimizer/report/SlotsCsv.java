package io.bdt.optimizer.report;

import io.bdt.optimizer.sim.AlgorithmRun;
import io.bdt.optimizer.sim.SlotOutcome;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * Writes a simulation's slot-by-slot outcomes as CSV: one row per slot and algorithm.
 *
 * <p>Columns: {@code slot, algorithm, latency_s} ({@code sum_n D_n + D^C}), {@code
 * inference_latency_s} ({@code sum_n D_n}), {@code consensus_latency_s} ({@code D^C}), {@code
 * tasks}, {@code offloaded}, then {@code R_1..R_M} ({@code R_m(t+1)}), {@code Q_1..Q_M} ({@code
 * Q_m(t+1)}), and {@code cuts}: the cut {@code k_n} of every gateway, separated by {@code ;}. Rows
 * are ordered by slot, then by algorithm in the simulator's order. Numbers use {@code .} as decimal
 * separator; latencies are seconds.
 */
public final class SlotsCsv {

  private SlotsCsv() {}

  /** The header line for {@code accessPoints} APs (without line break). */
  public static String header(int accessPoints) {
    StringBuilder header =
        new StringBuilder(
            "slot,algorithm,latency_s,inference_latency_s,consensus_latency_s,tasks,offloaded");
    for (int m = 1; m <= accessPoints; m++) {
      header.append(",R_").append(m);
    }
    for (int m = 1; m <= accessPoints; m++) {
      header.append(",Q_").append(m);
    }
    return header.append(",cuts").toString();
  }

  /** Writes the header and every row of {@code runs} (all of the same length) to {@code out}. */
  public static void write(List<AlgorithmRun> runs, Writer out) throws IOException {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs to write");
    }
    int slots = runs.get(0).slots().size();
    int aps = slots == 0 ? 0 : runs.get(0).slots().get(0).reputation().length;
    out.write(header(aps));
    out.write('\n');
    StringBuilder row = new StringBuilder(256);
    for (int t = 0; t < slots; t++) {
      for (AlgorithmRun run : runs) {
        SlotOutcome slot = run.slots().get(t);
        row.setLength(0);
        row.append(slot.slot()).append(',').append(run.name());
        number(row, slot.latencySeconds());
        number(row, slot.inferenceLatencySeconds());
        number(row, slot.consensusLatencySeconds());
        row.append(',').append(slot.tasks()).append(',').append(slot.offloadedTasks());
        for (double r : slot.reputation()) {
          number(row, r);
        }
        for (double q : slot.virtualQueue()) {
          number(row, q);
        }
        row.append(',');
        for (int n = 0; n < slot.cut().length; n++) {
          if (n > 0) {
            row.append(';');
          }
          row.append(slot.cut()[n]);
        }
        row.append('\n');
        out.write(row.toString());
      }
    }
  }

  private static void number(StringBuilder row, double value) {
    row.append(',').append(String.format(Locale.ROOT, "%.6g", value));
  }
}

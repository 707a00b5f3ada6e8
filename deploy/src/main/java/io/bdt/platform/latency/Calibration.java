package io.bdt.platform.latency;

import io.bdt.optimizer.cost.CostTable;

/**
 * The latency model calibrated on this machine: the system model's terms with rates fitted to
 * measured component times instead of configured constants, plus two measured fixed costs
 * (docs/dpra.md, "Calibrated latency"):
 *
 * <pre>
 *   D_k = delta_G + c_k^head / F_G  +  [k &lt; K] (delta_off + d_k / r + c_k^tail / (phi_A f))
 * </pre>
 *
 * <p>{@code delta_G} is the gateway's fixed cost per head run (ONNX Runtime call, frame encoding),
 * {@code delta_off} the fixed cost per offloaded task (HTTP request, JSON answer, AP decoding and
 * its fixed call cost). The gateway line is fitted by least squares to the per-cut median head
 * times, the offload line to the per-cut median end-to-end times minus the fitted head time (a
 * median of a sum is not the sum of medians, so the end-to-end median is what is matched). A slope
 * that comes out negative (noise larger than the term) is set to 0 and the rest refitted.
 *
 * @param deltaGateway {@code delta_G}, seconds
 * @param gatewaySecondsPerFlop {@code 1 / F_G}, seconds per FLOP
 * @param deltaOffload {@code delta_off}, seconds
 * @param secondsPerBit {@code 1 / r}, seconds per bit
 * @param apSecondsPerFlop {@code 1 / (phi_A f)} at the measured share, seconds per FLOP
 */
public record Calibration(
    double deltaGateway,
    double gatewaySecondsPerFlop,
    double deltaOffload,
    double secondsPerBit,
    double apSecondsPerFlop) {

  /**
   * Fits the calibration.
   *
   * @param table the model's cuts
   * @param headSeconds median head time (run + frame encoding) per cut {@code 0..K}
   * @param totalSeconds median end-to-end time per cut {@code 0..K-1} (index {@code K} ignored)
   */
  public static Calibration fit(CostTable table, double[] headSeconds, double[] totalSeconds) {
    int cuts = table.fullyLocalCut() + 1;
    if (headSeconds.length != cuts || totalSeconds.length < cuts - 1) {
      throw new IllegalArgumentException(
          "calibration: need a head time for each of the "
              + cuts
              + " cuts and an end-to-end time for each of the "
              + (cuts - 1)
              + " offloading cuts, got "
              + headSeconds.length
              + " and "
              + totalSeconds.length);
    }
    double[][] head = new double[cuts][];
    for (int k = 0; k < cuts; k++) {
      head[k] = new double[] {table.cut(k).headFlops()};
    }
    double[] g = LeastSquares.nonNegativeSlopes(head, headSeconds);
    double[][] offload = new double[cuts - 1][];
    double[] y = new double[cuts - 1];
    for (int k = 0; k < cuts - 1; k++) {
      offload[k] = new double[] {table.cut(k).bits(), table.cut(k).tailFlops()};
      y[k] = totalSeconds[k] - (g[0] + g[1] * table.cut(k).headFlops());
    }
    double[] o = LeastSquares.nonNegativeSlopes(offload, y);
    return new Calibration(g[0], g[1], o[0], o[1], o[2]);
  }

  /** {@code D_k} for one sample at cut {@code k}, seconds. */
  public double latency(CostTable table, int k) {
    CostTable.Cut c = table.cut(k);
    double d = deltaGateway + c.headFlops() * gatewaySecondsPerFlop;
    if (k == table.fullyLocalCut()) {
      return d;
    }
    return d + deltaOffload + c.bits() * secondsPerBit + c.tailFlops() * apSecondsPerFlop;
  }
}

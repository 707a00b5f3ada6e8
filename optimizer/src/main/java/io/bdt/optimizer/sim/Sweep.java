package io.bdt.optimizer.sim;

import java.util.List;

/**
 * Summaries of the same algorithms at several values of one scenario parameter.
 *
 * @param parameter what was varied, e.g. {@code V} or {@code gateways}
 * @param unit the unit of the values ({@code 1} when dimensionless)
 * @param slots slots simulated at each point
 * @param points one entry per value, in increasing order
 */
public record Sweep(String parameter, String unit, int slots, List<Point> points) {

  public Sweep {
    points = List.copyOf(points);
  }

  /**
   * One value of the parameter and the algorithms' summaries there.
   *
   * @param value the parameter's value
   * @param algorithms summaries in the simulator's order
   */
  public record Point(double value, List<AlgorithmSummary> algorithms) {

    public Point {
      algorithms = List.copyOf(algorithms);
    }

    /** The summary of the algorithm called {@code name}. */
    public AlgorithmSummary algorithm(String name) {
      return algorithms.stream()
          .filter(a -> a.name().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no algorithm " + name + " at " + value));
    }
  }
}

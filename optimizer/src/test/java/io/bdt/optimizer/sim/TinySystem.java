package io.bdt.optimizer.sim;

import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.SystemParameters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/** A four-gateway, two-AP system and seeded slot draws for simulator and report tests. */
public final class TinySystem {

  private TinySystem() {}

  public static final CostTable MODEL =
      new CostTable(
          "tiny",
          1e6,
          100,
          List.of(
              new CostTable.Cut(0, "input", 0, 1e9, 1e6),
              new CostTable.Cut(1, "layer1", 1e8, 9e8, 1e5),
              new CostTable.Cut(2, "output", 1e9, 0, 0)));

  public static final SystemParameters PARAMETERS =
      new SystemParameters(10, 16, 1000, 8e6, 2, 0.1, 0.3, 0.1);

  public static Environment environment() {
    return new Environment(
        Collections.nCopies(4, MODEL),
        new int[] {0, 0, 1, 1},
        new double[] {1.2e9, 1.2e9, 1.2e9, 1.2e9},
        new double[] {2e9, 2e9},
        new double[] {0.5, 0.5},
        PARAMETERS);
  }

  /**
   * {@code slots} draws: tasks of 0-3 samples, uplink rates 1-100 Mbit/s, fixed by {@code seed}.
   */
  public static List<SlotDraw> draws(int slots, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<SlotDraw> draws = new ArrayList<>();
    for (int t = 0; t < slots; t++) {
      int[] tasks = new int[4];
      double[] rates = new double[4];
      for (int n = 0; n < 4; n++) {
        tasks[n] = random.nextInt(4);
        rates[n] = 1e6 * Math.pow(100, random.nextDouble());
      }
      draws.add(new SlotDraw(tasks, rates));
    }
    return draws;
  }
}

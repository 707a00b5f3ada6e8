package io.bdt.optimizer.sim;

import io.bdt.optimizer.baseline.FixedBest;
import io.bdt.optimizer.baseline.FullOffload;
import io.bdt.optimizer.baseline.Greedy;
import io.bdt.optimizer.baseline.LocalOnly;
import io.bdt.optimizer.baseline.Neurosurgeon;
import io.bdt.optimizer.baseline.RandomCut;
import io.bdt.optimizer.dpra.Dpra;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SystemParameters;
import java.util.List;

/** The seven algorithms the reports compare: DPRA and its six baselines, in report order. */
public final class Algorithms {

  /** Report names in the order {@link #all} returns them. */
  public static final List<String> NAMES =
      List.of(
          "DPRA",
          LocalOnly.NAME,
          FullOffload.NAME,
          FixedBest.NAME,
          Greedy.NAME,
          RandomCut.NAME,
          Neurosurgeon.NAME);

  private Algorithms() {}

  /**
   * Fresh instances of all seven for one run; {@code seed} fixes the random cut sequence. Policies
   * keep state, so every run needs its own instances.
   */
  public static List<Policy> all(SystemParameters parameters, long seed) {
    return List.of(
        dpra(parameters),
        new LocalOnly(),
        new FullOffload(parameters),
        new FixedBest(parameters),
        new Greedy(Dpra.plain(parameters)),
        new RandomCut(seed),
        new Neurosurgeon(parameters));
  }

  /**
   * A fresh instance of the algorithm called {@code name} (one of {@link #NAMES}, case-sensitive):
   * the slot coordinator's policy chosen by name, with {@code seed} for {@code RANDOM}.
   *
   * @throws IllegalArgumentException naming the valid names when {@code name} is none of them
   */
  public static Policy named(String name, SystemParameters parameters, long seed) {
    int index = NAMES.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException(
          "unknown algorithm '" + name + "'; one of " + String.join(", ", NAMES));
    }
    return all(parameters, seed).get(index);
  }

  /** DPRA alone. */
  public static Policy dpra(SystemParameters parameters) {
    return new Dpra(parameters);
  }
}

package io.bdt.optimizer.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The random part of each slot of a {@link Deployment}: Rayleigh fading, channel gain, uplink rate
 * and task size per gateway, as a pure function of {@code (seed, slot)}.
 *
 * <p>Each (purpose, gateway, slot) triple has its own generator, seeded by a SplitMix64 hash of the
 * seed and the triple. So slot {@code t} is the same whether or not slots before it were drawn, and
 * gateway {@code n}'s draws do not change when gateways are added or removed.
 *
 * <p>Tasks: with probability {@code p} ({@code taskArrivalProbability}) a gateway has a task of
 * {@code b ~ uniform{1..b_max}} samples, else {@code b = 0}.
 */
public final class SlotSource {

  static final long PLACEMENT = 1;
  static final long FADING = 2;
  static final long TASKS = 3;

  /**
   * Purposes {@code LINK_FADING + m}: fading of a gateway's link to AP m other than its serving.
   */
  static final long LINK_FADING = 1 << 20;

  private final Deployment deployment;
  private final long seed;

  SlotSource(Deployment deployment, long seed) {
    this.deployment = deployment;
    this.seed = seed;
  }

  /**
   * One slot's draws.
   *
   * @param t slot index
   * @param fadingPower {@code |h_n(t)|^2} per gateway, dimensionless, mean 1
   * @param channelGain {@code g_n(t)} per gateway, dimensionless
   * @param uplinkRate {@code r_n(t)} per gateway, bit/s
   * @param taskSamples {@code b_n(t)} per gateway, samples (0 = no task)
   * @param inRangeRate {@code r_nm(t)} per gateway to each AP of {@link Deployment#inRange()},
   *     bit/s (the first, its serving AP, is {@code uplinkRate[n]})
   */
  public record Slot(
      long t,
      double[] fadingPower,
      double[] channelGain,
      double[] uplinkRate,
      int[] taskSamples,
      double[][] inRangeRate) {}

  /** The seed these draws come from. */
  public long seed() {
    return seed;
  }

  /** The draws of slot {@code t}. */
  public Slot slot(long t) {
    if (t < 0) {
      throw new IllegalArgumentException("slot: must be >= 0, was " + t);
    }
    int n = deployment.gateways();
    Scenario scenario = deployment.scenario();
    double[] fading = new double[n];
    double[] gain = new double[n];
    double[] rate = new double[n];
    int[] tasks = new int[n];
    double[][] inRangeRate = new double[n][];
    for (int gateway = 0; gateway < n; gateway++) {
      fading[gateway] = stream(seed, FADING, gateway, t).nextExponential();
      gain[gateway] =
          deployment.channel().gain(deployment.distanceMeters()[gateway], fading[gateway]);
      rate[gateway] = deployment.channel().uplinkRate(gain[gateway]);
      int[] aps = deployment.inRange()[gateway];
      inRangeRate[gateway] = new double[aps.length];
      inRangeRate[gateway][0] = rate[gateway];
      for (int j = 1; j < aps.length; j++) {
        // each other link fades independently: its own stream per (AP, gateway, slot)
        double linkFading = stream(seed, LINK_FADING + aps[j], gateway, t).nextExponential();
        inRangeRate[gateway][j] =
            deployment
                .channel()
                .uplinkRate(
                    deployment
                        .channel()
                        .gain(deployment.inRangeDistanceMeters()[gateway][j], linkFading));
      }
      SplittableRandom arrivals = stream(seed, TASKS, gateway, t);
      boolean arrives = arrivals.nextDouble() < scenario.taskArrivalProbability();
      tasks[gateway] = arrives ? 1 + arrivals.nextInt(scenario.maxTaskSamples()) : 0;
    }
    return new Slot(t, fading, gain, rate, tasks, inRangeRate);
  }

  /** Slots {@code 0 .. count-1}. */
  public List<Slot> first(int count) {
    List<Slot> slots = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      slots.add(slot(t));
    }
    return slots;
  }

  /** The generator of one (purpose, gateway, slot) triple under {@code seed}. */
  static SplittableRandom stream(long seed, long purpose, long gateway, long slot) {
    long h = mix(seed);
    h = mix(h ^ mix(purpose));
    h = mix(h + 0x9E3779B97F4A7C15L * (gateway + 1));
    h = mix(h + 0xD1B54A32D192ED03L * (slot + 1));
    return new SplittableRandom(h);
  }

  /** SplitMix64's finalizer: a bijection that spreads every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

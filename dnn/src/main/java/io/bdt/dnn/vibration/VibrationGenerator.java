package io.bdt.dnn.vibration;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthesizes accelerometer windows (in g) of a rotating machine in each {@link MachineState},
 * reproducibly from a seed. The formulas and parameter ranges are documented in {@code
 * docs/vibration-model.md}; every window draws its own shaft speed, amplitudes, phases and noise.
 */
public final class VibrationGenerator {

  /** Samples per second of the accelerometer. */
  public static final double SAMPLE_RATE_HZ = 10_000;

  /** Samples per window (102.4 ms). */
  public static final int WINDOW = 1024;

  /** Ball-pass frequency of the inner race per shaft revolution, for a 6205 bearing. */
  static final double BPFI_PER_REV = 4.5 * (1 + 7.94 / 39.04);

  private final SplittableRandom random;

  /** A generator whose windows are fixed by {@code seed}. */
  public VibrationGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** {@code perState} windows of every state, interleaved (normal, imbalance, ..., normal, ...). */
  public List<VibrationWindow> dataset(int perState) {
    List<VibrationWindow> windows = new ArrayList<>(perState * MachineState.ORDER.size());
    for (int i = 0; i < perState; i++) {
      for (MachineState s : MachineState.ORDER) {
        windows.add(next(s));
      }
    }
    return windows;
  }

  /** The next window of a machine in {@code state}. */
  public VibrationWindow next(MachineState state) {
    double shaftHz = uniform(20, 40);
    // Speed drifts linearly by up to +-2% over the window (load changes, drive control).
    double drift = uniform(-0.02, 0.02);
    double duration = WINDOW / SAMPLE_RATE_HZ;
    double a1 = uniform(0.05, 0.15);
    double a2 = uniform(0.02, 0.06);
    double a3 = 0;
    switch (state) {
      case IMBALANCE -> a1 = uniform(0.4, 1.0);
      case MISALIGNMENT -> {
        a1 = uniform(0.1, 0.3);
        a2 = uniform(0.3, 0.7);
        a3 = uniform(0.15, 0.4);
      }
      case NORMAL, BEARING_FAULT -> {}
    }
    double phase1 = uniform(0, 2 * Math.PI);
    double phase2 = uniform(0, 2 * Math.PI);
    double phase3 = uniform(0, 2 * Math.PI);
    double noise = uniform(0.05, 0.2);
    double[] x = new double[WINDOW];
    for (int i = 0; i < WINDOW; i++) {
      double t = i / SAMPLE_RATE_HZ;
      double theta = 2 * Math.PI * shaftHz * (t + drift * t * t / (2 * duration));
      x[i] =
          a1 * Math.sin(theta + phase1)
              + a2 * Math.sin(2 * theta + phase2)
              + a3 * Math.sin(3 * theta + phase3)
              + noise * random.nextGaussian();
    }
    if (state == MachineState.BEARING_FAULT) {
      addBearingImpulses(x, shaftHz);
    }
    float[] samples = new float[WINDOW];
    for (int i = 0; i < WINDOW; i++) {
      samples[i] = (float) x[i];
    }
    return new VibrationWindow(state, shaftHz, samples);
  }

  /**
   * Adds an inner-race defect: an impulse each time a ball passes the defect (at BPFI with 1-2%
   * random slip), each ringing a structural resonance as a damped sine, with amplitudes modulated
   * at the shaft speed because the defect rotates in and out of the load zone.
   */
  private void addBearingImpulses(double[] x, double shaftHz) {
    double bpfi = BPFI_PER_REV * shaftHz;
    double resonanceHz = uniform(2500, 4000);
    double damping = uniform(0.02, 0.05);
    double decay = 2 * Math.PI * resonanceHz * damping;
    double amplitude = uniform(0.5, 1.5);
    double modulation = uniform(0.3, 0.8);
    double loadPhase = uniform(0, 2 * Math.PI);
    double period = 1 / bpfi;
    double duration = WINDOW / SAMPLE_RATE_HZ;
    for (double tj = -uniform(0, period);
        tj < duration;
        tj += period * (1 + uniform(-0.02, 0.02))) {
      double aj = amplitude * (1 + modulation * Math.cos(2 * Math.PI * shaftHz * tj + loadPhase));
      int first = Math.max(0, (int) Math.ceil(tj * SAMPLE_RATE_HZ));
      for (int i = first; i < WINDOW; i++) {
        double dt = i / SAMPLE_RATE_HZ - tj;
        double envelope = Math.exp(-decay * dt);
        if (envelope < 1e-4) {
          break;
        }
        x[i] += aj * envelope * Math.sin(2 * Math.PI * resonanceHz * dt);
      }
    }
  }

  private double uniform(double from, double to) {
    return from + (to - from) * random.nextDouble();
  }
}

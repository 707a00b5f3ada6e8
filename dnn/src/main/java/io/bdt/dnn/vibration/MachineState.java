package io.bdt.dnn.vibration;

import java.util.List;

/**
 * The condition of a rotating machine that the vibration-fault classifier tells apart. The
 * declaration order is the classifier's output order and never changes.
 */
public enum MachineState {
  /** Healthy: small residual 1x and 2x components and sensor noise. */
  NORMAL("normal"),
  /** Mass imbalance: a strong component at the shaft speed (1x). */
  IMBALANCE("imbalance"),
  /** Shaft misalignment: strong 2x and 3x harmonics, as an axially mounted sensor sees them. */
  MISALIGNMENT("misalignment"),
  /** Rolling-bearing defect: impulses at the defect frequency ringing a structural resonance. */
  BEARING_FAULT("bearing_fault");

  /** All states in output order. */
  public static final List<MachineState> ORDER = List.of(values());

  private final String label;

  MachineState(String label) {
    this.label = label;
  }

  /** The label in model metadata, docs and CLI output. */
  public String label() {
    return label;
  }
}

package io.bdt.optimizer.sim;

import java.util.List;

/**
 * A system the simulator can run and vary for sweeps: its fixed part, its seeded slot draws, and
 * copies with one parameter changed. A scenario file is one source of these.
 */
public interface SimulatedSystem {

  /** The fixed part every slot shares. */
  Environment environment();

  /** {@code slots} draws of tasks and channels, identical for identical {@code seed}. */
  List<SlotDraw> draws(int slots, long seed);

  /** {@code N}: number of gateways. */
  int gateways();

  /** {@code B_n}: uplink bandwidth of the gateways, Hz (the first gateway's if they differ). */
  double bandwidth();

  /** {@code F_m}: compute budget of the APs, Hz (the first AP's if they differ). */
  double apBudget();

  /** The same system with {@code gateways} gateways. */
  SimulatedSystem withGateways(int gateways);

  /** The same system with every gateway's bandwidth set to {@code hertz}. */
  SimulatedSystem withBandwidth(double hertz);

  /** The same system with every AP's budget set to {@code hertz}. */
  SimulatedSystem withApBudget(double hertz);

  /** The same system with Lyapunov weight {@code v}. */
  SimulatedSystem withV(double v);

  /** A JSON-serialisable description of the system, for {@code summary.json}. */
  Object description();
}

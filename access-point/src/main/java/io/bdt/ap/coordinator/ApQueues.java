package io.bdt.ap.coordinator;

import io.bdt.ap.status.ReputationTrack;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The virtual queue {@code Q_m} of every AP of the genesis, one {@link ReputationTrack} each,
 * advanced once per slot from the reputations the chain records. Every AP keeps all of them (they
 * are a function of the chain and {@code R_min}), so whichever AP coordinates holds one {@code Q_m}
 * per AP and a takeover starts with the same queues.
 *
 * <p>The queues advance only over slots with demand (docs/dpra.md, "Q_m over slots with demand"): a
 * slot has demand when, within the last {@link #DEMAND_SLOTS} slots, this AP heard from a gateway
 * that it is deciding (a joint decision of the coordinator, a gateway's demand, its own decision
 * sent with an offload, or its signed {@code /status} read for a slot it decides locally). With no
 * task to place there is nothing for {@code R_min} to bound: an idle platform would otherwise owe
 * {@code R_min} per slot and start every burst of demand with a queue that forces offloading for as
 * long as it was idle.
 */
public final class ApQueues {

  /** How many slots a gateway's demand counts for: a slot's signals arrive across its boundary. */
  public static final int DEMAND_SLOTS = 3;

  private final List<String> addresses;
  private final List<ReputationTrack> tracks = new ArrayList<>();
  private final long demandWindowMillis;
  private volatile long lastDemandMillis = Long.MIN_VALUE;

  /**
   * @param addresses the genesis' APs, in its order
   * @param rMin {@code R_min} of the parameter set
   * @param slotSeconds the slot length of the parameter set, seconds
   */
  public ApQueues(List<String> addresses, double rMin, double slotSeconds) {
    if (!(slotSeconds > 0)) {
      throw new IllegalArgumentException("slotSeconds: must be > 0, got " + slotSeconds);
    }
    this.addresses = addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    for (int m = 0; m < addresses.size(); m++) {
      tracks.add(new ReputationTrack(rMin));
    }
    this.demandWindowMillis = Math.round(DEMAND_SLOTS * slotSeconds * 1000);
  }

  /** A gateway's demand, decision or slot status read arrived at {@code epochMillis}. */
  public void demandSeen(long epochMillis) {
    if (epochMillis > lastDemandMillis) {
      lastDemandMillis = epochMillis;
    }
  }

  /** Whether a slot ending at {@code epochMillis} has demand: some arrived within the window. */
  public boolean hasDemand(long epochMillis) {
    long last = lastDemandMillis;
    return last != Long.MIN_VALUE && epochMillis - last <= demandWindowMillis;
  }

  /** The APs, lower-case addresses in genesis order. */
  public List<String> addresses() {
    return addresses;
  }

  /** AP {@code m}'s track. */
  public ReputationTrack track(int m) {
    return tracks.get(m);
  }

  /** The index of {@code address} in the genesis, or -1. */
  public int indexOf(String address) {
    return addresses.indexOf(address.toLowerCase(Locale.ROOT));
  }
}

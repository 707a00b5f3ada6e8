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
 */
public final class ApQueues {
  private final List<String> addresses;
  private final List<ReputationTrack> tracks = new ArrayList<>();

  /**
   * @param addresses the genesis' APs, in its order
   * @param rMin {@code R_min} of the parameter set
   */
  public ApQueues(List<String> addresses, double rMin) {
    this.addresses = addresses.stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
    for (int m = 0; m < addresses.size(); m++) {
      tracks.add(new ReputationTrack(rMin));
    }
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

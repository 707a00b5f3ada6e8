package io.bdt.ap.chain;

import io.bdt.ap.offload.ComputeShare;
import io.bdt.consensus.pow.MiningShare;

/**
 * Maps the mining share {@code f_m^B} (Hz) to the consensus miner's threads and duty cycle with the
 * same rule as inference ({@link ComputeShare}): the share's fraction of the budget times the
 * cores, in whole threads, the remainder as a duty cycle over a 100 ms period.
 */
public final class MiningShares {
  private MiningShares() {}

  /** The miner's share for {@code miningShareHz} of {@code budgetHz} on {@code cores} cores. */
  public static MiningShare of(double miningShareHz, double budgetHz, int cores) {
    ComputeShare c = ComputeShare.of(miningShareHz, budgetHz, cores);
    return new MiningShare(c.threads(), c.dutyCycle(), 100);
  }
}

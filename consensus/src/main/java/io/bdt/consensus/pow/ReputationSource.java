package io.bdt.consensus.pow;

import io.bdt.consensus.block.BlockHeader;
import org.apache.tuweni.bytes.Bytes;

/**
 * The reputation R_m in [0, 1] of AP {@code miner} as recorded on chain at block {@code parent}:
 * what a block built on {@code parent} by that miner may use for its difficulty.
 */
public interface ReputationSource {

  /**
   * R_m at {@code parent}.
   *
   * @throws IllegalArgumentException if {@code miner} is not in the miner set at {@code parent}
   */
  double reputation(Bytes miner, BlockHeader parent);

  /** Whether {@code miner} is an AP the genesis file lists. */
  boolean isRegistered(Bytes miner);

  /**
   * Whether {@code node} is in the chain's miner set as of block {@code at}: a genesis AP ({@link
   * #isRegistered}), or an AP the chain's own registry (the ReputationLedger, where the genesis
   * names one) records in the state of {@code at}. The one answer to who may take part in the peer
   * network and who may seal a block on {@code at}.
   */
  default boolean inMinerSetAt(Bytes node, BlockHeader at) {
    return isRegistered(node);
  }
}

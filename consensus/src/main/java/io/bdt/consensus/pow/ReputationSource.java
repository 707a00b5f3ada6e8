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
   * @throws IllegalArgumentException if {@code miner} is not a registered AP
   */
  double reputation(Bytes miner, BlockHeader parent);

  /** Whether {@code miner} is an AP allowed to mine. */
  boolean isRegistered(Bytes miner);

  /**
   * Whether {@code node} is in the chain's miner set as of block {@code at}: an AP allowed to mine,
   * or an AP the chain's own registry (the ReputationLedger, where the genesis names one) records
   * in the state of {@code at}. This is who may take part in the peer network; only {@link
   * #isRegistered} APs seal blocks.
   */
  default boolean inMinerSetAt(Bytes node, BlockHeader at) {
    return isRegistered(node);
  }
}

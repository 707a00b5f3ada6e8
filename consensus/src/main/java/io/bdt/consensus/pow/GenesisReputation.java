package io.bdt.consensus.pow;

import io.bdt.consensus.block.BlockHeader;
import java.util.Map;
import org.apache.tuweni.bytes.Bytes;

/**
 * Reputation fixed in the genesis file, the same at every block: the stand-in until the
 * ReputationLedger contract records reputation on chain.
 */
public record GenesisReputation(Map<Bytes, Double> table) implements ReputationSource {
  public GenesisReputation {
    table = Map.copyOf(table);
    table.forEach(
        (ap, r) -> {
          if (!(r >= 0 && r <= 1)) {
            throw new IllegalArgumentException(
                "genesis reputation of " + ap + " must be in [0, 1], got " + r);
          }
        });
  }

  @Override
  public double reputation(Bytes miner, BlockHeader parent) {
    Double r = table.get(miner);
    if (r == null) {
      throw new IllegalArgumentException(miner + " is not an AP registered at genesis");
    }
    return r;
  }

  @Override
  public boolean isRegistered(Bytes miner) {
    return table.containsKey(miner);
  }
}

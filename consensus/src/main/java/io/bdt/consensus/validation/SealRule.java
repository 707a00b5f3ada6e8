package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.pow.Seal;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;

/** extraData holds a signature of the sealed header by the miner named in the header. */
public record SealRule() implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    Optional<Bytes> signer = Seal.signer(header);
    if (signer.isEmpty()) {
      throw new InvalidBlockException("seal: extraData is not a valid 65-byte signature");
    }
    if (!signer.get().equals(header.miner())) {
      throw new InvalidBlockException(
          "seal: signed by " + signer.get() + ", but the header names miner " + header.miner());
    }
  }
}

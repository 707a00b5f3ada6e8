package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.pow.ProofOfWork;
import org.apache.tuweni.bytes.Bytes32;

/** mixHash is the PoW digest of the nonce and meets the target 2^256 / difficulty. */
public record ProofOfWorkRule() implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    Bytes32 digest = ProofOfWork.digest(header.powHash(), header.nonce());
    if (!digest.equals(header.mixHash())) {
      throw new InvalidBlockException("pow: mixHash is not the PoW digest of the nonce");
    }
    if (!ProofOfWork.meets(digest, ProofOfWork.target(header.difficulty()))) {
      throw new InvalidBlockException(
          "pow: digest does not meet the target of difficulty " + header.difficulty());
    }
  }
}

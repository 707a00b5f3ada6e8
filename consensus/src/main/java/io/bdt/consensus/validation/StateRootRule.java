package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.evm.BlockExecution;

/** The state root after re-execution equals the header's. */
public record StateRootRule() implements ExecutionRule {
  @Override
  public void check(BlockHeader header, BlockExecution execution) {
    if (!header.stateRoot().equals(execution.stateRoot())) {
      throw new InvalidBlockException(
          "stateRoot: header has "
              + header.stateRoot()
              + ", re-execution gives "
              + execution.stateRoot());
    }
  }
}

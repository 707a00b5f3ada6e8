package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.evm.BlockExecution;

/** Gas used, receipts root and logs bloom equal those of re-execution. */
public record ReceiptsRule() implements ExecutionRule {
  @Override
  public void check(BlockHeader header, BlockExecution execution) {
    if (header.gasUsed() != execution.gasUsed()) {
      throw new InvalidBlockException(
          "gasUsed: header has " + header.gasUsed() + ", re-execution uses " + execution.gasUsed());
    }
    if (!header.receiptsRoot().equals(execution.receiptsRoot())) {
      throw new InvalidBlockException("receiptsRoot: does not match re-execution");
    }
    if (!header.logsBloom().equals(execution.logsBloom())) {
      throw new InvalidBlockException("logsBloom: does not match re-execution");
    }
  }
}

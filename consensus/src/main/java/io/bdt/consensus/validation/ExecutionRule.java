package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.evm.BlockExecution;

/** One check that the header commits to what re-executing its transactions produced. */
public interface ExecutionRule {
  /**
   * @throws InvalidBlockException if {@code header} disagrees with {@code execution}
   */
  void check(BlockHeader header, BlockExecution execution);
}

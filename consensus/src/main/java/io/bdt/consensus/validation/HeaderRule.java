package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;

/** One consensus check of a header against its parent (Besu's header-rule-per-class idea). */
public interface HeaderRule {
  /**
   * @throws InvalidBlockException if {@code header} breaks this rule
   */
  void check(BlockHeader header, BlockHeader parent);
}

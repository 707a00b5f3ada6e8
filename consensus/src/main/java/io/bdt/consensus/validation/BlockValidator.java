package io.bdt.consensus.validation;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.evm.BlockExecution;
import io.bdt.consensus.pow.ReputationSource;
import java.time.Clock;
import java.util.List;

/** The consensus rule set: header rules, the transactions root, and the execution rules. */
public record BlockValidator(List<HeaderRule> headerRules, List<ExecutionRule> executionRules) {

  /** Seconds a block's timestamp may run ahead of this node's clock. */
  public static final long MAX_FUTURE_SECONDS = 15;

  /** The B-DT rule set for {@code spec}. */
  public static BlockValidator forSpec(ChainSpec spec, ReputationSource reputation, Clock clock) {
    return new BlockValidator(
        List.of(
            new ParentRule(),
            new TimestampRule(clock, MAX_FUTURE_SECONDS),
            new GasLimitRule(spec.gasLimit()),
            new BaseFeeRule(),
            new RegisteredMinerRule(reputation),
            new DifficultyRule(reputation, spec.difficultyRule()),
            new ProofOfWorkRule(),
            new SealRule()),
        List.of(new StateRootRule(), new ReceiptsRule()));
  }

  /** Checks everything that needs no execution. */
  public void checkBeforeExecution(Block block, BlockHeader parent) {
    for (HeaderRule rule : headerRules) {
      rule.check(block.header(), parent);
    }
    if (!Block.transactionsRoot(block.transactions()).equals(block.header().transactionsRoot())) {
      throw new InvalidBlockException("transactionsRoot: does not match the block's transactions");
    }
  }

  /** Checks the header against the re-execution of its transactions. */
  public void checkExecution(Block block, BlockExecution execution) {
    for (ExecutionRule rule : executionRules) {
      rule.check(block.header(), execution);
    }
  }
}

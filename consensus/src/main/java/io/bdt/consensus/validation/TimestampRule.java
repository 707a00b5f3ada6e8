package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;
import java.time.Clock;

/**
 * The timestamp (seconds) is not before the parent's and at most {@code maxFutureSeconds} ahead of
 * this node's clock. Equal timestamps are allowed so blocks may come faster than one per second.
 */
public record TimestampRule(Clock clock, long maxFutureSeconds) implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    if (header.timestamp() < parent.timestamp()) {
      throw new InvalidBlockException(
          "timestamp: " + header.timestamp() + " is before the parent's " + parent.timestamp());
    }
    long now = clock.millis() / 1000;
    if (header.timestamp() > now + maxFutureSeconds) {
      throw new InvalidBlockException(
          "timestamp: "
              + header.timestamp()
              + " is more than "
              + maxFutureSeconds
              + " s in the future");
    }
  }
}

package io.bdt.consensus.validation;

import io.bdt.consensus.block.BlockHeader;

/** The header extends its parent: parent hash matches and the number is the parent's plus one. */
public record ParentRule() implements HeaderRule {
  @Override
  public void check(BlockHeader header, BlockHeader parent) {
    if (!header.parentHash().equals(parent.hash())) {
      throw new InvalidBlockException("parent: header.parentHash does not match the parent block");
    }
    if (header.number() != parent.number() + 1) {
      throw new InvalidBlockException(
          "parent: header.number must be " + (parent.number() + 1) + ", got " + header.number());
    }
  }
}

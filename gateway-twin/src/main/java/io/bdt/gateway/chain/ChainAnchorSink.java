package io.bdt.gateway.chain;

import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.gateway.anchor.AnchorSink;
import io.bdt.gateway.anchor.FileAnchorSink;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HexFormat;

/**
 * Anchors on chain: each root is first appended to the local {@link FileAnchorSink} journal, then
 * posted to TwinAnchor ({@code anchor(root, leafCount)}) from the gateway's key through the {@link
 * ChainOutbox}, so an unreachable chain delays the anchor but never loses it.
 */
public final class ChainAnchorSink implements AnchorSink {

  private final FileAnchorSink journal;
  private final TwinAnchor contract;
  private final ChainOutbox outbox;

  public ChainAnchorSink(FileAnchorSink journal, TwinAnchor contract, ChainOutbox outbox) {
    this.journal = journal;
    this.contract = contract;
    this.outbox = outbox;
  }

  @Override
  public String anchor(byte[] root, int leafCount) throws IOException {
    String reference = journal.anchor(root, leafCount);
    byte[] copy = root.clone();
    outbox.submit(
        new ChainOutbox.Write(
            "anchor",
            "0x" + HexFormat.of().formatHex(copy),
            () -> contract.anchor(copy, BigInteger.valueOf(leafCount)).send()));
    return reference + " -> TwinAnchor " + contract.getContractAddress();
  }
}

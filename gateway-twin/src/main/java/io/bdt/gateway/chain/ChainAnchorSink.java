package io.bdt.gateway.chain;

import io.bdt.gateway.anchor.AnchorSink;
import io.bdt.gateway.anchor.FileAnchorSink;
import java.io.IOException;
import java.util.HexFormat;

/**
 * Anchors on chain: each root is first appended to the local {@link FileAnchorSink} journal, then
 * queued in the durable {@link ChainOutbox} for TwinAnchor ({@code anchor(root, leafCount)} from
 * the gateway's key), so an unreachable chain or a restart delays the anchor but never loses it.
 */
public final class ChainAnchorSink implements AnchorSink {

  private final FileAnchorSink journal;
  private final String contractAddress;
  private final ChainOutbox outbox;

  public ChainAnchorSink(FileAnchorSink journal, String contractAddress, ChainOutbox outbox) {
    this.journal = journal;
    this.contractAddress = contractAddress;
    this.outbox = outbox;
  }

  @Override
  public String anchor(byte[] root, int leafCount) throws IOException {
    String reference = journal.anchor(root, leafCount);
    outbox.submit(new ChainWrite.Anchor("0x" + HexFormat.of().formatHex(root), leafCount));
    return reference + " -> TwinAnchor " + contractAddress;
  }
}

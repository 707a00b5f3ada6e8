package io.bdt.gateway.anchor;

import java.io.IOException;

/**
 * Where the gateway posts the Merkle root of its twin snapshots and results each anchor period:
 * TwinAnchor on chain, or {@link FileAnchorSink} when the gateway runs standalone.
 */
public interface AnchorSink {

  /** Records {@code root} (32 bytes) over {@code leafCount} items; returns a reference to it. */
  String anchor(byte[] root, int leafCount) throws IOException;
}

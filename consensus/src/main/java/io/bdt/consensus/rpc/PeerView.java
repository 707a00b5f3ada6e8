package io.bdt.consensus.rpc;

import io.bdt.consensus.p2p.PeerNetwork;
import io.bdt.consensus.p2p.SyncStatus;
import java.util.Optional;

/** What the node knows of its peers, for {@code net_peerCount} and {@code eth_syncing}. */
public interface PeerView {
  /** Peers with a completed handshake. */
  int peerCount();

  /** The sync in progress, or empty when no connected peer is ahead of this node. */
  Optional<SyncStatus> syncing();

  /** A node without a peer network: no peers, never syncing. */
  static PeerView none() {
    return new PeerView() {
      @Override
      public int peerCount() {
        return 0;
      }

      @Override
      public Optional<SyncStatus> syncing() {
        return Optional.empty();
      }
    };
  }

  /** What {@code network} knows: its connected peers and its sync in progress. */
  static PeerView of(PeerNetwork network) {
    return new PeerView() {
      @Override
      public int peerCount() {
        return network.connected().size();
      }

      @Override
      public Optional<SyncStatus> syncing() {
        return network.syncStatus();
      }
    };
  }
}

package io.bdt.consensus.p2p;

import static io.bdt.consensus.Fixtures.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that accepts the connection but never answers the WebSocket upgrade (as a TLS server whose
 * handshake stalled does): the dial is dropped after the handshake timeout and the peer is dialled
 * again, instead of the dial holding that peer's URL for good.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StalledDialTest {
  @TempDir Path dir;

  @Test
  void dropsADialThePeerNeverAnswersAndDialsAgain() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept());
                  }
                } catch (Exception closed) {
                  // the test ended
                }
              });
      URI peer = URI.create("ws://127.0.0.1:" + silent.getLocalPort());
      try (Node n =
          new Node(
              NodeConfig.of(PeerNetworkTest.SPEC, dir.resolve("n"))
                  .withRpc(new InetSocketAddress("127.0.0.1", 0))
                  .withMiner(BOB.getEcKeyPair(), MiningShare.full(1))
                  .withAutoMine(false, Duration.ofDays(1))
                  .withPeers(new InetSocketAddress("127.0.0.1", 0), List.of(peer)))) {
        PeerNetwork network = n.network().orElseThrow();

        PeerNetworkTest.await("a second connection to the peer", () -> held.size() >= 2);

        assertThat(network.counters().dials()).isGreaterThanOrEqualTo(2);
        // the first connection was closed by the node, not left open
        held.getFirst().setSoTimeout(10_000);
        assertThat(held.getFirst().getInputStream().readAllBytes()).isNotNull();
        assertThat(network.counters().handshakesRejected()).isPositive();
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }
}

package io.bdt.consensus.p2p;

import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/** What a node tells its peers to dial: never the wildcard address it may bind. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdvertisedHostTest {
  @TempDir Path dir;
  final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(Node::close);
  }

  Node start(Credentials ap, NodeConfig config) throws Exception {
    Node n =
        new Node(
            config
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(ap.getEcKeyPair(), MiningShare.full(1))
                .withAutoMine(false, Duration.ofDays(1)));
    nodes.add(n);
    return n;
  }

  NodeConfig config(String name, String bindHost, List<URI> peers) {
    return NodeConfig.of(PeerNetworkTest.SPEC, dir.resolve(name))
        .withPeers(new InetSocketAddress(bindHost, 0), peers);
  }

  @Test
  void nodeBindingEveryAddressAdvertisesAHostNameThatResolves() throws Exception {
    Node n = start(BOB, config("any", "0.0.0.0", List.of()));

    String host = n.network().orElseThrow().url().getHost();

    assertThat(host).isNotEqualTo("0.0.0.0");
    assertThat(InetAddress.getByName(host).isAnyLocalAddress()).isFalse();
  }

  @Test
  void nodeBindingOneAddressAdvertisesThatAddress() throws Exception {
    Node n = start(BOB, config("one", "127.0.0.1", List.of()));

    assertThat(n.network().orElseThrow().url().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void peersLearnTheConfiguredAdvertisedHost() throws Exception {
    Node a = start(BOB, config("a", "127.0.0.1", List.of()));
    URI aUrl = a.network().orElseThrow().url();
    Node b = start(CAROL, config("b", "0.0.0.0", List.of(aUrl)).withAdvertisedHost("localhost"));
    URI advertised = b.network().orElseThrow().url();

    assertThat(advertised.getHost()).isEqualTo("localhost");
    PeerNetworkTest.await(
        "a to learn b's advertised URL",
        () -> a.network().orElseThrow().peers().contains(advertised));
    assertThat(a.network().orElseThrow().connected()).contains(b.network().orElseThrow().address());
  }

  @Test
  void refusesAnAdvertisedHostWithAPort() {
    NodeConfig c = config("bad", "0.0.0.0", List.of());

    assertThatThrownBy(() -> c.withAdvertisedHost("ap-0.ap:30303"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("advertised host")
        .hasMessageContaining("without a port");
  }
}

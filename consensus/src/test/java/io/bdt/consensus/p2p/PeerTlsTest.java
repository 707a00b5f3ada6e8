package io.bdt.consensus.p2p;

import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.pki.PlatformCa;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/** The peer protocol over mutual TLS with the platform CA's certificates. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerTlsTest {
  @TempDir Path dir;
  final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(Node::close);
  }

  /** Certificate files for a node on loopback from the CA in {@code caDir}. */
  PeerTls tls(String caDir, String name, String trustedCaDir) throws Exception {
    PlatformCa ca =
        PlatformCa.openOrCreate(dir.resolve(caDir), caDir, Duration.ofDays(1), Clock.systemUTC());
    PlatformCa trusted =
        PlatformCa.openOrCreate(
            dir.resolve(trustedCaDir), trustedCaDir, Duration.ofDays(1), Clock.systemUTC());
    Path cert = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + "-key.pem");
    ca.issuePeer(List.of("localhost", "127.0.0.1"), Duration.ofDays(1)).write(cert, key);
    return new PeerTls(trusted.certificateFile(), cert, key);
  }

  Node start(String name, Credentials ap, PeerTls tls, List<URI> peers) throws Exception {
    Node n =
        new Node(
            NodeConfig.of(PeerNetworkTest.SPEC, dir.resolve(name))
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(ap.getEcKeyPair(), MiningShare.full(1))
                .withAutoMine(false, Duration.ofDays(1))
                .withPeers(new InetSocketAddress("127.0.0.1", 0), peers)
                .withP2pTls(tls));
    nodes.add(n);
    return n;
  }

  @Test
  void twoNodesWithCertificatesFromThePlatformCaGossipOverTls() throws Exception {
    Node a = start("a", BOB, tls("ca", "a", "ca"), List.of());
    URI aUrl = a.network().orElseThrow().url();
    Node b = start("b", CAROL, tls("ca", "b", "ca"), List.of(aUrl));

    assertThat(aUrl.getScheme()).isEqualTo("wss");
    PeerNetworkTest.await(
        "b to connect over TLS", () -> a.network().orElseThrow().connected().size() == 1);
    a.mineBlock().orElseThrow();
    PeerNetworkTest.await("b to import a's block", () -> b.chain().head().number() == 1);
  }

  @Test
  void refusesANodeWhoseCertificateTheCaDidNotIssue() throws Exception {
    Node a = start("a", BOB, tls("ca", "a", "ca"), List.of());
    URI aUrl = a.network().orElseThrow().url();
    // trusts a's CA, but presents a certificate from a CA a does not trust
    Node intruder = start("intruder", CAROL, tls("other-ca", "intruder", "ca"), List.of(aUrl));
    PeerNetwork theirs = intruder.network().orElseThrow();

    PeerNetworkTest.await(
        "the intruder to have dialled a few times", () -> theirs.counters().dials() >= 3);

    assertThat(a.network().orElseThrow().connected()).isEmpty();
    assertThat(theirs.connected()).isEmpty();
    assertThat(a.network().orElseThrow().counters().handshakesRejected()).isPositive();
    assertThat(a.network().orElseThrow().counters().tlsRefused()).isPositive();
  }
}

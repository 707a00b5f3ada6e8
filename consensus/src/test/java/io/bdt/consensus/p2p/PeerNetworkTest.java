package io.bdt.consensus.p2p;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.Address;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Nodes on loopback: gossip, convergence, partition and heal, admission of observers, sync at
 * start, redialling, peers and sync over RPC. A misbehaving peer: {@link MisbehavingPeerTest}.
 */
class PeerNetworkTest {
  static final Credentials DAVE =
      Credentials.create("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6");
  static final Credentials ERIN =
      Credentials.create("0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a");
  static final List<Credentials> APS = List.of(BOB, CAROL, DAVE, ERIN);
  static final ChainSpec SPEC =
      new ChainSpec(
          Fixtures.CHAIN_ID,
          30_000_000,
          Fixtures.GWEI,
          1_700_000_000,
          new ChainSpec.DifficultySpec(BigInteger.valueOf(256), 2.0),
          Map.of(ALICE.getAddress(), Fixtures.ETHER.multiply(BigInteger.valueOf(1000))),
          List.of(
              new ChainSpec.AccessPoint(BOB.getAddress(), 0.9),
              new ChainSpec.AccessPoint(CAROL.getAddress(), 0.1),
              new ChainSpec.AccessPoint(DAVE.getAddress(), 0.5),
              new ChainSpec.AccessPoint(ERIN.getAddress(), 0.5)));

  @TempDir Path dir;
  final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(Node::close);
  }

  void startFourNodes() throws Exception {
    for (int i = 0; i < 4; i++) {
      List<URI> peers = nodes.stream().map(n -> n.network().orElseThrow().url()).toList();
      nodes.add(new Node(minerConfig(dir.resolve("node" + i), i, 0, peers)));
    }
    // make the mesh complete, as the node list in a config file would
    for (Node a : nodes) {
      for (Node b : nodes) {
        a.network().orElseThrow().connect(b.network().orElseThrow().url());
      }
    }
  }

  static void await(String what, Callable<Boolean> done) throws Exception {
    Instant end = Instant.now().plus(Duration.ofSeconds(60));
    while (!done.call()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  boolean sameHead(List<Node> group) {
    Bytes32 h = group.get(0).chain().head().hash();
    return group.stream().allMatch(n -> n.chain().head().hash().equals(h));
  }

  static SignedTransaction pay(Credentials to, long nonce) {
    return SignedTransaction.decode(
        Fixtures.eip1559(ALICE, nonce, to.getAddress(), Fixtures.ETHER, Bytes.EMPTY, 21_000));
  }

  static BigInteger balance(Node n, Credentials who) {
    return n.chain()
        .states()
        .withState(n.chain().head().stateRoot(), s -> s.getBalance(new Address(who.getAddress())));
  }

  @Test
  void fourNodesMiningConcurrentlyConvergeOnSameHead() throws Exception {
    startFourNodes();
    SignedTransaction tx = pay(BOB, 0);
    nodes.get(2).pool().admit(tx, nodes.get(2).chain());
    await(
        "the transaction to reach every pool",
        () -> nodes.stream().allMatch(n -> n.pool().size() == 1));

    // every node mines three blocks at the same time: forks are bound to happen
    IntStream.range(0, 4)
        .parallel()
        .forEach(
            i -> {
              for (int k = 0; k < 3; k++) {
                nodes.get(i).mineBlock();
              }
            });
    // then the node with the longest chain extends it twice, which settles every tie
    Node leader =
        nodes.stream()
            .max((a, b) -> Long.compare(a.chain().head().number(), b.chain().head().number()))
            .orElseThrow();
    leader.mineBlock();
    leader.mineBlock();

    await("all four heads to agree", () -> sameHead(nodes));
    for (Node n : nodes) {
      assertThat(n.chain().store().transaction(tx.hash())).as("tx on every node").isPresent();
      assertThat(balance(n, BOB)).isGreaterThanOrEqualTo(Fixtures.ETHER);
    }
  }

  @Test
  void networkSplitThenHealReorganisesTheShorterSide() throws Exception {
    startFourNodes();
    nodes.get(0).mineBlock();
    await("block 1 everywhere", () -> nodes.stream().allMatch(n -> n.chain().head().number() == 1));
    List<Node> sideA = nodes.subList(0, 2);
    List<Node> sideB = nodes.subList(2, 4);
    for (Node a : sideA) {
      for (Node b : sideB) {
        a.network().orElseThrow().disconnect(b.network().orElseThrow().url());
        b.network().orElseThrow().disconnect(a.network().orElseThrow().url());
      }
    }
    // the two sides spend Alice's nonce 0 differently
    SignedTransaction toBob = pay(BOB, 0);
    SignedTransaction toCarol = pay(CAROL, 0);
    nodes.get(0).pool().admit(toBob, nodes.get(0).chain());
    nodes.get(2).pool().admit(toCarol, nodes.get(2).chain());
    for (int k = 0; k < 3; k++) {
      nodes.get(0).mineBlock();
    }
    nodes.get(2).mineBlock();
    await("side A at 4", () -> sideA.stream().allMatch(n -> n.chain().head().number() == 4));
    await("side B at 2", () -> sideB.stream().allMatch(n -> n.chain().head().number() == 2));
    assertThat(balance(nodes.get(3), CAROL)).isEqualTo(Fixtures.ETHER);

    for (Node a : nodes) {
      for (Node b : nodes) {
        a.network().orElseThrow().connect(b.network().orElseThrow().url());
      }
    }
    nodes.get(1).mineBlock();

    await("all four heads to agree", () -> sameHead(nodes));
    for (Node n : sideB) {
      assertThat(n.chain().head().number()).isEqualTo(5);
      assertThat(n.chain().store().transaction(toBob.hash())).isPresent();
      assertThat(n.chain().store().transaction(toCarol.hash())).isEmpty();
      assertThat(balance(n, CAROL)).isLessThan(Fixtures.ETHER);
    }
  }

  /** A key that is neither a node's nor an AP's: the stranger. */
  static final Credentials MALLORY =
      Credentials.create("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba");

  PeerNetwork network(int i) {
    return nodes.get(i).network().orElseThrow();
  }

  String genesis(int i) {
    return nodes.get(i).chain().store().canonicalHash(0).orElseThrow().toHexString();
  }

  /**
   * A node in {@code dir} mining (only when asked) as AP {@code i} of {@link #SPEC}, with P2P on
   * loopback {@code port} (0: any) knowing {@code peers}.
   */
  static NodeConfig minerConfig(Path dir, int i, int port, List<URI> peers) {
    return NodeConfig.of(SPEC, dir)
        .withRpc(new InetSocketAddress("127.0.0.1", 0))
        .withMiner(APS.get(i).getEcKeyPair(), MiningShare.full(1))
        .withAutoMine(false, Duration.ofDays(1))
        .withPeers(new InetSocketAddress("127.0.0.1", port), peers);
  }

  Node startNode(int i, int port, List<URI> peers) throws Exception {
    Node n = new Node(minerConfig(dir.resolve("node" + i), i, port, peers));
    nodes.add(n);
    return n;
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Bytes address(ECKeyPair key) {
    return Bytes.fromHexString(Keys.getAddress(key));
  }

  @Test
  void admitsObserverTheOperatorNamed() throws Exception {
    Node a =
        new Node(
            NodeConfig.of(SPEC, dir.resolve("miner"))
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(BOB.getEcKeyPair(), MiningShare.full(1))
                .withAutoMine(false, Duration.ofDays(1))
                .withPeers(new InetSocketAddress("127.0.0.1", 0), List.of())
                .withObservers(List.of(MALLORY.getAddress())));
    nodes.add(a);
    a.mineBlock();

    Node observer =
        new Node(
            NodeConfig.of(SPEC, dir.resolve("observer"))
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withNodeKey(MALLORY.getEcKeyPair())
                .withPeers(
                    new InetSocketAddress("127.0.0.1", 0),
                    List.of(a.network().orElseThrow().url())));
    nodes.add(observer);

    await("the observer to follow", () -> observer.chain().head().number() == 1);
    assertThat(a.network().orElseThrow().connected())
        .containsExactly(address(MALLORY.getEcKeyPair()));
  }

  @Test
  void nodeSyncsFromItsPeerAtStart() throws Exception {
    Node a = startNode(0, 0, List.of());
    for (int k = 0; k < 3; k++) {
      a.mineBlock();
    }

    // the constructor returns after the start-up sync
    Node b = startNode(1, 0, List.of(network(0).url()));

    assertThat(b.chain().head().hash()).isEqualTo(a.chain().head().hash());
    assertThat(b.chain().head().number()).isEqualTo(3);
    assertThat(network(1).connected()).containsExactly(network(0).address());
  }

  @Test
  void redialsAPeerThatRestarted() throws Exception {
    int portB = freePort();
    Node a = startNode(0, 0, List.of(URI.create("ws://127.0.0.1:" + portB)));
    Node b = startNode(1, portB, List.of());
    await("a and b connected", () -> network(0).connected().contains(network(1).address()));
    a.mineBlock();
    await("b at block 1", () -> b.chain().head().number() == 1);

    b.close();
    nodes.remove(b);
    a.mineBlock();
    a.mineBlock();
    // b comes back on the same port knowing no peers: only a's redial can reconnect them
    Node b2 = startNode(1, portB, List.of());

    await(
        "a to redial b",
        () -> network(0).connected().contains(b2.network().orElseThrow().address()));
    await("b to catch up to a's head", () -> b2.chain().head().number() == 3);
    assertThat(network(0).counters().dials()).isGreaterThan(1);
  }

  static com.fasterxml.jackson.databind.JsonNode rpc(Node n, String method) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.rpcPort()))
                    .header("Content-Type", "application/json")
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""
                                + method
                                + "\",\"params\":[]}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("result");
  }

  @Test
  void reportsPeersAndSyncOverRpc() throws Exception {
    Node n = startNode(0, 0, List.of());
    assertThat(rpc(n, "net_peerCount").asText()).isEqualTo("0x0");
    assertThat(rpc(n, "eth_syncing").asBoolean(true)).isFalse();

    // an AP whose hello says its head is at 1000 while ours is at 0
    RawPeer ahead = RawPeer.open(network(0).url());
    ECKeyPair dave = DAVE.getEcKeyPair();
    Hello hello =
        new Hello(
            PeerNetwork.VERSION,
            SPEC.chainId(),
            genesis(0),
            1000,
            genesis(0),
            Bytes32.random().toHexString());
    ahead.send(Envelope.sign("hello", 0, hello.payload(), RawPeer.LISTEN, dave));
    Hello theirs = Hello.parse(ahead.next("hello").payload());
    ahead.send(Envelope.sign("auth", 0, theirs.nonce(), RawPeer.LISTEN, dave));
    await("the node to list the peer", () -> network(0).connected().contains(address(dave)));

    assertThat(rpc(n, "net_peerCount").asText()).isEqualTo("0x1");
    com.fasterxml.jackson.databind.JsonNode syncing = rpc(n, "eth_syncing");
    assertThat(syncing.get("startingBlock").asText()).isEqualTo("0x0");
    assertThat(syncing.get("currentBlock").asText()).isEqualTo("0x0");
    assertThat(syncing.get("highestBlock").asText()).isEqualTo("0x3e8");

    ahead.closeBlocking();
    await("the peer to be gone", () -> network(0).connected().isEmpty());
    assertThat(rpc(n, "net_peerCount").asText()).isEqualTo("0x0");
    assertThat(rpc(n, "eth_syncing").asBoolean(true)).isFalse();
  }

  @Test
  void mapsHttpPeerUrlsToWebSocket() {
    assertThat(PeerNetwork.peerUrl(URI.create("http://10.0.0.1:30303")))
        .isEqualTo(URI.create("ws://10.0.0.1:30303"));
    assertThat(PeerNetwork.peerUrl(URI.create("ws://10.0.0.1:30303/bdt/p2p/1")))
        .isEqualTo(URI.create("ws://10.0.0.1:30303"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PeerNetwork.peerUrl(URI.create("ftp://10.0.0.1:30303")))
        .hasMessageContaining("scheme must be ws://");
  }
}

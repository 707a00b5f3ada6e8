package io.bdt.consensus.p2p;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.Fixtures.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.BlockProducer;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.chain.TestChain;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.pow.Seal;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.Address;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** Four nodes on loopback: gossip, convergence, partition and heal, dropping bad peers. */
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
      nodes.add(
          new Node(
              Node.Config.of(SPEC, dir.resolve("node" + i))
                  .withRpc(new InetSocketAddress("127.0.0.1", 0))
                  .withMiner(APS.get(i).getEcKeyPair(), MiningShare.full(1))
                  .withAutoMine(false, Duration.ofDays(1))
                  .withPeers(new InetSocketAddress("127.0.0.1", 0), peers)));
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

  @Test
  void dropsPeerThatSendsAnInvalidBlock() throws Exception {
    startFourNodes();
    Block forged;
    try (TestChain local = new TestChain(dir.resolve("forger"))) {
      // same genesis; a block mined by Bob's producer but sealed by Alice, who is no AP
      BlockProducer bob = local.producer(BOB);
      BlockHeader mined =
          bob.mineOn(local.chain.head(), List.of(), new ArrayList<>(), () -> false)
              .orElseThrow()
              .block()
              .header();
      forged =
          new Block(Seal.sign(mined.withExtraData(Bytes.EMPTY), ALICE.getEcKeyPair()), List.of());
    }
    Credentials stranger = ERIN;
    Envelope message =
        Envelope.sign(
            "block", forged.rlp().toHexString(), "http://127.0.0.1:9", stranger.getEcKeyPair());
    HttpClient http = HttpClient.newHttpClient();
    URI target = nodes.get(0).network().orElseThrow().url().resolve("/p2p");
    ObjectMapper json = new ObjectMapper();

    HttpResponse<String> first =
        http.send(
            HttpRequest.newBuilder(target)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(message)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second =
        http.send(
            HttpRequest.newBuilder(target)
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        json.writeValueAsBytes(
                            Envelope.sign(
                                "status", "", "http://127.0.0.1:9", stranger.getEcKeyPair()))))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(first.statusCode()).isEqualTo(400);
    assertThat(first.body()).contains("seal");
    assertThat(nodes.get(0).network().orElseThrow().banned())
        .contains(Bytes.fromHexString(stranger.getAddress()));
    assertThat(nodes.get(0).network().orElseThrow().peers())
        .doesNotContain(URI.create("http://127.0.0.1:9"));
    assertThat(second.statusCode()).isEqualTo(403);
    assertThat(nodes.get(0).chain().head().number()).isZero();
  }

  @Test
  void rejectsMessageWithoutValidSignature() throws Exception {
    startFourNodes();
    Envelope good = Envelope.sign("status", "", "http://127.0.0.1:9", DAVE.getEcKeyPair());
    Envelope unsigned = new Envelope("status", "", good.listen(), "0x1234");

    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(nodes.get(0).network().orElseThrow().url().resolve("/p2p"))
                    .POST(
                        HttpRequest.BodyPublishers.ofByteArray(
                            new ObjectMapper().writeValueAsBytes(unsigned)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(good.signer()).contains(Bytes.fromHexString(DAVE.getAddress()));
  }
}

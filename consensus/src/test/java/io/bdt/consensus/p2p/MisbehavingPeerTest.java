package io.bdt.consensus.p2p;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static io.bdt.consensus.p2p.PeerNetworkTest.DAVE;
import static io.bdt.consensus.p2p.PeerNetworkTest.ERIN;
import static io.bdt.consensus.p2p.PeerNetworkTest.MALLORY;
import static io.bdt.consensus.p2p.PeerNetworkTest.SPEC;
import static io.bdt.consensus.p2p.PeerNetworkTest.await;
import static io.bdt.consensus.p2p.PeerNetworkTest.minerConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.chain.BlockProducer;
import io.bdt.consensus.chain.TestChain;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.pow.Seal;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * One node and a hand-driven peer ({@link RawPeer}) that breaks the protocol: refused at the
 * handshake (bad signature, another chain, a key outside the miner set), banned after it (invalid
 * block, garbage, binary or oversize frame, a message signed by another key).
 */
class MisbehavingPeerTest {
  /** An AP of the chain that runs no node in these tests: the misbehaving peer. */
  static final Credentials ROGUE = ERIN;

  @TempDir Path dir;
  Node node;
  PeerNetwork network;

  @BeforeEach
  void startNode() throws Exception {
    node = new Node(minerConfig(dir.resolve("node0"), 0, 0, List.of()));
    network = node.network().orElseThrow();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  String genesis() {
    return node.chain().store().canonicalHash(0).orElseThrow().toHexString();
  }

  /** A hello on chain {@code chainId} with genesis {@code genesis}, signed by {@code key}. */
  static Envelope hello(long chainId, String genesis, ECKeyPair key) {
    return Envelope.sign(
        "hello", 0, RawPeer.hello(chainId, genesis).payload(), RawPeer.LISTEN, key);
  }

  /** A raw peer with {@code key} that has completed the handshake with the node. */
  RawPeer handshaken(ECKeyPair key) throws Exception {
    RawPeer p = RawPeer.open(network.url());
    p.handshake(key, SPEC.chainId(), genesis());
    await("the node to list the raw peer", () -> network.connected().contains(address(key)));
    return p;
  }

  static Bytes address(ECKeyPair key) {
    return Bytes.fromHexString(Keys.getAddress(key));
  }

  /** A block on the same genesis whose seal is not its miner's: Bob mined it, Alice sealed it. */
  static Block forgedBlock(Path dir) {
    try (TestChain local = new TestChain(dir)) {
      // same genesis; a block mined by Bob's producer but sealed by Alice, who is no AP
      BlockProducer bob = local.producer(BOB);
      BlockHeader mined =
          bob.mineOn(local.chain.head(), List.of(), new ArrayList<>(), () -> false)
              .orElseThrow()
              .block()
              .header();
      return new Block(
          Seal.sign(mined.withExtraData(Bytes.EMPTY), ALICE.getEcKeyPair()), List.of());
    }
  }

  @Test
  void bansPeerThatSendsAnInvalidBlock() throws Exception {
    Block forged = forgedBlock(dir.resolve("forger"));
    RawPeer mallory = handshaken(ROGUE.getEcKeyPair());

    mallory.send(
        Envelope.sign(
            "block", 0, forged.rlp().toHexString(), RawPeer.LISTEN, ROGUE.getEcKeyPair()));

    assertThat(mallory.awaitClose()).isEqualTo(PeerNetwork.CLOSE_INVALID);
    assertThat(mallory.closeReason).contains("invalid block").contains("seal");
    assertThat(network.banned()).contains(address(ROGUE.getEcKeyPair()));
    assertThat(network.peers()).doesNotContain(URI.create(RawPeer.LISTEN));
    assertThat(network.counters().bans()).isEqualTo(1);
    assertThat(node.chain().head().number()).isZero();

    RawPeer again = RawPeer.open(network.url());
    again.send(hello(SPEC.chainId(), genesis(), ROGUE.getEcKeyPair()));
    assertThat(again.awaitClose()).isEqualTo(PeerNetwork.CLOSE_BANNED);
    assertThat(again.closeReason).contains("banned until");
  }

  @Test
  void bannedApCannotComeBackWithAFreshKey() throws Exception {
    RawPeer rogue = handshaken(ROGUE.getEcKeyPair());
    rogue.send("{\"type\": [not json");
    assertThat(rogue.awaitClose()).isEqualTo(PeerNetwork.CLOSE_INVALID);
    long rejectedBefore = network.counters().handshakesRejected();

    RawPeer fresh = RawPeer.open(network.url());
    ECKeyPair freshKey = Keys.createEcKeyPair();
    fresh.send(hello(SPEC.chainId(), genesis(), freshKey));

    assertThat(fresh.awaitClose()).isEqualTo(PeerNetwork.CLOSE_NOT_ADMITTED);
    assertThat(fresh.closeReason).contains("not in the chain's miner set");
    assertThat(network.connected()).isEmpty();
    assertThat(network.counters().handshakesRejected()).isEqualTo(rejectedBefore + 1);
  }

  @Test
  void refusesHandshakeFromKeyOutsideTheMinerSet() throws Exception {
    RawPeer p = RawPeer.open(network.url());

    p.send(hello(SPEC.chainId(), genesis(), MALLORY.getEcKeyPair()));

    assertThat(p.awaitClose()).isEqualTo(PeerNetwork.CLOSE_NOT_ADMITTED);
    assertThat(network.connected()).isEmpty();
    assertThat(network.admitted(address(MALLORY.getEcKeyPair()))).isFalse();
    assertThat(network.admitted(address(DAVE.getEcKeyPair()))).isTrue();
  }

  @Test
  void bansPeerThatSendsAGarbageFrame() throws Exception {
    RawPeer mallory = handshaken(ROGUE.getEcKeyPair());

    mallory.send("{\"type\": [not json");

    assertThat(mallory.awaitClose()).isEqualTo(PeerNetwork.CLOSE_INVALID);
    assertThat(mallory.closeReason).contains("malformed message");
    assertThat(network.banned()).contains(address(ROGUE.getEcKeyPair()));
    assertThat(network.counters().invalidMessages()).isEqualTo(1);
  }

  @Test
  void bansPeerThatSendsABinaryFrame() throws Exception {
    RawPeer mallory = handshaken(ROGUE.getEcKeyPair());

    mallory.send(new byte[] {1, 2, 3});

    assertThat(mallory.awaitClose()).isEqualTo(PeerNetwork.CLOSE_INVALID);
    assertThat(mallory.closeReason).contains("binary frames");
    assertThat(network.banned()).contains(address(ROGUE.getEcKeyPair()));
  }

  @Test
  void bansPeerThatSendsAnOversizeFrame() throws Exception {
    RawPeer mallory = handshaken(ROGUE.getEcKeyPair());

    mallory.send("x".repeat(PeerNetwork.MAX_FRAME_BYTES + 1));

    // the node answers 1009; a sender still writing its frame may see the reset (1006) first
    assertThat(mallory.awaitClose()).isIn(CloseFrame.TOOBIG, CloseFrame.ABNORMAL_CLOSE);
    await("the ban", () -> network.banned().contains(address(ROGUE.getEcKeyPair())));
  }

  @Test
  void bansPeerWhoseMessageIsSignedByAnotherKey() throws Exception {
    RawPeer mallory = handshaken(ROGUE.getEcKeyPair());

    mallory.send(Envelope.sign("get-status", 1, "", RawPeer.LISTEN, DAVE.getEcKeyPair()));

    assertThat(mallory.awaitClose()).isEqualTo(PeerNetwork.CLOSE_INVALID);
    assertThat(mallory.closeReason).contains("not by the peer");
    assertThat(network.banned()).containsExactly(address(ROGUE.getEcKeyPair()));
  }

  @Test
  void rejectsHelloWithABadSignature() throws Exception {
    RawPeer p = RawPeer.open(network.url());
    Envelope good = hello(SPEC.chainId(), genesis(), MALLORY.getEcKeyPair());

    p.send(new Envelope(good.type(), 0, good.payload(), good.listen(), "0x1234"));

    assertThat(p.awaitClose()).isEqualTo(PeerNetwork.CLOSE_HANDSHAKE);
    assertThat(p.closeReason).contains("bad signature on hello");
    assertThat(network.connected()).isEmpty();
    assertThat(network.counters().handshakesRejected()).isEqualTo(1);
    assertThat(network.banned()).as("no address is proven, so none is banned").isEmpty();
  }

  @Test
  void rejectsAuthThatDoesNotComeFromTheHelloKey() throws Exception {
    RawPeer p = RawPeer.open(network.url());
    // a replayed hello of DAVE's, but the replayer only holds MALLORY's key
    p.send(hello(SPEC.chainId(), genesis(), DAVE.getEcKeyPair()));
    Hello theirs = Hello.parse(p.next("hello").payload());
    p.send(Envelope.sign("auth", 0, theirs.nonce(), RawPeer.LISTEN, MALLORY.getEcKeyPair()));

    assertThat(p.awaitClose()).isEqualTo(PeerNetwork.CLOSE_HANDSHAKE);
    assertThat(p.closeReason).contains("auth signed by");
    assertThat(network.connected()).isEmpty();
  }

  @Test
  void rejectsPeerWithAnotherGenesis() throws Exception {
    RawPeer p = RawPeer.open(network.url());

    p.send(hello(SPEC.chainId(), Bytes32.repeat((byte) 7).toHexString(), MALLORY.getEcKeyPair()));

    assertThat(p.awaitClose()).isEqualTo(PeerNetwork.CLOSE_WRONG_CHAIN);
    assertThat(p.closeReason).contains("wrong chain: genesis 0x0707");
    assertThat(network.connected()).isEmpty();
  }

  @Test
  void rejectsPeerWithAnotherChainId() throws Exception {
    RawPeer p = RawPeer.open(network.url());

    p.send(hello(SPEC.chainId() + 1, genesis(), MALLORY.getEcKeyPair()));

    assertThat(p.awaitClose()).isEqualTo(PeerNetwork.CLOSE_WRONG_CHAIN);
    assertThat(p.closeReason)
        .contains("chain id " + (SPEC.chainId() + 1) + ", expected " + SPEC.chainId());
  }

  @Test
  void refusesConnectionsOnAnotherPath() throws Exception {
    RawPeer p = RawPeer.open(network.url(), "/p2p");

    p.awaitClose();
    assertThat(p.isOpen()).isFalse();
    assertThat(network.connected()).isEmpty();
  }
}

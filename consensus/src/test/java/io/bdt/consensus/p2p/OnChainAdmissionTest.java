package io.bdt.consensus.p2p;

import static io.bdt.consensus.Fixtures.ALICE;
import static io.bdt.consensus.Fixtures.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.tx.SignedTransaction;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.ContractUtils;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * The peer network admits the chain's miner set as recorded on chain: an AP registered in the
 * reputation ledger (a stand-in, {@code LedgerStub.sol}) at the head completes the handshake though
 * the genesis does not list it; once banned, neither it nor a fresh key gets back in.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OnChainAdmissionTest {
  static final String LEDGER =
      ContractUtils.generateContractAddress(ALICE.getAddress(), BigInteger.ZERO);
  static final ChainSpec SPEC =
      new ChainSpec(
          Fixtures.CHAIN_ID,
          30_000_000,
          Fixtures.GWEI,
          1_700_000_000,
          new ChainSpec.DifficultySpec(BigInteger.valueOf(256), 2.0),
          java.util.Map.of(ALICE.getAddress(), Fixtures.ETHER.multiply(BigInteger.valueOf(1000))),
          List.of(new ChainSpec.AccessPoint(BOB.getAddress(), 0.9)),
          LEDGER);

  @TempDir Path dir;
  Node node;
  PeerNetwork network;
  String genesis;
  final ECKeyPair newcomer = createKey();

  @BeforeEach
  void start() throws Exception {
    node =
        new Node(
            NodeConfig.of(SPEC, dir.resolve("node"))
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(BOB.getEcKeyPair(), MiningShare.full(1))
                .withAutoMine(false, Duration.ofDays(1))
                .withPeers(new InetSocketAddress("127.0.0.1", 0), List.of()));
    network = node.network().orElseThrow();
    genesis = node.chain().store().canonicalHash(0).orElseThrow().toHexString();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void admitsAnApRegisteredOnChainFromTheBlockThatRegistersIt() throws Exception {
    assertThat(helloFrom(newcomer).awaitClose()).isEqualTo(PeerNetwork.CLOSE_NOT_ADMITTED);

    registerOnChain(newcomer);

    assertThat(network.admitted(address(newcomer))).isTrue();
    RawPeer p = RawPeer.open(network.url());
    p.handshake(newcomer, SPEC.chainId(), genesis);
    PeerNetworkTest.await(
        "the node to list the registered AP",
        () -> network.connected().contains(address(newcomer)));
  }

  @Test
  void bannedOnChainApCannotComeBackUnderAFreshKey() throws Exception {
    registerOnChain(newcomer);
    RawPeer p = RawPeer.open(network.url());
    p.handshake(newcomer, SPEC.chainId(), genesis);
    p.send("{\"type\": [not json");
    assertThat(p.awaitClose()).isEqualTo(PeerNetwork.CLOSE_INVALID);
    long rejectedBefore = network.counters().handshakesRejected();

    RawPeer fresh = helloFrom(createKey());
    RawPeer same = helloFrom(newcomer);

    assertThat(fresh.awaitClose()).isEqualTo(PeerNetwork.CLOSE_NOT_ADMITTED);
    assertThat(fresh.closeReason).contains("not in the chain's miner set");
    assertThat(same.awaitClose()).isEqualTo(PeerNetwork.CLOSE_BANNED);
    assertThat(network.connected()).isEmpty();
    assertThat(network.counters().handshakesRejected()).isEqualTo(rejectedBefore + 2);
  }

  /** Deploys the ledger stub and records {@code ap} in it, in one mined block. */
  private void registerOnChain(ECKeyPair ap) throws Exception {
    registerOnChain(node, ap);
  }

  /**
   * Deploys the ledger stub at {@link #LEDGER} and records {@code ap} in it, in one block {@code
   * node} mines (Alice's first transactions).
   */
  static void registerOnChain(Node node, ECKeyPair ap) throws Exception {
    Bytes deploy = Bytes.fromHexString(Fixtures.resource("/contracts/LedgerStub.bin").trim());
    Bytes set =
        Bytes.fromHexString(
            FunctionEncoder.encode(
                new Function(
                    "set",
                    List.of(
                        new Address(Keys.getAddress(ap)),
                        new Uint256(new BigInteger("500000000000000000"))),
                    List.of())));
    node.pool()
        .admit(
            SignedTransaction.decode(
                Fixtures.eip1559(ALICE, 0, null, BigInteger.ZERO, deploy, 1_000_000)),
            node.chain());
    node.pool()
        .admit(
            SignedTransaction.decode(
                Fixtures.eip1559(ALICE, 1, LEDGER, BigInteger.ZERO, set, 100_000)),
            node.chain());
    assertThat(node.mineBlock().orElseThrow().transactions()).hasSize(2);
  }

  private RawPeer helloFrom(ECKeyPair key) throws Exception {
    RawPeer p = RawPeer.open(network.url());
    p.send(
        Envelope.sign(
            "hello", 0, RawPeer.hello(SPEC.chainId(), genesis).payload(), RawPeer.LISTEN, key));
    return p;
  }

  static Bytes address(ECKeyPair key) {
    return Bytes.fromHexString(Keys.getAddress(key));
  }

  static ECKeyPair createKey() {
    try {
      return Keys.createEcKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

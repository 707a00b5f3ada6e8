package io.bdt.consensus.p2p;

import static io.bdt.consensus.Fixtures.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.block.BlockHeader;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.pow.Seal;
import io.bdt.consensus.validation.InvalidBlockException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.ECKeyPair;

/**
 * The miner set that seals blocks is the one the peer network admits: genesis APs plus the APs the
 * genesis-named ReputationLedger registers at the parent block. An AP registered on chain after
 * genesis mines blocks every node accepts; a key nobody registered does not.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OnChainMinerTest {
  @TempDir Path dir;
  final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(Node::close);
  }

  Node start(String name, ECKeyPair miner, List<URI> peers) throws Exception {
    Node n =
        new Node(
            NodeConfig.of(OnChainAdmissionTest.SPEC, dir.resolve(name))
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(miner, MiningShare.full(1))
                .withAutoMine(false, Duration.ofDays(1))
                .withPeers(new InetSocketAddress("127.0.0.1", 0), peers));
    nodes.add(n);
    return n;
  }

  @Test
  void anApRegisteredOnChainMinesBlocksTheGenesisApImports() throws Exception {
    ECKeyPair newcomer = OnChainAdmissionTest.createKey();
    Node genesisAp = start("genesis-ap", BOB.getEcKeyPair(), List.of());
    Node newNode = start("newcomer", newcomer, List.of(genesisAp.network().orElseThrow().url()));
    assertThatThrownBy(newNode::mineBlock)
        .as("not registered yet: its own node does not mine")
        .hasMessageContaining("not in the chain's miner set");

    OnChainAdmissionTest.registerOnChain(genesisAp, newcomer);
    PeerNetworkTest.await(
        "the newcomer to sync block 1", () -> newNode.chain().head().number() == 1);
    Block mined = newNode.mineBlock().orElseThrow();

    PeerNetworkTest.await(
        "the genesis AP to import the newcomer's block",
        () -> genesisAp.chain().head().number() == 2);
    assertThat(genesisAp.chain().head().hash()).isEqualTo(mined.header().hash());
    assertThat(genesisAp.chain().head().miner()).isEqualTo(OnChainAdmissionTest.address(newcomer));
  }

  @Test
  void aBlockSealedByAKeyNoOneRegisteredIsRejected() throws Exception {
    ECKeyPair newcomer = OnChainAdmissionTest.createKey();
    ECKeyPair stranger = OnChainAdmissionTest.createKey();
    Node genesisAp = start("genesis-ap", BOB.getEcKeyPair(), List.of());
    OnChainAdmissionTest.registerOnChain(genesisAp, newcomer);
    Block good = genesisAp.mineBlock().orElseThrow();
    BlockHeader h = good.header();
    BlockHeader byStranger =
        new BlockHeader(
            h.parentHash(),
            OnChainAdmissionTest.address(stranger),
            h.stateRoot(),
            h.transactionsRoot(),
            h.receiptsRoot(),
            h.logsBloom(),
            h.difficulty(),
            h.number(),
            h.gasLimit(),
            h.gasUsed(),
            h.timestamp(),
            Bytes.EMPTY,
            Bytes32.ZERO,
            0,
            h.baseFee());
    BlockHeader sealed =
        Seal.sign(byStranger.withPow(h.nonce(), h.mixHash()).withExtraData(Bytes.EMPTY), stranger);

    assertThatThrownBy(() -> genesisAp.chain().importBlock(new Block(sealed, good.transactions())))
        .isInstanceOf(InvalidBlockException.class)
        .hasMessageContaining("not in the chain's miner set at block 1");
  }
}

package io.bdt.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.store.ChainStore;
import io.bdt.consensus.tx.SignedTransaction;
import io.horizen.evm.Address;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a node while it imports a peer's blocks, then restart: what it stored is a consistent
 * prefix of the peer's chain, and it catches up.
 */
class PeerImportKillTest {
  /** The follower's node key: an observer the miner admits (it is not in the miner set). */
  static final org.web3j.crypto.Credentials FOLLOWER =
      org.web3j.crypto.Credentials.create(
          "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6");

  final HttpClient http = HttpClient.newHttpClient();
  final ObjectMapper json = new ObjectMapper();

  long blockNumber(int port) throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}";
    return Long.decode(
        json.readTree(
                http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body())
            .get("result")
            .asText());
  }

  @Test
  void killDuringPeerImportLeavesAConsistentPrefixAndRestartCatchesUp(@TempDir Path dir)
      throws Exception {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    Path followerDir = dir.resolve("follower");
    Files.createDirectories(followerDir);
    try (Node miner =
        new Node(
            DevNetwork.loopback(Fixtures.DEV, dir.resolve("miner"), Duration.ofMillis(100), false)
                .withPeers(any, List.of())
                .withObservers(List.of(FOLLOWER.getAddress())))) {
      long nonce = 0;
      for (; nonce < 100; nonce++) {
        admit(miner, nonce);
      }
      KillRestartTest.await(
          "the miner's first blocks", Duration.ofSeconds(60), () -> miner.pool().size() == 0);
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process follower =
          new ProcessBuilder(
                  java.toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  PeerImportTarget.class.getName(),
                  followerDir.toString(),
                  miner.network().orElseThrow().url().toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("follower.log").toFile())
              .start();
      try {
        KillRestartTest.await(
            "the follower to start",
            Duration.ofSeconds(120),
            () -> Files.exists(followerDir.resolve("port")));
        int port = Integer.parseInt(Files.readString(followerDir.resolve("port")));
        // the miner keeps producing blocks with transactions; the follower imports each announced
        long target = miner.chain().head().number() + 5;
        for (int i = 0; i < 200; i++, nonce++) {
          admit(miner, nonce);
          if (i % 20 == 0) {
            Thread.sleep(50);
          }
        }
        KillRestartTest.await(
            "the follower importing announced blocks",
            Duration.ofSeconds(60),
            () -> blockNumber(port) >= target);
      } finally {
        follower.destroyForcibly(); // SIGKILL, while blocks keep arriving
        follower.waitFor();
      }

      long stored;
      try (ChainStore store = new ChainStore(followerDir.resolve("blocks"));
          StateStore states = new StateStore(followerDir.resolve("state"))) {
        Blockchain chain =
            new Blockchain(
                DevNetwork.spec(Fixtures.DEV),
                store,
                states,
                DevNetwork.spec(Fixtures.DEV).reputation(),
                Clock.systemUTC());
        stored = chain.head().number();
        long included = 0;
        for (long n = 1; n <= stored; n++) {
          Block b = chain.blockByNumber(n).orElseThrow();
          assertThat(b.hash()).isEqualTo(miner.chain().blockByNumber(n).orElseThrow().hash());
          assertThat(store.receipts(b.hash())).hasSize(b.transactions().size());
          included += b.transactions().size();
        }
        long includedTxs = included;
        long stateNonce =
            states.withState(
                chain.head().stateRoot(),
                s -> s.getNonce(new Address(Fixtures.DEV.account().getAddress())).longValueExact());
        assertThat(stateNonce).isEqualTo(includedTxs);
      }
      assertThat(stored).isPositive();

      try (Node restarted =
          new Node(
              NodeConfig.of(DevNetwork.spec(Fixtures.DEV), followerDir)
                  .withRpc(any)
                  .withNodeKey(FOLLOWER.getEcKeyPair())
                  .withPeers(any, List.of(miner.network().orElseThrow().url())))) {
        KillRestartTest.await(
            "the restarted follower to catch up",
            Duration.ofSeconds(60),
            () -> restarted.chain().head().number() >= miner.chain().head().number() - 1);
        long n = restarted.chain().head().number();
        assertThat(restarted.chain().blockByNumber(n).orElseThrow().hash())
            .isEqualTo(miner.chain().blockByNumber(n).orElseThrow().hash());
      }
    }
  }

  static void admit(Node node, long nonce) {
    node.pool()
        .admit(
            SignedTransaction.decode(
                Fixtures.eip1559(
                    Fixtures.DEV.account(),
                    nonce,
                    Fixtures.BOB.getAddress(),
                    BigInteger.ONE,
                    Bytes.EMPTY,
                    21_000)),
            node.chain());
  }
}

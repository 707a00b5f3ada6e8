package io.bdt.consensus.bench;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.tx.SignedTransaction;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.crypto.Credentials;

/**
 * Two nodes on loopback (not a unit test): how fast a node that starts late syncs a chain of
 * transfer blocks from its peer, and how long a freshly mined block takes to reach the peer and be
 * imported there. Uses only the {@link Node} API, so it runs against any peer transport. Run:
 * {@code java -cp <test classpath> io.bdt.consensus.bench.PeerSyncBench [blocks] [txPerBlock]}.
 */
public final class PeerSyncBench {
  /** The node that syncs: an observer the miner admits (it is not in the miner set). */
  static final org.web3j.crypto.Credentials FOLLOWER =
      org.web3j.crypto.Credentials.create(
          "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6");

  private PeerSyncBench() {}

  public static void main(String[] args) throws Exception {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int perBlock = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Credentials alice = Fixtures.ALICE;
    Credentials bob = Fixtures.BOB;
    ChainSpec spec =
        new ChainSpec(
            Fixtures.CHAIN_ID,
            30_000_000,
            Fixtures.GWEI,
            1_700_000_000,
            new ChainSpec.DifficultySpec(BigInteger.valueOf(256), 2.0),
            Map.of(alice.getAddress(), Fixtures.ETHER.multiply(BigInteger.valueOf(1000))),
            List.of(new ChainSpec.AccessPoint(bob.getAddress(), 0.9)));
    Path dir = Files.createTempDirectory("peer-sync-bench");
    long nonce = 0;
    List<SignedTransaction> txs = new ArrayList<>();
    for (int i = 0; i < blocks * perBlock * 2; i++) {
      txs.add(
          SignedTransaction.decode(
              Fixtures.eip1559(
                  alice,
                  nonce++,
                  Fixtures.CAROL.getAddress(),
                  BigInteger.ONE,
                  Bytes.EMPTY,
                  21_000)));
    }
    try (Node a =
        new Node(
            NodeConfig.of(spec, dir.resolve("a"))
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(bob.getEcKeyPair(), MiningShare.full(1))
                .withAutoMine(false, Duration.ofDays(1))
                .withPeers(new InetSocketAddress("127.0.0.1", 0), List.of())
                .withObservers(List.of(FOLLOWER.getAddress())))) {
      int next = 0;
      for (int b = 0; b < blocks; b++) {
        for (int k = 0; k < perBlock; k++) {
          a.pool().admit(txs.get(next++), a.chain());
        }
        a.mineBlock();
      }
      URI url = a.network().orElseThrow().url();
      long t0 = System.nanoTime();
      try (Node b =
          new Node(
              NodeConfig.of(spec, dir.resolve("b"))
                  .withRpc(new InetSocketAddress("127.0.0.1", 0))
                  .withAutoMine(false, Duration.ofDays(1))
                  .withNodeKey(FOLLOWER.getEcKeyPair())
                  .withPeers(new InetSocketAddress("127.0.0.1", 0), List.of(url)))) {
        while (!b.chain().head().hash().equals(a.chain().head().hash())) {
          Thread.sleep(1);
        }
        double syncSeconds = (System.nanoTime() - t0) / 1e9;
        BenchResult result =
            new BenchResult("PeerSyncBench")
                .put("blocks", "blocks", blocks)
                .put("transactionsPerBlock", "tx/block", perBlock)
                .put("syncTxPerSecond", "sync at start tx/s", blocks * perBlock / syncSeconds)
                .put("syncBlocksPerSecond", "sync blocks/s", blocks / syncSeconds);
        System.out.printf(
            "sync at start: %d blocks x %d tx in %.2f s = %.0f blocks/s, %.0f tx/s%n",
            blocks, perBlock, syncSeconds, blocks / syncSeconds, blocks * perBlock / syncSeconds);

        // live: transactions gossip to b while a admits them; then a mines and announces
        List<Double> latencies = new ArrayList<>();
        for (int r = 0; r < blocks; r++) {
          for (int k = 0; k < perBlock; k++) {
            a.pool().admit(txs.get(next++), a.chain());
          }
          while (b.pool().size() < perBlock) {
            Thread.sleep(1);
          }
          a.mineBlock();
          long mined = System.nanoTime();
          while (!b.chain().head().hash().equals(a.chain().head().hash())) {
            Thread.sleep(0, 200_000);
          }
          latencies.add((System.nanoTime() - mined) / 1e6);
        }
        latencies.sort(Double::compare);
        System.out.printf(
            "block propagation (%d tx/block, mined -> imported on peer): p50 %.1f ms, p90 %.1f"
                + " ms, over %d blocks; load average %.2f%n",
            perBlock,
            latencies.get(latencies.size() / 2),
            latencies.get((int) (latencies.size() * 0.9)),
            latencies.size(),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        result
            .put("propagationP50Millis", "propagation p50 ms", latencies.get(latencies.size() / 2))
            .put(
                "propagationP90Millis",
                "propagation p90 ms",
                latencies.get((int) (latencies.size() * 0.9)))
            .samples("propagationMillis", latencies)
            .write();
      }
    }
    System.exit(0);
  }
}

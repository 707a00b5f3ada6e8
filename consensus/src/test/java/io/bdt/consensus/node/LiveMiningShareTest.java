package io.bdt.consensus.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.block.Block;
import io.bdt.consensus.pow.MiningShare;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running node's miner takes a new compute share without a restart and keeps making blocks. */
class LiveMiningShareTest {
  @TempDir Path dir;

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void blocksStayValidAcrossShareChanges() throws Exception {
    try (Node node =
        new Node(
            DevNetwork.loopback(Fixtures.DEV, dir.resolve("n"), Duration.ofDays(1), false)
                .withAutoMine(false, Duration.ofDays(1)))) {
      for (MiningShare share :
          new MiningShare[] {
            new MiningShare(3, 0.5, 20), new MiningShare(1, 0.1, 10), MiningShare.full(2)
          }) {
        long before = node.chain().head().number();
        node.setMiningShare(share);

        Block block = node.mineBlock().orElseThrow();

        // mineBlock imports the block with every rule checked: it is the head only if valid
        assertThat(node.chain().head().hash()).isEqualTo(block.hash());
        assertThat(block.header().number()).isEqualTo(before + 1);
        assertThat(node.miner().orElseThrow().share()).isEqualTo(share);
      }
    }
  }

  @Test
  void autoMiningNodeKeepsProducingAfterChanges() throws Exception {
    try (Node node =
        new Node(
            DevNetwork.loopback(Fixtures.DEV, dir.resolve("n"), Duration.ofMillis(20), false))) {
      node.setMiningShare(new MiningShare(2, 0.3, 20));
      long start = node.chain().head().number();
      await("3 blocks", () -> node.chain().head().number() >= start + 3);
      node.setMiningShare(MiningShare.full(1));
      long next = node.chain().head().number();
      await("3 more blocks", () -> node.chain().head().number() >= next + 3);
      assertThat(node.miner().orElseThrow().shareChanges()).isEqualTo(2);
    }
  }

  @Test
  void nodeWithoutMinerKeyRefusesAShare() throws Exception {
    try (Node node =
        new Node(
            NodeConfig.of(DevNetwork.spec(Fixtures.DEV), dir.resolve("n"))
                .withRpc(new InetSocketAddress("127.0.0.1", 0)))) {
      assertThatThrownBy(() -> node.setMiningShare(MiningShare.full(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("this node has no miner key");
    }
  }
}

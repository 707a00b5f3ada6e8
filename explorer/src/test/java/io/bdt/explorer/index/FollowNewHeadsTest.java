package io.bdt.explorer.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.explorer.ExplorerConfig;
import io.bdt.faults.TcpRelay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The explorer follows a live node by its WebSocket newHeads subscription, and by polling while
 * that subscription is down. The node mines only when the test asks, so every indexed block is one
 * the test made after the state it checks.
 */
@Timeout(180)
class FollowNewHeadsTest {
  /** The dev chain's keys, fresh for this run. */
  static final DevNetwork.Keys DEV = DevNetwork.Keys.generate();

  private static final Duration HOUR = Duration.ofHours(1);
  @TempDir Path dir;

  @Test
  void indexesEveryNewHeadTheNodePushesWithoutPolling() throws Exception {
    try (Node node = node();
        TcpRelay relay = new TcpRelay(0, node.wsPort().orElseThrow())) {
      // polling every hour either way: within the test only a newHeads notification wakes it
      IndexService service = service(node, relay, HOUR, HOUR);
      try {
        await(service::followsNewHeads, "the newHeads subscription goes live");
        await(() -> service.status().indexed() == 0, "genesis indexed");
        for (long n = 1; n <= 3; n++) {
          node.mineBlock().orElseThrow();
          long expected = n;
          await(() -> service.status().indexed() == expected, "block " + n + " indexed");
        }
        assertThat(service.status().newHeads()).isTrue();
      } finally {
        service.stop(null);
      }
    }
  }

  @Test
  void pollsWhileTheWebSocketIsDownAndFollowsHeadsAgainOnceItReconnects() throws Exception {
    try (Node node = node();
        TcpRelay relay = new TcpRelay(0, node.wsPort().orElseThrow())) {
      IndexService service = service(node, relay, Duration.ofMillis(200), HOUR);
      try {
        await(service::followsNewHeads, "the newHeads subscription goes live");
        relay.cut(); // the WebSocket drops and cannot reconnect
        await(() -> !service.followsNewHeads(), "the subscription seen down");
        assertThat(service.status().newHeads()).isFalse();
        node.mineBlock().orElseThrow();
        node.mineBlock().orElseThrow();
        await(() -> service.status().indexed() == 2, "blocks 1 and 2 indexed by polling");

        relay.heal(); // it reconnects within NewHeads.RETRY and subscribes again
        await(service::followsNewHeads, "the subscription live again");
        node.mineBlock().orElseThrow();
        await(() -> service.status().indexed() == 3, "block 3 indexed");
      } finally {
        service.stop(null);
      }
    }
  }

  private Node node() throws Exception {
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    return new Node(
        NodeConfig.of(DevNetwork.spec(DEV), dir.resolve("chain"))
            .withRpc(any)
            .withWebSocket(any)
            .withMiner(DEV.miner().getEcKeyPair(), MiningShare.full(1)));
  }

  private static IndexService service(
      Node node, TcpRelay relay, Duration poll, Duration withHeads) {
    ExplorerConfig config =
        config(
            URI.create("http://127.0.0.1:" + node.rpcPort()),
            URI.create("ws://127.0.0.1:" + relay.port()),
            poll,
            withHeads,
            "jdbc:h2:mem:follow-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    IndexService service = new IndexService(config, new SimpleMeterRegistry());
    service.start(null);
    return service;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  static ExplorerConfig config(
      URI node, URI ws, Duration poll, Duration pollWithHeads, String dbUrl) {
    return new ExplorerConfig() {
      @Override
      public URI nodeUrl() {
        return node;
      }

      @Override
      public Optional<URI> wsUrl() {
        return Optional.of(ws);
      }

      @Override
      public Duration pollInterval() {
        return poll;
      }

      @Override
      public Duration pollIntervalWithNewHeads() {
        return pollWithHeads;
      }

      @Override
      public Duration rpcTimeout() {
        return Duration.ofSeconds(10);
      }

      @Override
      public int batchBlocks() {
        return 20;
      }

      @Override
      public Optional<List<URI>> gateways() {
        return Optional.empty();
      }

      @Override
      public Optional<String> gatewayToken() {
        return Optional.empty();
      }

      @Override
      public Optional<java.nio.file.Path> caFile() {
        return Optional.empty();
      }

      @Override
      public Db db() {
        return new Db() {
          @Override
          public String url() {
            return dbUrl;
          }

          @Override
          public Optional<String> user() {
            return Optional.empty();
          }

          @Override
          public Optional<String> password() {
            return Optional.empty();
          }

          @Override
          public int poolSize() {
            return 4;
          }
        };
      }
    };
  }
}

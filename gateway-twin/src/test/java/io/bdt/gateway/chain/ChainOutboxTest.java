package io.bdt.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.anchor.FileAnchorSink;
import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.FileDeviceLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.utils.Numeric;

/**
 * The durable chain outbox against a real chain node: writes queued while the node is down survive
 * a gateway restart and land once the node is back; reconciliation queues local records the outbox
 * never held; writes the chain already has are not sent again; unusable outbox lines are named by
 * file and line, counted, and the rest is replayed.
 */
class ChainOutboxTest {

  @TempDir Path dir;

  /** The gateway's chain side as the service builds it, on data directory {@code data}. */
  private static final class Gateway implements AutoCloseable {
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final GatewayChain chain;
    final FileDeviceLedger journal;
    final ChainDeviceLedger devices;
    final ChainAnchorSink anchors;

    Gateway(Path data, TestChain node) throws Exception {
      GatewayConfig config =
          new SmallRyeConfigBuilder()
              .withMapping(GatewayConfig.class)
              .withDefaultValues(
                  Map.of(
                      "bdt.gateway.data-dir", data.toString(),
                      "bdt.gateway.chain.rpc-url", node.rpcUrl(),
                      "bdt.gateway.chain.anchor-address", node.twinAnchor,
                      "bdt.gateway.chain.registry-address", node.deviceRegistry,
                      "bdt.gateway.chain.retry-period", "0.1",
                      "bdt.gateway.inference.chain-id", Long.toString(TestChain.CHAIN_ID),
                      "bdt.gateway.inference.signing-key",
                          TestChain.GATEWAY.getEcKeyPair().getPrivateKey().toString(16)))
              .build()
              .getConfigMapping(GatewayConfig.class);
      chain = GatewayChain.connect(config, meters);
      journal = new FileDeviceLedger(data.resolve("devices.json"));
      devices =
          new ChainDeviceLedger(
              journal,
              chain.registry().orElseThrow(),
              chain.outbox(),
              Clock.systemUTC(),
              Duration.ZERO);
      anchors =
          new ChainAnchorSink(
              new FileAnchorSink(data.resolve(GatewayChain.ANCHORS_FILE), Clock.systemUTC()),
              node.twinAnchor,
              chain.outbox());
      chain.start(journal);
    }

    ChainOutbox outbox() {
      return chain.outbox();
    }

    double count(String name, String tag, String value, String tag2, String value2) {
      return meters.find(name).tag(tag, value).tag(tag2, value2).counters().stream()
          .mapToDouble(Counter::count)
          .sum();
    }

    /** Chain errors of kind "unreachable", whatever the operation. */
    double unreachable() {
      return meters.find("bdt.chain.errors").tag("kind", "unreachable").counters().stream()
          .mapToDouble(Counter::count)
          .sum();
    }

    double sent(String op) {
      return count("bdt.chain.writes", "op", op, "outcome", "sent");
    }

    double alreadyOnChain(String op) {
      return count("bdt.chain.writes", "op", op, "outcome", "already-on-chain");
    }

    @Override
    public void close() {
      chain.close();
    }
  }

  private static String root(int n) {
    byte[] r = new byte[32];
    Arrays.fill(r, (byte) n);
    return "0x" + HexFormat.of().formatHex(r);
  }

  private static byte[] rootBytes(int n) {
    return Numeric.hexStringToByteArray(root(n));
  }

  private static DeviceRecord device(String id) {
    return new DeviceRecord(
        id,
        "vibration-sensor",
        io.bdt.gateway.device.Provisioner.sha256Hex("secret-of-" + id),
        false,
        Instant.parse("2026-11-24T12:00:00Z"));
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(50);
    }
  }

  private static DeviceRegistry.Device onChain(TestChain node, String deviceId) throws Exception {
    return node.registry(TestChain.DEPLOYER)
        .device(ChainDeviceLedger.chainDeviceId(deviceId))
        .send();
  }

  @Test
  void writesQueuedWhileTheNodeIsDownSurviveARestartAndLandExactlyOnce() throws Exception {
    try (TestChain node = TestChain.startAndDeploy(dir.resolve("node"))) {
      node.stop(); // from here its port resets every connection: a real unreachable endpoint
      Path data = dir.resolve("gw");
      try (Gateway first = new Gateway(data, node)) {
        first.anchors.anchor(rootBytes(1), 3);
        first.anchors.anchor(rootBytes(2), 5);
        first.devices.register(device("dev-1"));
        first.devices.register(device("dev-2"));
        first.devices.revoke("dev-2");
        // reconciliation or the first send meets the dead node first: which one depends on whether
        // the outbox thread reconciled before the first write was queued (with nothing recorded
        // locally yet, reconciliation needs no chain call and completes at once)
        await("the unreachable node counted", () -> first.unreachable() >= 1);
        assertThat(first.outbox().pending()).isEqualTo(5);
        assertThat(first.sent("anchor") + first.sent("register") + first.sent("revoke")).isZero();
      }
      // records that reached the local journals but never the outbox (a crash in between)
      new FileAnchorSink(data.resolve(GatewayChain.ANCHORS_FILE), Clock.systemUTC())
          .anchor(rootBytes(3), 2);
      new FileDeviceLedger(data.resolve("devices.json")).register(device("dev-3"));

      node.start();
      try (Gateway second = new Gateway(data, node)) {
        assertThat(second.outbox().replayed()).as("replayed from the outbox file").isEqualTo(5);
        await(
            "everything on chain",
            () -> second.outbox().reconciled() && second.outbox().pending() == 0);
        assertThat(second.sent("anchor")).isEqualTo(3);
        assertThat(second.sent("register")).isEqualTo(3);
        assertThat(second.sent("revoke")).isEqualTo(1);
      }
      String gateway = TestChain.GATEWAY.getAddress();
      assertThat(node.rootsAnchoredBy(gateway))
          .as("each root anchored exactly once")
          .containsExactlyInAnyOrder(root(1), root(2), root(3));
      for (String id : List.of("dev-1", "dev-2", "dev-3")) {
        DeviceRegistry.Device d = onChain(node, id);
        assertThat(d.gateway).isEqualToIgnoringCase(gateway);
        assertThat(Numeric.toHexStringNoPrefix(d.credentialHash))
            .isEqualTo(device(id).credentialHash());
        assertThat(d.status)
            .as(id + " status")
            .isEqualTo(id.equals("dev-2") ? BigInteger.TWO : BigInteger.ONE);
      }

      try (Gateway third = new Gateway(data, node)) {
        await("reconciled", () -> third.outbox().reconciled());
        assertThat(third.outbox().replayed()).isZero();
        assertThat(third.outbox().pending()).as("nothing missing on chain").isZero();
      }
      assertThat(node.rootsAnchoredBy(gateway)).hasSize(3);
    }
  }

  @Test
  void corruptOutboxLinesAreNamedCountedAndSkippedAndWritesAlreadyOnChainAreNotResent()
      throws Exception {
    try (TestChain node = TestChain.startAndDeploy(dir.resolve("node"))) {
      // a previous process sent these, but stopped before it could mark them done
      node.anchor(TestChain.GATEWAY).anchor(rootBytes(9), BigInteger.ONE).send();
      DeviceRecord dev9 = device("dev-9");
      node.registry(TestChain.GATEWAY)
          .registerDevice(
              ChainDeviceLedger.chainDeviceId("dev-9"),
              Numeric.hexStringToByteArray(dev9.credentialHash()),
              dev9.profileId())
          .send();
      Path data = Files.createDirectories(dir.resolve("gw"));
      Path outbox = data.resolve(GatewayChain.OUTBOX_FILE);
      Files.writeString(
          outbox,
          String.join(
              "\n",
              "{\"seq\":1,\"op\":\"anchor\",\"root\":\"" + root(9) + "\",\"leafCount\":1}",
              "{\"seq\":2,\"op\":\"anchor\",\"root\":",
              "{\"seq\":3,\"op\":\"register\",\"deviceId\":\"dev-9\",\"credentialHash\":\""
                  + dev9.credentialHash()
                  + "\",\"profileId\":\"vibration-sensor\"}",
              "{\"seq\":4,\"op\":\"transfer\"}",
              "{\"seq\":5,\"op\":\"anchor\",\"root\":\"" + root(10) + "\",\"leafCount\":4}",
              "{\"seq\":6,\"op\":\"anch"),
          StandardCharsets.UTF_8);

      try (Gateway gw = new Gateway(data, node)) {
        assertThat(gw.outbox().problems())
            .containsExactly(
                "chain outbox "
                    + outbox
                    + " line 2: not JSON ("
                    + gw.outbox().problems().get(0).split("not JSON \\(", 2)[1],
                "chain outbox "
                    + outbox
                    + " line 4: op must be anchor, register or revoke, got \"transfer\"",
                "chain outbox "
                    + outbox
                    + " line 6: incomplete (no line end: the gateway stopped while writing it)");
        assertThat(gw.count("bdt.chain.errors", "op", "outbox", "kind", "corrupt")).isEqualTo(3);
        assertThat(gw.outbox().replayed()).isEqualTo(3);
        assertThat(data.resolve(GatewayChain.OUTBOX_FILE + ".corrupt")).exists();
        await("the replayed writes settled", () -> gw.outbox().pending() == 0);
        assertThat(gw.alreadyOnChain("anchor")).isEqualTo(1);
        assertThat(gw.alreadyOnChain("register")).isEqualTo(1);
        assertThat(gw.sent("anchor")).isEqualTo(1);
        assertThat(gw.sent("register")).isZero();
      }
      assertThat(node.rootsAnchoredBy(TestChain.GATEWAY.getAddress()))
          .containsExactly(root(9), root(10));
      assertThat(Files.readAllLines(outbox))
          .as("rewritten without the bad lines, then settled")
          .allSatisfy(l -> assertThat(l).doesNotContain("transfer"));
    }
  }
}

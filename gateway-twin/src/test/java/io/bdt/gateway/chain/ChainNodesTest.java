package io.bdt.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bdt.gateway.device.DeviceRecord;
import io.bdt.gateway.device.FileDeviceLedger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.Web3j;

/**
 * The gateway's chain nodes against a real node: calls move past a node that refuses or never
 * answers and stay on the node that answered; a device lookup does not wait for a node that never
 * answers.
 */
@Timeout(120)
class ChainNodesTest {
  @TempDir static Path dir;
  static TestChain node;

  /**
   * A fake node for a fault no real node shows on loopback: a host that went down mid-connection,
   * i.e. a listener that accepts and never answers.
   */
  static ServerSocket silent;

  static final List<Socket> held = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    node = TestChain.startAndDeploy(dir.resolve("chain"));
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!silent.isClosed()) {
                try {
                  held.add(silent.accept());
                } catch (IOException e) {
                  return; // closed
                }
              }
            });
  }

  @AfterAll
  static void stop() throws Exception {
    silent.close();
    for (Socket s : held) {
      s.close();
    }
    node.close();
  }

  static String silentUrl() {
    return "http://127.0.0.1:" + silent.getLocalPort();
  }

  /** A loopback URL where nothing listens (connection refused). */
  static String refusedUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  static OkHttpClient client(Duration readTimeout) {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(readTimeout)
        .build();
  }

  @Test
  void callMovesPastARefusingNodeAndStaysOnTheOneThatAnswered() throws Exception {
    ChainNodes nodes =
        ChainNodes.parse("key", refusedUrl() + ", " + node.rpcUrl(), client(Duration.ofSeconds(5)));
    Web3j web3j = Web3j.build(nodes);
    try {
      assertThat(web3j.ethChainId().send().getChainId().longValueExact())
          .isEqualTo(TestChain.CHAIN_ID);
      assertThat(nodes.inUse()).isEqualTo(node.rpcUrl());
      web3j.ethBlockNumber().send();
      assertThat(nodes.failovers()).as("moved once, then stayed").isEqualTo(1);
    } finally {
      web3j.shutdown();
    }
  }

  @Test
  void callMovesPastANodeThatNeverAnswers() throws Exception {
    ChainNodes nodes =
        ChainNodes.parse("key", silentUrl() + "," + node.rpcUrl(), client(Duration.ofSeconds(1)));
    Web3j web3j = Web3j.build(nodes);
    try {
      assertThat(web3j.ethChainId().send().getChainId().longValueExact())
          .isEqualTo(TestChain.CHAIN_ID);
      assertThat(nodes.inUse()).isEqualTo(node.rpcUrl());
    } finally {
      web3j.shutdown();
    }
  }

  @Test
  void callFailsWithTheFirstNodesErrorWhenNoNodeAnswers() throws Exception {
    String refused = refusedUrl();
    ChainNodes nodes = ChainNodes.parse("key", refused + "," + refused, client(Duration.ZERO));
    Web3j web3j = Web3j.build(nodes);
    try {
      assertThatThrownBy(() -> web3j.ethBlockNumber().send()).isInstanceOf(IOException.class);
      assertThat(nodes.failovers()).isZero();
    } finally {
      web3j.shutdown();
    }
  }

  @Test
  void rejectsAUrlThatIsNotHttpNamingTheKey() {
    assertThatThrownBy(
            () ->
                ChainNodes.parse(
                    "bdt.gateway.chain.rpc-url",
                    "http://ap-0.ap:8545,ws://ap-1.ap:8546",
                    client(Duration.ZERO)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bdt.gateway.chain.rpc-url")
        .hasMessageContaining("ws://ap-1.ap:8546");
  }

  @Test
  void deviceLookupDoesNotWaitForANodeThatNeverAnswers() throws Exception {
    // no read timeout: a lookup that waited for the node would never return
    ChainNodes nodes = ChainNodes.parse("key", silentUrl(), client(Duration.ZERO));
    Web3j web3j = Web3j.build(nodes);
    try {
      var registry =
          io.bdt.contracts.generated.DeviceRegistry.load(
              node.deviceRegistry,
              web3j,
              TestChain.GATEWAY,
              new org.web3j.tx.gas.StaticGasProvider(
                  java.math.BigInteger.ONE, java.math.BigInteger.ONE));
      FileDeviceLedger journal = new FileDeviceLedger(dir.resolve("devices.json"));
      DeviceRecord device =
          new DeviceRecord(
              "dev-1",
              "vibration-sensor",
              io.bdt.gateway.device.Provisioner.sha256Hex("secret-of-dev-1"),
              false,
              java.time.Instant.parse("2026-11-24T12:00:00Z"));
      journal.register(device);
      ChainDeviceLedger ledger =
          new ChainDeviceLedger(journal, registry, null, Clock.systemUTC(), Duration.ZERO);
      assertThat(ledger.find("dev-1")).contains(device);
    } finally {
      web3j.shutdown();
    }
  }
}

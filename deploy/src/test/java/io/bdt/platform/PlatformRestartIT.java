package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The platform run twice on one data directory (one AP, one gateway, one sensor, to stay light):
 * the second run continues the first one's chain, contracts and twins; the second run's gateway
 * port is taken, so it falls back to a free one and says so.
 */
class PlatformRestartIT {

  static PlatformSettings settings(Path data, int basePort) {
    return new PlatformSettings(
        Path.of("").toAbsolutePath().getParent(),
        data,
        1,
        1,
        1,
        Optional.empty(),
        Optional.empty(),
        basePort,
        500,
        5e6,
        Map.of(),
        Platform.NO_PLAIN_MQTT,
        Map.of(),
        false); // no explorer: the restart checks read the chain and the gateway only
  }

  @Test
  @Timeout(900)
  void secondRunContinuesChainContractsAndTwinsAndSkipsATakenPort() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Assumptions.assumeTrue(
        Files.exists(root.resolve("gateway-twin/target/quarkus-app/quarkus-run.jar")),
        "gateway-twin/target/quarkus-app is not built");
    Path data = Files.createTempDirectory("bdt-platform-restart-");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    long height;
    String blockHash;
    long revision;
    String created;
    io.bdt.ap.chain.PlatformChain.Contracts contracts;
    String ap0;
    try (Platform first = new Platform(settings(data, 0), quiet)) {
      first.start();
      contracts = first.contracts();
      ap0 = first.keys().ap(0).getAddress();
      assertThat(PlatformProbe.rpc(first.rpcPort(0), "bdt_miners").toString())
          .as("the genesis names the generated AP key")
          .containsIgnoringCase(ap0.substring(2));
      String gw = first.gatewayProcesses().getFirst().baseUrl();
      PlatformProbe.await(
          "vib-1's twin past revision 5 and the chain past block 5",
          Duration.ofSeconds(180),
          () -> revision(first, gw) >= 5 && height(first) >= 5);
      revision = revision(first, gw);
      created = first.getJson(gw + "/twins/bdt:vib-1").path("created").asText();
      height = height(first);
      blockHash = hash(first, height);
    }

    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0);
        Platform second =
            new Platform(settings(data, taken.getLocalPort()), new PrintStream(console, true))) {
      second.start();
      assertThat(second.gatewayProcesses().getFirst().baseUrl())
          .doesNotEndWith(":" + taken.getLocalPort());
      assertThat(console.toString())
          .contains("port " + taken.getLocalPort() + " is taken; gw1 listens on")
          .contains("continuing the chain at block");
      assertThat(second.contracts())
          .as("contracts are reused, not redeployed")
          .isEqualTo(contracts);
      assertThat(second.keys().ap(0).getAddress())
          .as("the chain keys are read back, not generated anew")
          .isEqualTo(ap0);
      assertThat(hash(second, height))
          .as("block " + height + " after the restart")
          .isEqualTo(blockHash);
      String gw = second.gatewayProcesses().getFirst().baseUrl();
      PlatformProbe.await(
          "vib-1's twin readable after the restart",
          Duration.ofSeconds(60),
          () -> revision(second, gw) >= 0);
      JsonNode twin = second.getJson(gw + "/twins/bdt:vib-1");
      assertThat(twin.path("created").asText())
          .as("the twin the first run created")
          .isEqualTo(created);
      assertThat(twin.path("revision").asLong()).isGreaterThanOrEqualTo(revision);
    }
  }

  static long revision(Platform p, String gateway) {
    JsonNode twin = p.getJson(gateway + "/twins/bdt:vib-1");
    return twin == null ? -1 : twin.path("revision").asLong(-1);
  }

  static long height(Platform p) {
    try {
      return Long.decode(PlatformProbe.rpc(p.rpcPort(0), "eth_blockNumber").asText());
    } catch (Exception e) {
      return -1;
    }
  }

  static String hash(Platform p, long number) throws Exception {
    return PlatformProbe.rpc(
            p.rpcPort(0), "eth_getBlockByNumber", "0x" + Long.toHexString(number), false)
        .path("hash")
        .asText();
  }
}

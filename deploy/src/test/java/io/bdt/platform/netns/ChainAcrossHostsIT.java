package io.bdt.platform.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.cli.Bdt;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * Three APs' chain nodes, each on its own host (a network namespace with its own address, peers
 * found by DNS name through the hosts' {@code /etc/hosts}), the way the {@code prod} overlay runs
 * them: they form one chain; with one AP's link cut the other two keep mining and take new
 * transactions; after the link heals the cut AP converges to the same chain and nothing accepted is
 * lost. Needs root (network namespaces); skipped with that reason otherwise.
 */
@Timeout(600)
class ChainAcrossHostsIT {

  static final List<String> APS = List.of("ap-0.ap", "ap-1.ap", "ap-2.ap");
  static final int RPC = 8545;
  static final int P2P = 30303;
  static final long CHAIN_ID = 3031;

  @TempDir Path dir;

  @BeforeAll
  static void namespacesCanBeMade() {
    assumeTrue(
        NetnsHosts.available(),
        "network namespaces need root and iproute2 ('ip netns add' failed here)");
  }

  @Test
  void twoApsKeepMiningWhileTheThirdIsCutOffAndAllConvergeAfterTheLinkHeals() throws Exception {
    Credentials user = Credentials.create(Keys.createEcKeyPair()); // test-only, in memory
    int status =
        Bdt.commandLine()
            .execute(
                "genesis",
                "--out=" + dir.resolve("genesis.json"),
                "--generate=3",
                "--chain-id=" + CHAIN_ID,
                "--base-difficulty=20000",
                "--alloc=" + user.getAddress() + "=" + BigInteger.TEN.pow(21));
    assertThat(status).as("bdt genesis").isZero();

    Path logs = Files.createDirectories(Path.of("target", "netns-logs"));
    try (NetnsHosts hosts = NetnsHosts.create(APS)) {
      List<Web3j> rpc = new ArrayList<>();
      for (int i = 0; i < APS.size(); i++) {
        Path config = hostConfig(i);
        hosts.start(
            APS.get(i),
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Bdt.class.getName(),
                "node",
                "--config=" + config),
            logs.resolve(APS.get(i) + ".log"));
        rpc.add(
            Web3j.build(new HttpService("http://" + hosts.host(APS.get(i)).address() + ":" + RPC)));
      }

      await(
          "three hosts mine one chain", Duration.ofSeconds(180), () -> ChainRpc.agreeUpTo(rpc, 3));

      hosts.cut("ap-2.ap");
      long before = Math.max(ChainRpc.head(rpc.get(0)), ChainRpc.head(rpc.get(1)));
      String tx = ChainRpc.transfer(rpc.get(0), user, CHAIN_ID);
      await(
          "the two connected APs mine on and include the transaction",
          Duration.ofSeconds(180),
          () ->
              ChainRpc.receipt(rpc.get(0), tx).isPresent()
                  && ChainRpc.receipt(rpc.get(1), tx).isPresent()
                  && ChainRpc.agreeUpTo(rpc.subList(0, 2), before + 3));

      hosts.heal("ap-2.ap");
      long target = Math.max(ChainRpc.head(rpc.get(0)), ChainRpc.head(rpc.get(1)));
      await(
          "the cut AP converges to the same chain",
          Duration.ofSeconds(240),
          () -> ChainRpc.agreeUpTo(rpc, target));
      for (Web3j node : rpc) {
        TransactionReceipt r = ChainRpc.receipt(node, tx).orElseThrow();
        assertThat(r.isStatusOK()).isTrue();
        assertThat(
                node.ethGetBlockByNumber(DefaultBlockParameter.valueOf(r.getBlockNumber()), false)
                    .send()
                    .getBlock()
                    .getHash())
            .isEqualTo(r.getBlockHash());
      }
      rpc.forEach(Web3j::shutdown);
    }
  }

  /**
   * Node {@code i}'s config from {@code bdt genesis --generate}: its host's address, peers by name.
   */
  private Path hostConfig(int i) throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path file = dir.resolve("ap" + i + ".json");
    ObjectNode config = (ObjectNode) json.readTree(file.toFile());
    config.put("rpc", "0.0.0.0:" + RPC);
    config.put("p2p", "0.0.0.0:" + P2P);
    // as the StatefulSet does: peers dial this node by its host's DNS name
    config.put("p2pAdvertisedHost", APS.get(i));
    config.remove("ws");
    config.put("dataDir", "data/ap" + i);
    var peers = config.putArray("peers");
    for (int j = 0; j < APS.size(); j++) {
      if (j != i) {
        peers.add("ws://" + APS.get(j) + ":" + P2P);
      }
    }
    ((ObjectNode) config.get("mining")).put("emptyBlockSeconds", 1);
    json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), config);
    return file;
  }

  private static void await(String what, Duration limit, BooleanSupplier condition)
      throws InterruptedException {
    Instant end = Instant.now().plus(limit);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError(
            "not within " + limit + ": " + what + " (logs: target/netns-logs)");
      }
      Thread.sleep(250);
    }
  }
}

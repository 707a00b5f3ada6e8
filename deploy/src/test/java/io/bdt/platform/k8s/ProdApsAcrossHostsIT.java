package io.bdt.platform.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bdt.ap.chain.NetworkContracts;
import io.bdt.cli.Bdt;
import io.bdt.consensus.keys.KeyFile;
import io.bdt.platform.JvmOptions;
import io.bdt.platform.contracts.ContractsFile;
import io.bdt.platform.netns.ChainRpc;
import io.bdt.platform.netns.NetnsHosts;
import io.bdt.platform.netns.OverlayPods;
import io.bdt.platform.netns.ProdNetwork;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * The {@code prod} overlay's three APs as real access-point services, each on its own host (a
 * network namespace, its DNS name in the hosts' {@code /etc/hosts}), started with exactly the
 * environment the rendered overlay gives pod {@code ap-i} (P2P over mutual TLS with per-AP
 * certificates from {@code peer-certs.sh}, {@code wss://} peers by DNS name, advertised host) with
 * the pod's mounts mapped to local directories; the contracts Job's command deploys the network's
 * contracts through {@code ap-0.ap}; with one AP's link cut the other two keep mining and take a
 * transaction, and after the link heals all three converge with it. Needs root and kubectl.
 */
@Timeout(900)
class ProdApsAcrossHostsIT {
  static final List<String> APS = List.of("ap-0.ap", "ap-1.ap", "ap-2.ap");

  @TempDir Path dir;

  @BeforeAll
  static void namespacesAndKubectl() {
    Manifests.kubectlIsHere();
    assumeTrue(NetnsHosts.available(), "network namespaces need root and iproute2");
    assumeTrue(
        Files.exists(apJar()), "the access point is built (./mvnw -pl access-point -am package)");
  }

  static Path apJar() {
    return Manifests.ROOT.resolve("access-point/target/quarkus-app/quarkus-run.jar");
  }

  @Test
  void prodApsFormOneChainOverTlsTakeTheContractsAndSurviveALinkCut() throws Exception {
    OverlayPods prod = OverlayPods.render(Manifests.K8S.resolve("overlays/prod"));
    assertThat(prod.replicas("ap")).isEqualTo(APS.size());
    // the files the overlay's Secrets and ConfigMaps hold, as new-network.sh makes them
    ProdNetwork made = ProdNetwork.create(Manifests.ROOT, dir, APS.size(), 2, 20_000, APS);
    Path network = made.network();
    Path files = made.files();

    Path logs = Files.createDirectories(Path.of("target", "netns-logs"));
    try (NetnsHosts hosts = NetnsHosts.create(APS)) {
      List<Web3j> rpc = new ArrayList<>();
      for (int i = 0; i < APS.size(); i++) {
        Map<String, String> env =
            prod.environment("ap", "ap-" + i, files, dir.resolve("pods"), Map.of());
        assertThat(env).containsEntry("POD_NAME", "ap-" + i);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(JvmOptions.forThisJdk());
        command.addAll(List.of("-jar", apJar().toString()));
        hosts.start(APS.get(i), command, env, logs.resolve("prod-" + APS.get(i) + ".log"));
        String rpcPort = env.get("BDT_AP_CHAIN_RPC_PORT");
        rpc.add(
            Web3j.build(
                new HttpService("http://" + hosts.host(APS.get(i)).address() + ":" + rpcPort)));
      }
      try {
        await(
            "three AP hosts mine one chain over P2P TLS",
            Duration.ofSeconds(420),
            () -> ChainRpc.agreeUpTo(rpc, 3));

        // the contracts Job's own arguments, its mounts mapped to the local files
        String ledgerUrl = "http://" + hosts.host("ap-0.ap").address() + ":8545";
        String[] job = {
          "contracts",
          "deploy",
          "--rpc=" + ledgerUrl,
          "--genesis=" + network.resolve("genesis.json"),
          "--contracts=" + network.resolve(ContractsFile.NAME),
          "--keys=" + network,
          "--wait-seconds=120"
        };
        assertThat(Bdt.commandLine().execute(job)).as("contracts Job").isZero();
        ContractsFile planned = ContractsFile.read(network.resolve(ContractsFile.NAME));
        Credentials deployer = KeyFile.read(network.resolve("deployer.key"));
        // read on ap-0, the node the Job sends through (another may not have the last block yet)
        BigInteger sent = nonce(rpc.get(0), deployer.getAddress());
        assertThat(Bdt.commandLine().execute(job)).as("contracts Job, re-run").isZero();
        assertThat(nonce(rpc.get(0), deployer.getAddress())).isEqualTo(sent);
        await(
            "every AP sees the contracts",
            Duration.ofSeconds(60),
            () -> rpc.stream().allMatch(n -> hasCode(n, planned.addresses().deviceRegistry())));

        hosts.cut("ap-2.ap");
        long before = Math.max(ChainRpc.head(rpc.get(0)), ChainRpc.head(rpc.get(1)));
        Credentials payer = KeyFile.read(network.resolve("admin-3.key"));
        String tx = ChainRpc.transfer(rpc.get(0), payer, planned.chainId());
        await(
            "the two connected APs mine on and include a transaction",
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
        TransactionReceipt r = ChainRpc.receipt(rpc.get(0), tx).orElseThrow();
        for (Web3j node : rpc) {
          assertThat(ChainRpc.receipt(node, tx).orElseThrow().getBlockHash())
              .isEqualTo(r.getBlockHash());
        }
      } finally {
        rpc.forEach(Web3j::shutdown);
      }
    }
  }

  static void await(String what, Duration limit, BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(500);
    }
  }

  private static boolean hasCode(Web3j n, String address) {
    try {
      return NetworkContracts.hasCode(n, address);
    } catch (Exception e) {
      return false;
    }
  }

  private static BigInteger nonce(Web3j n, String address) throws Exception {
    return n.ethGetTransactionCount(address, DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount();
  }
}

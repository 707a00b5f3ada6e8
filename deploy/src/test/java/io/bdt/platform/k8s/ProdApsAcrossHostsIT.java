package io.bdt.platform.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bdt.ap.chain.NetworkContracts;
import io.bdt.cli.Bdt;
import io.bdt.consensus.keys.KeyFile;
import io.bdt.pki.PlatformCa;
import io.bdt.platform.JvmOptions;
import io.bdt.platform.auth.TokenKeys;
import io.bdt.platform.contracts.ContractsFile;
import io.bdt.platform.netns.NetnsHosts;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

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
    ManifestContractTest.kubectlIsHere();
    assumeTrue(NetnsHosts.available(), "network namespaces need root and iproute2");
    assumeTrue(
        Files.exists(apJar()), "the access point is built (./mvnw -pl access-point -am package)");
  }

  static Path apJar() {
    return ManifestContractTest.ROOT.resolve("access-point/target/quarkus-app/quarkus-run.jar");
  }

  @Test
  void prodApsFormOneChainOverTlsTakeTheContractsAndSurviveALinkCut() throws Exception {
    RenderedOverlay prod = ManifestContractTest.render("prod");
    StatefulSet ap = prod.statefulSet("ap");
    assertThat(ap.getSpec().getReplicas()).isEqualTo(APS.size());
    Path network = dir.resolve("network");
    assertThat(
            Bdt.commandLine()
                .execute(
                    "contracts",
                    "network",
                    "--out=" + network,
                    "--aps=3",
                    "--gateways=2",
                    "--base-difficulty=20000"))
        .isZero();
    Path files = secrets(network);

    Path logs = Files.createDirectories(Path.of("target", "netns-logs"));
    try (NetnsHosts hosts = NetnsHosts.create(APS)) {
      List<Web3j> rpc = new ArrayList<>();
      Map<String, String> podEnv = prod.environment(ManifestContractTest.container(prod, "ap"));
      for (int i = 0; i < APS.size(); i++) {
        Map<String, String> env = environment(ap, podEnv, "ap-" + i, files);
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
            () -> agreeUpTo(rpc, 3));

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
        long before = Math.max(head(rpc.get(0)), head(rpc.get(1)));
        Credentials payer = KeyFile.read(network.resolve("admin-3.key"));
        String tx = transfer(rpc.get(0), payer, planned.chainId());
        await(
            "the two connected APs mine on and include a transaction",
            Duration.ofSeconds(180),
            () ->
                receipt(rpc.get(0), tx).isPresent()
                    && receipt(rpc.get(1), tx).isPresent()
                    && agreeUpTo(rpc.subList(0, 2), before + 3));

        hosts.heal("ap-2.ap");
        long target = Math.max(head(rpc.get(0)), head(rpc.get(1)));
        await(
            "the cut AP converges to the same chain",
            Duration.ofSeconds(240),
            () -> agreeUpTo(rpc, target));
        TransactionReceipt r = receipt(rpc.get(0), tx).orElseThrow();
        for (Web3j node : rpc) {
          assertThat(receipt(node, tx).orElseThrow().getBlockHash()).isEqualTo(r.getBlockHash());
        }
      } finally {
        rpc.forEach(Web3j::shutdown);
      }
    }
  }

  /**
   * The files the overlay's Secrets and ConfigMaps hold, as new-network.sh makes them: genesis,
   * keys, the HTTPS certificate, the APs' P2P certificates, the token public key.
   */
  private Path secrets(Path network) throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    Path genesis = Files.createDirectories(files.resolve("genesis"));
    Files.copy(network.resolve("genesis.json"), genesis.resolve("genesis.json"));
    Path keys = Files.createDirectories(files.resolve("keys"));
    Path tls = Files.createDirectories(files.resolve("tls"));
    Path p2p = Files.createDirectories(files.resolve("p2p-tls"));
    for (int i = 0; i < APS.size(); i++) {
      KeyFile.write(
          keys.resolve("ap-" + i + ".key"), KeyFile.read(network.resolve("ap-" + i + ".key")));
    }
    PlatformCa ca =
        PlatformCa.openOrCreate(
            dir.resolve("ca"), "test network CA", Duration.ofDays(1), Clock.systemUTC());
    List<String> names = new ArrayList<>(APS);
    names.addFirst("localhost");
    ca.issueServer(names, Duration.ofDays(1))
        .write(tls.resolve("server.pem"), tls.resolve("server-key.pem"));
    Files.copy(ca.certificateFile(), tls.resolve("ca.pem"));
    Files.copy(ca.certificateFile(), p2p.resolve("ca.pem"));
    Process certs =
        new ProcessBuilder(
                ManifestContractTest.K8S.resolve("peer-certs.sh").toString(),
                ca.certificateFile().toString(),
                ca.dir().resolve(PlatformCa.KEY_FILE).toString(),
                Integer.toString(APS.size()),
                p2p.toString())
            .redirectErrorStream(true)
            .start();
    certs.getInputStream().readAllBytes();
    assertThat(certs.waitFor()).as("peer-certs.sh").isZero();
    Path jwt = Files.createDirectories(files.resolve("jwt"));
    TokenKeys.openOrCreate(dir.resolve("token"));
    Files.copy(dir.resolve("token/auth/jwt-public.pem"), jwt.resolve("jwt-public.pem"));
    return files;
  }

  /**
   * Pod {@code pod}'s environment: the rendered variables with {@code $(POD_NAME)} expanded and
   * every path under a volume mount moved to the local directory of that volume (Secrets and
   * ConfigMaps to {@code files/<volume>}, others to a per-pod directory).
   */
  private Map<String, String> environment(
      StatefulSet s, Map<String, String> podEnv, String pod, Path files) throws Exception {
    Map<String, Path> mounts = new LinkedHashMap<>();
    var template = s.getSpec().getTemplate().getSpec();
    for (VolumeMount m : template.getContainers().getFirst().getVolumeMounts()) {
      Volume v =
          template.getVolumes().stream()
              .filter(x -> x.getName().equals(m.getName()))
              .findFirst()
              .orElse(null);
      boolean shared = v != null && (v.getSecret() != null || v.getConfigMap() != null);
      Path local =
          shared
              ? files.resolve(m.getName())
              : Files.createDirectories(dir.resolve("pods").resolve(pod).resolve(m.getName()));
      mounts.put(m.getMountPath(), local);
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (var e : podEnv.entrySet()) {
      String value =
          e.getValue().startsWith("<from:") ? pod : e.getValue().replace("$(POD_NAME)", pod);
      for (var m : mounts.entrySet()) {
        if (value.equals(m.getKey()) || value.startsWith(m.getKey() + "/")) {
          value = m.getValue() + value.substring(m.getKey().length());
          break; // mount paths do not nest; the mapped path may lie under another (/tmp)
        }
      }
      env.put(e.getKey(), value);
    }
    assertThat(env.get("POD_NAME")).isEqualTo(pod);
    return env;
  }

  static void await(String what, Duration limit, BooleanSupplier done) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(500);
    }
  }

  private static boolean agreeUpTo(List<Web3j> nodes, long height) {
    try {
      String hash = null;
      for (Web3j n : nodes) {
        if (head(n) < height) {
          return false;
        }
        String h =
            n.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(height)), false)
                .send()
                .getBlock()
                .getHash();
        if (hash != null && !hash.equals(h)) {
          return false;
        }
        hash = h;
      }
      return true;
    } catch (Exception e) {
      return false; // a node not up yet
    }
  }

  private static long head(Web3j n) throws Exception {
    return n.ethBlockNumber().send().getBlockNumber().longValueExact();
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

  private static String transfer(Web3j node, Credentials from, long chainId) throws Exception {
    BigInteger nonce =
        node.ethGetTransactionCount(from.getAddress(), DefaultBlockParameter.valueOf("pending"))
            .send()
            .getTransactionCount();
    RawTransaction tx =
        RawTransaction.createEtherTransaction(
            chainId,
            nonce,
            BigInteger.valueOf(21_000),
            Keys.toChecksumAddress("0x" + "42".repeat(20)),
            BigInteger.ONE,
            BigInteger.valueOf(1_000_000_000L),
            BigInteger.valueOf(10_000_000_000L));
    byte[] signed = TransactionEncoder.signMessage(tx, chainId, from);
    var sent = node.ethSendRawTransaction(Numeric.toHexString(signed)).send();
    assertThat(sent.getError()).as("eth_sendRawTransaction error").isNull();
    return sent.getTransactionHash();
  }

  private static Optional<TransactionReceipt> receipt(Web3j node, String tx) {
    try {
      return node.ethGetTransactionReceipt(tx).send().getTransactionReceipt();
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}

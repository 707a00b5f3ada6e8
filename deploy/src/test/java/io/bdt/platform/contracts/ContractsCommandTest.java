package io.bdt.platform.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.bdt.ap.chain.ApChain;
import io.bdt.ap.chain.MiningShares;
import io.bdt.ap.chain.NetworkContracts;
import io.bdt.cli.Bdt;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.keys.KeyFile;
import io.bdt.contracts.generated.ReputationLedger;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;

/**
 * {@code bdt contracts}: a planned network's contracts land at the addresses its genesis and
 * contracts file name, on a real chain node (EVM, PoW), and a second run changes nothing.
 */
@Timeout(300)
class ContractsCommandTest {
  @TempDir Path dir;
  Path network;
  ApChain node;
  Web3j web3j;

  @BeforeEach
  void planAndStartAMiner() throws Exception {
    network = dir.resolve("network");
    assertThat(
            run(
                "contracts",
                "network",
                "--out",
                network.toString(),
                "--aps",
                "1",
                "--gateways",
                "2",
                "--base-difficulty",
                "20000"))
        .isZero();
    ChainSpec spec = ChainSpec.read(network.resolve("genesis.json"));
    node =
        new ApChain(
            spec,
            dir.resolve("chain"),
            KeyFile.read(network.resolve("ap-0.key")),
            MiningShares.of(5e9, 2e10, 2),
            Duration.ofMillis(500),
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            List.of(),
            Optional.empty());
    web3j = Web3j.build(new HttpService(node.rpcUrl()));
  }

  @AfterEach
  void stop() throws Exception {
    web3j.shutdown();
    node.close();
  }

  @Test
  void deploysAtThePlannedAddressesAndApprovesTheNetworksApsAndGateways() throws Exception {
    assertThat(deploy()).isZero();
    ContractsFile planned = ContractsFile.read(network.resolve(ContractsFile.NAME));
    ChainSpec spec = ChainSpec.read(network.resolve("genesis.json"));
    assertThat(spec.reputationLedger())
        .isEqualToIgnoringCase(planned.addresses().reputationLedger());
    for (String address :
        List.of(
            planned.addresses().reputationLedger(),
            planned.addresses().twinAnchor(),
            planned.addresses().deviceRegistry())) {
      assertThat(NetworkContracts.hasCode(web3j, address)).as(address).isTrue();
    }
    ReputationLedger ledger =
        ReputationLedger.load(
            planned.addresses().reputationLedger(),
            web3j,
            new ReadonlyTransactionManager(web3j, planned.gateways().getFirst()),
            NetworkContracts.GAS);
    assertThat(planned.gateways()).hasSize(2);
    for (String gateway : planned.gateways()) {
      assertThat(ledger.isGateway(gateway).send()).as(gateway).isTrue();
    }
    assertThat(ledger.isAccessPoint(spec.accessPoints().getFirst().address()).send()).isTrue();
    // the gateways' init container returns once all three are there
    assertThat(await(5)).isZero();
  }

  @Test
  void aSecondRunSendsNoTransaction() throws Exception {
    assertThat(deploy()).isZero();
    BigInteger deployer = nonce("deployer.key");
    BigInteger admin1 = nonce("admin-1.key");
    BigInteger admin2 = nonce("admin-2.key");
    assertThat(deployer).isEqualTo(3);
    assertThat(deploy()).isZero();
    assertThat(nonce("deployer.key")).isEqualTo(deployer);
    assertThat(nonce("admin-1.key")).isEqualTo(admin1);
    assertThat(nonce("admin-2.key")).isEqualTo(admin2);
  }

  @Test
  void refusesADeployerKeyThatWouldDeployElsewhere() throws Exception {
    KeyFile.write(
        network.resolve("deployer.key"),
        Credentials.create(org.web3j.crypto.Keys.createEcKeyPair()));
    assertThat(deploy()).isEqualTo(2);
    ContractsFile planned = ContractsFile.read(network.resolve(ContractsFile.NAME));
    assertThat(NetworkContracts.hasCode(web3j, planned.addresses().reputationLedger())).isFalse();
  }

  @Test
  void awaitGivesUpWhenNothingIsDeployed() throws Exception {
    assertThat(await(1)).isEqualTo(1);
  }

  @Test
  void readsTheContractsFromAMountedConfigMapDirectory() throws Exception {
    ContractsFile planned = ContractsFile.read(network.resolve(ContractsFile.NAME));
    Path mounted = Files.createDirectory(dir.resolve("mounted"));
    Files.writeString(mounted.resolve("chain-id"), Long.toString(planned.chainId()));
    Files.writeString(mounted.resolve("reputation-ledger"), planned.addresses().reputationLedger());
    Files.writeString(mounted.resolve("twin-anchor"), planned.addresses().twinAnchor());
    Files.writeString(mounted.resolve("device-registry"), planned.addresses().deviceRegistry());
    Files.writeString(mounted.resolve("gateways"), String.join(",", planned.gateways()));
    assertThat(ContractsFile.read(mounted)).isEqualTo(planned);
  }

  private int deploy() {
    return run(
        "contracts",
        "deploy",
        "--rpc",
        node.rpcUrl(),
        "--genesis",
        network.resolve("genesis.json").toString(),
        "--keys",
        network.toString(),
        "--contracts",
        network.resolve(ContractsFile.NAME).toString(),
        "--wait-seconds",
        "120");
  }

  private int await(int seconds) {
    return run(
        "contracts",
        "await",
        "--rpc",
        node.rpcUrl(),
        "--contracts",
        network.resolve(ContractsFile.NAME).toString(),
        "--wait-seconds",
        Integer.toString(seconds));
  }

  private BigInteger nonce(String keyFile) throws Exception {
    return web3j
        .ethGetTransactionCount(
            KeyFile.read(network.resolve(keyFile)).getAddress(), DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount();
  }

  private static int run(String... args) {
    return Bdt.commandLine().execute(args);
  }
}

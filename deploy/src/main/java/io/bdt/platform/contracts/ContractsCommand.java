package io.bdt.platform.contracts;

import io.bdt.ap.chain.NetworkContracts;
import io.bdt.ap.chain.PlatformChain;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.keys.KeyFile;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bdt contracts}: a network whose contract addresses are known before its chain starts
 * ({@code network}), the idempotent deployment of those contracts on the running chain ({@code
 * deploy}, the Kubernetes Job {@code contracts}) and a wait for them ({@code await}, the gateways'
 * init container). docs/kubernetes.md, "Contracts".
 */
@Command(
    name = "contracts",
    mixinStandardHelpOptions = true,
    description = "A network's contracts: plan them, deploy them (idempotent), wait for them.",
    subcommands = {
      ContractsCommand.Network.class,
      ContractsCommand.Deploy.class,
      ContractsCommand.Await.class
    })
public final class ContractsCommand implements Runnable {
  /** The ledger's admins a network gets (the ledger approves with 2 of them). */
  static final int ADMINS = 3;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "name a subcommand: network, deploy or await");
  }

  /**
   * {@code bdt contracts network}: keys for the APs, gateways, the deployer and the ledger's
   * admins, the genesis (the APs as miners, every key funded, the ledger at its planned address)
   * and the contracts file with the addresses and the gateways to approve.
   */
  @Command(name = "network", mixinStandardHelpOptions = true, description = "Plan a new network.")
  static final class Network implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Directory for the files.")
    Path out;

    @Option(names = "--aps", required = true, description = "Number of APs (miners).")
    int aps;

    @Option(names = "--gateways", required = true, description = "Number of gateways.")
    int gateways;

    @Option(names = "--chain-id", defaultValue = "3031", description = "Chain id.")
    long chainId;

    @Option(
        names = "--base-difficulty",
        defaultValue = "1000000",
        description = "D_0: difficulty of an AP with reputation 0.")
    BigInteger baseDifficulty;

    @Option(names = "--reputation", defaultValue = "0.5", description = "Genesis reputation.")
    double reputation;

    @Override
    public Integer call() throws IOException {
      Files.createDirectories(out);
      Map<String, BigInteger> alloc = new LinkedHashMap<>();
      BigInteger funds = BigInteger.TEN.pow(24);
      List<ChainSpec.AccessPoint> miners = new ArrayList<>();
      for (int m = 0; m < aps; m++) {
        Credentials ap = generated("ap-" + m);
        alloc.put(ap.getAddress(), funds);
        miners.add(new ChainSpec.AccessPoint(ap.getAddress(), reputation));
      }
      List<String> gatewayAddresses = new ArrayList<>();
      for (int n = 0; n < gateways; n++) {
        Credentials gateway = generated("gateway-" + n);
        alloc.put(gateway.getAddress(), funds);
        gatewayAddresses.add(gateway.getAddress());
      }
      Credentials deployer = generated("deployer");
      alloc.put(deployer.getAddress(), funds);
      List<Credentials> admins = new ArrayList<>();
      for (int a = 1; a <= ADMINS; a++) {
        admins.add(generated("admin-" + a));
        alloc.put(admins.getLast().getAddress(), funds);
      }
      long timestamp = System.currentTimeMillis() / 1000;
      ChainSpec probe =
          new ChainSpec(
              chainId,
              30_000_000,
              BigInteger.valueOf(1_000_000_000L),
              timestamp,
              new ChainSpec.DifficultySpec(baseDifficulty, PlatformChain.ETA),
              alloc,
              miners,
              null,
              PlatformChain.PARAMETERS.withDifficulty(
                  baseDifficulty.doubleValue(), PlatformChain.ETA));
      PlatformChain.Contracts at = new NetworkContracts(deployer, admins, probe).addresses();
      new ChainSpec(
              chainId,
              probe.gasLimit(),
              probe.baseFeePerGas(),
              timestamp,
              probe.difficulty(),
              alloc,
              miners,
              at.reputationLedger(),
              probe.system())
          .write(out.resolve("genesis.json"));
      new ContractsFile(chainId, at, gatewayAddresses).write(out.resolve(ContractsFile.NAME));
      System.out.println(
          "contracts: planned ReputationLedger "
              + at.reputationLedger()
              + ", TwinAnchor "
              + at.twinAnchor()
              + ", DeviceRegistry "
              + at.deviceRegistry()
              + " in "
              + out);
      return 0;
    }

    private Credentials generated(String name) throws IOException {
      try {
        Credentials key = Credentials.create(Keys.createEcKeyPair());
        KeyFile.write(out.resolve(name + ".key"), key);
        return key;
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException("cannot generate a key: " + e, e);
      }
    }
  }

  /** Options both {@code deploy} and {@code await} take: the node and the planned contracts. */
  abstract static class OnChain {
    @Option(names = "--rpc", required = true, description = "JSON-RPC URL of a node of the chain.")
    String rpc;

    @Option(
        names = "--contracts",
        required = true,
        description =
            "The contracts file, or the directory of the mounted bdt-contracts ConfigMap.")
    Path contracts;

    @Option(
        names = "--wait-seconds",
        defaultValue = "600",
        description = "How long to wait for the chain (${DEFAULT-VALUE} s).")
    long waitSeconds;

    /** Polls {@code ready} every 2 s until it holds or --wait-seconds pass. */
    boolean waitFor(String what, Check ready) throws InterruptedException {
      long end = System.nanoTime() + waitSeconds * 1_000_000_000L;
      String last = "";
      while (true) {
        try {
          if (ready.holds()) {
            return true;
          }
          last = "";
        } catch (IOException e) {
          last = " (" + e.getMessage() + ")";
        }
        if (System.nanoTime() > end) {
          System.err.println("contracts: gave up waiting for " + what + last);
          return false;
        }
        Thread.sleep(2000);
      }
    }

    interface Check {
      boolean holds() throws IOException;
    }
  }

  /**
   * {@code bdt contracts deploy}: deploys what is missing, approves the network's APs and gateways.
   */
  @Command(name = "deploy", mixinStandardHelpOptions = true, description = "Deploy (idempotent).")
  static final class Deploy extends OnChain implements Callable<Integer> {
    @Option(names = "--genesis", required = true, description = "The network's genesis file.")
    Path genesis;

    @Option(
        names = "--keys",
        required = true,
        description = "Directory with deployer.key and admin-1.key ... (the bdt-deployer Secret).")
    Path keys;

    @Override
    public Integer call() throws Exception {
      ChainSpec spec = ChainSpec.read(genesis);
      ContractsFile planned = ContractsFile.read(contracts);
      Credentials deployer = KeyFile.read(keys.resolve("deployer.key"));
      List<Credentials> admins = new ArrayList<>();
      try (Stream<Path> files = Files.list(keys)) {
        for (Path f :
            files
                .filter(f -> f.getFileName().toString().matches("admin-[0-9]+\\.key"))
                .sorted()
                .toList()) {
          admins.add(KeyFile.read(f));
        }
      }
      NetworkContracts network = new NetworkContracts(deployer, admins, spec);
      if (!network.addresses().toString().equalsIgnoreCase(planned.addresses().toString())
          || !planned.addresses().reputationLedger().equalsIgnoreCase(spec.reputationLedger())
          || planned.chainId() != spec.chainId()) {
        System.err.println(
            "contracts: the deployer key would deploy "
                + network.addresses()
                + " but the network planned "
                + planned.addresses()
                + " (genesis ledger "
                + spec.reputationLedger()
                + ", chain "
                + spec.chainId()
                + ", contracts file's chain "
                + planned.chainId()
                + "): wrong deployer key, contracts file or genesis");
        return 2;
      }
      Web3j web3j = Web3j.build(new HttpService(rpc));
      try {
        // the chain is up once its first block is mined: the miners found each other
        if (!waitFor(
            "the chain at " + rpc,
            () -> web3j.ethBlockNumber().send().getBlockNumber().signum() > 0)) {
          return 1;
        }
        List<String> aps =
            spec.accessPoints().stream().map(ChainSpec.AccessPoint::address).toList();
        PlatformChain.Contracts at = network.deploy(web3j, aps, planned.gateways(), System.out);
        System.out.println("contracts: deployed " + at);
        return 0;
      } finally {
        web3j.shutdown();
      }
    }
  }

  /** {@code bdt contracts await}: returns once the chain holds code at every planned address. */
  @Command(name = "await", mixinStandardHelpOptions = true, description = "Wait for the contracts.")
  static final class Await extends OnChain implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      PlatformChain.Contracts at = ContractsFile.read(contracts).addresses();
      Web3j web3j = Web3j.build(new HttpService(rpc));
      try {
        boolean up =
            waitFor(
                "the contracts at " + rpc,
                () ->
                    NetworkContracts.hasCode(web3j, at.reputationLedger())
                        && NetworkContracts.hasCode(web3j, at.twinAnchor())
                        && NetworkContracts.hasCode(web3j, at.deviceRegistry()));
        System.out.println(up ? "contracts: deployed " + at : "contracts: not deployed");
        return up ? 0 : 1;
      } finally {
        web3j.shutdown();
      }
    }
  }
}

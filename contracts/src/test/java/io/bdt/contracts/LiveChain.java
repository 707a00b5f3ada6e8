package io.bdt.contracts;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.ReputationLedger;
import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.contracts.receipt.ServiceReceipt;
import io.bdt.contracts.reputation.FixedPoint;
import io.bdt.contracts.reputation.LedgerDeployment;
import io.bdt.contracts.reputation.SlotClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * One real B-DT chain node (the consensus module's {@link Node}, mining in-process, JSON-RPC on a
 * free loopback port) shared by every test class, with fixed test accounts. Its genesis names the
 * ReputationLedger address {@link #GENESIS_LEDGER} (the first contract {@link #LEDGER_DEPLOYER}
 * creates), so the node reads mining reputation from that ledger once it is deployed.
 */
public final class LiveChain {
  public static final long CHAIN_ID = DevNetwork.CHAIN_ID;

  /** D_0 (hashes) of the test chain: an AP at reputation 0 mines at 4096 hashes per block. */
  public static final BigInteger BASE_DIFFICULTY = DevNetwork.BASE_DIFFICULTY;

  public static final double ETA = DevNetwork.ETA;

  public static final Credentials ADMIN_1 = key(1);
  public static final Credentials ADMIN_2 = key(2);
  public static final Credentials ADMIN_3 = key(3);
  public static final Credentials GATEWAY_1 = key(11);
  public static final Credentials GATEWAY_2 = key(12);
  public static final Credentials OUTSIDER = key(21);
  public static final Credentials AP_2 = key(31);
  public static final Credentials LEDGER_DEPLOYER = key(41);

  /** Deploys DeviceRegistry in {@link #deployDeviceRegistry}, so it is that registry's admin. */
  public static final Credentials REGISTRY_ADMIN = key(42);

  /** The mining AP is an AP of the ledgers too. */
  public static final Credentials MINER = DevNetwork.Keys.generate().miner();

  public static final String GENESIS_LEDGER =
      Keys.toChecksumAddress(
          org.web3j.crypto.ContractUtils.generateContractAddress(
              LEDGER_DEPLOYER.getAddress(), BigInteger.ZERO));

  /** omega = 0.1. */
  public static final BigInteger OMEGA = FixedPoint.ONE.divide(BigInteger.TEN);

  /** F_m of the test APs: 1 GFLOP per slot. */
  public static final BigInteger CAPACITY = BigInteger.valueOf(1_000_000_000L);

  /**
   * The test ledgers' slot clock: slot = Unix seconds (epoch 0, tau 1 s), receipts up to an hour
   * old and two slots ahead.
   */
  public static final SlotClock CLOCK = new SlotClock(0, 1, 3600, 2);

  public static final ContractGasProvider GAS =
      new StaticGasProvider(BigInteger.valueOf(3_000_000_000L), BigInteger.valueOf(8_000_000));

  private static LiveChain instance;

  public final Node node;
  public final Web3j web3j;
  private final PollingTransactionReceiptProcessor receipts;

  private LiveChain(Node node) {
    this.node = node;
    this.web3j = Web3j.build(new HttpService("http://127.0.0.1:" + node.rpcPort()));
    this.receipts = new PollingTransactionReceiptProcessor(web3j, 20, 3000);
  }

  /** The shared node, started on first use and closed when the test JVM exits. */
  public static synchronized LiveChain get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("bdt-contracts-");
        Node node =
            new Node(
                new NodeConfig(
                    spec(),
                    dir,
                    new InetSocketAddress("127.0.0.1", 0),
                    Optional.of(MINER.getEcKeyPair()),
                    MiningShare.full(1),
                    Duration.ofSeconds(2)));
        instance = new LiveChain(node);
        LiveChain chain = instance;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      chain.web3j.shutdown();
                      chain.node.close();
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** The test genesis: every test account funded, the miner the only AP, the ledger address. */
  public static ChainSpec spec() {
    return DevNetwork.spec(
        Stream.of(
                ADMIN_1,
                ADMIN_2,
                ADMIN_3,
                GATEWAY_1,
                GATEWAY_2,
                OUTSIDER,
                AP_2,
                LEDGER_DEPLOYER,
                REGISTRY_ADMIN,
                MINER)
            .map(Credentials::getAddress)
            .toList(),
        MINER.getAddress(),
        0.0,
        GENESIS_LEDGER);
  }

  /** A transaction manager sending as {@code who}, waiting for each receipt. */
  public TransactionManager as(Credentials who) {
    return new RawTransactionManager(web3j, who, CHAIN_ID, receipts);
  }

  /** Deploys a ledger with admins 1..3, threshold 2 of 3, omega 0.1 and {@link #CLOCK}. */
  public ReputationLedger deployLedger(Credentials deployer) throws Exception {
    return deployLedger(deployer, CLOCK);
  }

  /** Deploys a ledger with admins 1..3, threshold 2 of 3, omega 0.1 and {@code clock}. */
  public ReputationLedger deployLedger(Credentials deployer, SlotClock clock) throws Exception {
    ReputationLedger ledger =
        LedgerDeployment.deployLedger(
            web3j,
            as(deployer),
            GAS,
            List.of(ADMIN_1.getAddress(), ADMIN_2.getAddress(), ADMIN_3.getAddress()),
            OMEGA,
            clock);
    GasReport.record(
        "ReputationLedger", "deploy", ledger.getTransactionReceipt().orElseThrow().getGasUsed());
    return ledger;
  }

  /**
   * Deploys a ledger and registers gateways 1 and 2, the miner and AP 2 (capacity 1 GFLOP per slot,
   * reputation 0), each with two admin approvals.
   */
  public ReputationLedger ledgerWithRoles(Credentials deployer) throws Exception {
    return ledgerWithRoles(deployer, CLOCK);
  }

  /** As {@link #ledgerWithRoles(Credentials)} with {@code clock}. */
  public ReputationLedger ledgerWithRoles(Credentials deployer, SlotClock clock) throws Exception {
    ReputationLedger ledger = deployLedger(deployer, clock);
    for (Credentials gw : List.of(GATEWAY_1, GATEWAY_2)) {
      for (Credentials admin : List.of(ADMIN_1, ADMIN_2)) {
        as(admin, ledger).approveGateway(gw.getAddress()).send();
      }
    }
    for (Credentials ap : List.of(MINER, AP_2)) {
      for (Credentials admin : List.of(ADMIN_1, ADMIN_3)) {
        as(admin, ledger).approveAccessPoint(ap.getAddress(), CAPACITY, BigInteger.ZERO).send();
      }
    }
    return ledger;
  }

  /** The ledger's current slot as of the head block. */
  public long currentSlot(ReputationLedger ledger) throws Exception {
    return ledger.currentSlot().send().longValueExact();
  }

  /** A receipt for a fresh task id drawn from {@code random} (latency 1.5 ms). */
  public static ServiceReceipt receipt(
      Random random, Credentials ap, Credentials gateway, long flops, long slot) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    return new ServiceReceipt(
        id, ap.getAddress(), gateway.getAddress(), BigInteger.valueOf(flops), 1500, slot);
  }

  /** {@code signer}'s signature of {@code r} for {@code ledger} on this chain. */
  public static byte[] sign(ServiceReceipt r, ReputationLedger ledger, Credentials signer) {
    return r.sign(CHAIN_ID, ledger.getContractAddress(), signer.getEcKeyPair());
  }

  /**
   * Signs {@code r} as {@code gateway} and co-signs it as {@code ap}, and submits it from {@code
   * sender}; returns the mined transaction's receipt.
   */
  public TransactionReceipt submit(
      ReputationLedger ledger,
      ServiceReceipt r,
      Credentials gateway,
      Credentials ap,
      Credentials sender)
      throws Exception {
    return submitSigned(ledger, sender, r, sign(r, ledger, gateway), sign(r, ledger, ap));
  }

  /** Submits {@code r} with the given signatures from {@code sender}. */
  public TransactionReceipt submitSigned(
      ReputationLedger ledger,
      Credentials sender,
      ServiceReceipt r,
      byte[] gatewaySignature,
      byte[] apSignature)
      throws Exception {
    return as(sender, ledger).submitReceipt(r.toContract(), gatewaySignature, apSignature).send();
  }

  public DeviceRegistry deployDeviceRegistry(ReputationLedger ledger) throws Exception {
    DeviceRegistry registry =
        DeviceRegistry.deploy(web3j, as(REGISTRY_ADMIN), GAS, ledger.getContractAddress()).send();
    GasReport.record(
        "DeviceRegistry", "deploy", registry.getTransactionReceipt().orElseThrow().getGasUsed());
    return registry;
  }

  public TwinAnchor deployTwinAnchor(ReputationLedger ledger) throws Exception {
    TwinAnchor anchor =
        TwinAnchor.deploy(web3j, as(OUTSIDER), GAS, ledger.getContractAddress()).send();
    GasReport.record(
        "TwinAnchor", "deploy", anchor.getTransactionReceipt().orElseThrow().getGasUsed());
    return anchor;
  }

  /** The ledger wrapper bound to sender {@code who}. */
  public ReputationLedger as(Credentials who, ReputationLedger ledger) {
    return ReputationLedger.load(ledger.getContractAddress(), web3j, as(who), GAS);
  }

  public DeviceRegistry as(Credentials who, DeviceRegistry registry) {
    return DeviceRegistry.load(registry.getContractAddress(), web3j, as(who), GAS);
  }

  public TwinAnchor as(Credentials who, TwinAnchor anchor) {
    return TwinAnchor.load(anchor.getContractAddress(), web3j, as(who), GAS);
  }

  private static Credentials key(int n) {
    return Credentials.create(
        Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(0xB0D7_0000L + n), 64));
  }
}

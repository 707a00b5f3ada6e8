package io.bdt.explorer;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.contracts.merkle.MerkleTree;
import io.bdt.contracts.reputation.LedgerDeployment;
import io.bdt.contracts.reputation.SlotClock;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.ContractUtils;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * A real B-DT chain node (in-process, mining, JSON-RPC on a free loopback port) with B-DT's
 * contracts deployed from the committed artifacts and real activity on it: a gateway approved,
 * devices registered and one revoked, an anchored batch of twin records, a reverted call.
 */
public final class LiveChain implements AutoCloseable {
  public static final long CHAIN_ID = DevNetwork.CHAIN_ID;
  static final Credentials AP = key(100);
  public static final String AP_ADDRESS = AP.getAddress();
  static final Credentials GATEWAY = key(200);
  static final Credentials OUTSIDER = key(300);
  static final Credentials DEPLOYER = key(41);
  static final List<Credentials> ADMINS = List.of(key(1), key(2), key(3));

  /** The ledger's slot clock: epoch 0, 1 s slots, receipts up to 60 slots late and 2 ahead. */
  static final SlotClock CLOCK = new SlotClock(0, 1, 60, 2);

  static final StaticGasProvider GAS =
      new StaticGasProvider(BigInteger.valueOf(3_000_000_000L), BigInteger.valueOf(8_000_000));

  /** The batch anchored on chain: three twin records of thing {@code plant:pump-1}. */
  public static final List<String> ITEMS =
      List.of(
          "twin:{\"thingId\":\"plant:pump-1\",\"rev\":1}",
          "twin:{\"thingId\":\"plant:pump-2\",\"rev\":1}",
          "result:0a0b:plant:pump-1:7:3:normal");

  public final Node node;
  public final Web3j web3j;
  public String ledger;
  public String twinAnchor;
  public String registry;
  public String revertedTx;
  public String anchorTx;

  public LiveChain(Path dir) throws Exception {
    String ledgerAddress =
        Keys.toChecksumAddress(
            ContractUtils.generateContractAddress(DEPLOYER.getAddress(), BigInteger.ZERO));
    List<Credentials> funded = new ArrayList<>(ADMINS);
    funded.addAll(List.of(DEPLOYER, AP, GATEWAY, OUTSIDER));
    ChainSpec spec =
        DevNetwork.spec(
            funded.stream().map(Credentials::getAddress).toList(),
            AP.getAddress(),
            0.0,
            ledgerAddress);
    node =
        new Node(
            NodeConfig.of(spec, dir)
                .withRpc(new InetSocketAddress("127.0.0.1", 0))
                .withMiner(AP.getEcKeyPair(), MiningShare.full(1))
                .withAutoMine(true, Duration.ofMillis(300)));
    web3j = Web3j.build(new HttpService(rpcUrl()));
  }

  public String rpcUrl() {
    return "http://127.0.0.1:" + node.rpcPort();
  }

  /** Deploys the contracts and makes the activity the explorer shows. */
  public LiveChain populate() throws Exception {
    LedgerDeployment.Addresses deployed =
        LedgerDeployment.deployAll(
            web3j,
            as(DEPLOYER),
            GAS,
            ADMINS.stream().map(Credentials::getAddress).toList(),
            BigInteger.TEN.pow(17),
            CLOCK);
    ledger = deployed.reputationLedger().toLowerCase();
    twinAnchor = deployed.twinAnchor().toLowerCase();
    registry = deployed.deviceRegistry().toLowerCase();
    List<RawTransactionManager> approvers = ADMINS.subList(0, 2).stream().map(this::as).toList();
    LedgerDeployment.approveGateway(web3j, ledger, GAS, approvers, GATEWAY.getAddress());
    LedgerDeployment.approveAccessPoint(
        web3j,
        ledger,
        GAS,
        approvers,
        AP.getAddress(),
        BigInteger.valueOf(2_000_000),
        BigInteger.ZERO);
    DeviceRegistry reg = DeviceRegistry.load(registry, web3j, as(GATEWAY), GAS);
    for (String d : List.of("vib-1", "vib-2")) {
      reg.registerDevice(deviceId(d), Hash.sha3(("secret-" + d).getBytes()), "vibration-sensor")
          .send();
    }
    reg.revokeDevice(deviceId("vib-2")).send();
    anchorTx =
        TwinAnchor.load(twinAnchor, web3j, as(GATEWAY), GAS)
            .anchor(tree().root(), BigInteger.valueOf(ITEMS.size()))
            .send()
            .getTransactionHash();
    // an outsider may not anchor: the transaction is mined and reverts
    var raw = as(OUTSIDER);
    var sent =
        raw.sendTransaction(
            GAS.getGasPrice(),
            BigInteger.valueOf(200_000),
            twinAnchor,
            org.web3j.abi.FunctionEncoder.encode(
                new org.web3j.abi.datatypes.Function(
                    "anchor",
                    List.of(
                        new org.web3j.abi.datatypes.generated.Bytes32(tree().root()),
                        new org.web3j.abi.datatypes.generated.Uint64(1)),
                    List.of())),
            BigInteger.ZERO);
    revertedTx = sent.getTransactionHash();
    new PollingTransactionReceiptProcessor(web3j, 100, 600).waitForTransactionReceipt(revertedTx);
    return this;
  }

  /** The Merkle tree of {@link #ITEMS}. */
  public static MerkleTree tree() {
    return MerkleTree.of(ITEMS.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
  }

  /** DeviceRegistry's id of device {@code name}. */
  public static byte[] deviceId(String name) {
    return Hash.sha3(name.getBytes(StandardCharsets.UTF_8));
  }

  private RawTransactionManager as(Credentials who) {
    return new RawTransactionManager(
        web3j, who, CHAIN_ID, new PollingTransactionReceiptProcessor(web3j, 100, 600));
  }

  static Credentials key(int n) {
    return Credentials.create(
        Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(0xE0D7_A000L + n), 64));
  }

  /** A fresh temporary directory. */
  public static Path tempDir() throws java.io.IOException {
    return Files.createTempDirectory("bdt-explorer-chain-");
  }

  @Override
  public void close() {
    web3j.shutdown();
    node.close();
  }
}

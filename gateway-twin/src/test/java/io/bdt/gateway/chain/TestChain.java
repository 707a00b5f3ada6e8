package io.bdt.gateway.chain;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.node.NodeConfig;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.contracts.reputation.LedgerDeployment;
import io.bdt.contracts.reputation.SlotClock;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * A real B-DT chain node (the consensus module's {@link Node}, mining in-process) on a fixed
 * loopback port with its data on disk, so it can be stopped (the port is then a real dead endpoint)
 * and started again with its chain intact; and the platform's contracts on it: ReputationLedger
 * with {@link #GATEWAY} and {@link #OTHER_GATEWAY} approved, TwinAnchor and DeviceRegistry. Keys
 * are test-only.
 */
public final class TestChain implements AutoCloseable {

  public static final long CHAIN_ID = DevNetwork.CHAIN_ID;
  static final List<Credentials> ADMINS = List.of(key(1), key(2), key(3));
  static final Credentials DEPLOYER = key(41);
  static final Credentials MINER = key(100);
  public static final Credentials GATEWAY = key(200);

  /**
   * A second registered gateway with a key of its own (owns none of {@link #GATEWAY}'s devices).
   */
  public static final Credentials OTHER_GATEWAY = key(201);

  /** A funded account that is neither a registered gateway nor DeviceRegistry's admin. */
  public static final Credentials OUTSIDER = key(202);

  /** The ledger's slot clock: epoch 0, 1 s slots, receipts up to 60 slots late and 2 ahead. */
  static final SlotClock CLOCK = new SlotClock(0, 1, 60, 2);

  static final StaticGasProvider GAS =
      new StaticGasProvider(BigInteger.valueOf(3_000_000_000L), BigInteger.valueOf(8_000_000));

  private final Path dir;
  private final int port;
  private Node node;
  private Web3j web3j;
  private boolean running;

  /**
   * While stopped: a server socket on the port that resets every connection at once. The port is a
   * dead endpoint (each call fails with an I/O error) that no other server can take meanwhile: the
   * port was free before, so in a full build another test's server could land on it and answer for
   * the stopped node. (A bound socket that does not listen cannot hold it: the node's closed
   * connections keep the port in TIME_WAIT, which only an address-reusing bind passes, and such a
   * bind does not keep other reusing servers out.)
   */
  private ServerSocket holder;

  String reputationLedger;
  String twinAnchor;
  public String deviceRegistry;

  private TestChain(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a node in {@code dir} on a free port and deploys the contracts. */
  public static TestChain startAndDeploy(Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TestChain chain = new TestChain(dir, port);
    chain.start();
    Web3j w = chain.web3j;
    LedgerDeployment.Addresses deployed =
        LedgerDeployment.deployAll(
            w,
            chain.as(DEPLOYER),
            GAS,
            ADMINS.stream().map(Credentials::getAddress).toList(),
            BigInteger.TEN.pow(17),
            CLOCK);
    List<RawTransactionManager> approvers = ADMINS.subList(0, 2).stream().map(chain::as).toList();
    for (Credentials gateway : List.of(GATEWAY, OTHER_GATEWAY)) {
      LedgerDeployment.approveGateway(
          w, deployed.reputationLedger(), GAS, approvers, gateway.getAddress());
    }
    chain.reputationLedger = deployed.reputationLedger();
    chain.twinAnchor = deployed.twinAnchor();
    chain.deviceRegistry = deployed.deviceRegistry();
    return chain;
  }

  /** Starts (or restarts) the node on its port and data directory. */
  void start() throws Exception {
    if (holder != null) {
      holder.close();
      holder = null;
    }
    List<Credentials> funded = new ArrayList<>(ADMINS);
    funded.addAll(List.of(DEPLOYER, MINER, GATEWAY, OTHER_GATEWAY, OUTSIDER));
    ChainSpec spec =
        DevNetwork.spec(
            funded.stream().map(Credentials::getAddress).toList(), MINER.getAddress(), 0.0, null);
    node =
        new Node(
            new NodeConfig(
                spec,
                dir,
                new InetSocketAddress("127.0.0.1", port),
                Optional.of(MINER.getEcKeyPair()),
                MiningShare.full(1),
                Duration.ofSeconds(2)));
    web3j = Web3j.build(new HttpService(rpcUrl()));
    running = true;
  }

  /**
   * Stops the node: until {@link #start} its port resets every connection, and nothing else can
   * bind it meanwhile (a node that kept its port fails here).
   */
  void stop() {
    if (running) {
      running = false;
      web3j.shutdown();
      node.close();
      holder = hold(port);
    }
  }

  private static ServerSocket hold(int port) {
    ServerSocket s;
    try {
      s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new IllegalStateException("the stopped node's port " + port + " is still taken", e);
    }
    Thread.ofVirtual()
        .name("dead-endpoint-" + port)
        .start(
            () -> {
              while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                  c.setSoLinger(true, 0); // close with a reset: the caller sees an I/O error
                } catch (IOException e) {
                  // closed by start() or close()
                }
              }
            });
    return s;
  }

  private static void closeQuietly(java.io.Closeable s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing held
    }
  }

  public String rpcUrl() {
    return "http://127.0.0.1:" + port;
  }

  Web3j web3j() {
    return web3j;
  }

  RawTransactionManager as(Credentials who) {
    return new RawTransactionManager(
        web3j, who, CHAIN_ID, new PollingTransactionReceiptProcessor(web3j, 50, 1200));
  }

  /** TwinAnchor as seen (and sent to) by {@code who}. */
  TwinAnchor anchor(Credentials who) {
    return TwinAnchor.load(twinAnchor, web3j, as(who), GAS);
  }

  /** DeviceRegistry as seen (and sent to) by {@code who}. */
  public DeviceRegistry registry(Credentials who) {
    return DeviceRegistry.load(deviceRegistry, web3j, as(who), GAS);
  }

  /** Every root {@code gateway} anchored, in order (0x hex), duplicates included. */
  List<String> rootsAnchoredBy(String gateway) throws Exception {
    TwinAnchor a = anchor(DEPLOYER);
    long count = a.anchorCount().send().longValueExact();
    List<String> roots = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      TwinAnchor.Anchor x = a.anchorOf(BigInteger.valueOf(i)).send();
      if (gateway.equalsIgnoreCase(x.gateway)) {
        roots.add(Numeric.toHexString(x.root));
      }
    }
    return roots;
  }

  @Override
  public void close() {
    if (running) {
      running = false;
      web3j.shutdown();
      node.close();
    }
    if (holder != null) {
      closeQuietly(holder);
      holder = null;
    }
  }

  private static Credentials key(int n) {
    return Credentials.create(
        Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(0xB0D7_C000L + n), 64));
  }
}

package io.bdt.consensus.node;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.rpc.RpcLimits;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bdt node}: runs a chain node; {@code --dev} runs a single-AP chain that mines alone. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Run the APs' Ethereum-compatible chain node (reputation-weighted PoW).")
public final class NodeCommand implements Callable<Integer> {
  @Option(
      names = "--dev",
      description = "Single-node development chain (chain id 1337) with a prefunded dev account.")
  boolean dev;

  @Option(
      names = "--genesis",
      description =
          "Genesis JSON file for --dev (default: built in; a custom one must register the AP key"
              + " the data directory holds, DIR/keys/dev-miner.key).")
  Path genesis;

  @Option(
      names = "--config",
      description = "Node config file (multi-AP network; see bdt genesis --generate).")
  Path configFile;

  @Option(names = "--data", description = "Data directory (default: a new temporary directory).")
  Path data;

  @Option(names = "--rpc-host", defaultValue = "127.0.0.1", description = "JSON-RPC bind address.")
  String rpcHost;

  @Option(names = "--rpc-port", defaultValue = "8545", description = "JSON-RPC port.")
  int rpcPort;

  @Option(
      names = "--ws-port",
      description = "WebSocket JSON-RPC port (eth_subscribe); off if absent.")
  Integer wsPort;

  @Option(names = "--mining-threads", defaultValue = "1", description = "Threads hashing for PoW.")
  int threads;

  @Option(
      names = "--mining-duty-cycle",
      defaultValue = "1.0",
      description = "Share of time each mining thread hashes, in (0, 1].")
  double dutyCycle;

  @Option(
      names = "--empty-block-interval",
      defaultValue = "5",
      description = "Seconds after which an empty block is mined when no transaction waits.")
  long emptyBlockSeconds;

  @Option(
      names = "--rpc-cors",
      split = ",",
      description =
          "Browser origins allowed to call JSON-RPC (comma-separated, * for any); default none.")
  List<String> rpcCors = List.of();

  @Option(
      names = "--rpc-gas-cap",
      defaultValue = "50000000",
      description = "Most gas one eth_call or eth_estimateGas may use.")
  long rpcGasCap;

  @Option(
      names = "--rpc-evm-timeout",
      defaultValue = "5",
      description = "Seconds one eth_call EVM execution may take.")
  long rpcEvmTimeoutSeconds;

  @Override
  public Integer call() throws Exception {
    if (configFile != null) {
      Path base = configFile.toAbsolutePath().getParent();
      NodeConfig fromFile = NodeFile.read(configFile).toConfig(base);
      return run(fromFile.withRpcLimits(limits(fromFile.rpcLimits())), Optional.empty());
    }
    if (!dev) {
      System.err.println("Give --dev (single-node development chain) or --config FILE.");
      return 2;
    }
    Path dir = data != null ? data : Files.createTempDirectory("bdt-dev-");
    DevNetwork.Keys keys = DevNetwork.Keys.openOrCreate(dir);
    ChainSpec spec = genesis == null ? DevNetwork.spec(keys) : ChainSpec.read(genesis);
    NodeConfig config =
        new NodeConfig(
            spec,
            dir,
            new InetSocketAddress(rpcHost, rpcPort),
            Optional.of(keys.miner().getEcKeyPair()),
            new MiningShare(threads, dutyCycle, 100),
            Duration.ofSeconds(emptyBlockSeconds),
            Optional.empty(),
            List.of(),
            true,
            Optional.ofNullable(wsPort).map(p -> new InetSocketAddress(rpcHost, p)));
    return run(config.withRpcLimits(limits(RpcLimits.defaults())), Optional.of(keys));
  }

  /** {@code base} with the limits given on the command line (CORS added to the file's). */
  private RpcLimits limits(RpcLimits base) {
    List<String> origins = new java.util.ArrayList<>(base.corsOrigins());
    origins.addAll(rpcCors);
    return base.withCors(origins).withEvm(rpcGasCap, Duration.ofSeconds(rpcEvmTimeoutSeconds));
  }

  /** Runs {@code config} until the process ends; {@code dev}: the dev chain's keys to report. */
  private static int run(NodeConfig config, Optional<DevNetwork.Keys> dev) throws Exception {
    ChainSpec spec = config.spec();
    Path dir = config.dataDir();
    String rpcHost = config.rpcAddress().getHostString();
    CountDownLatch stopped = new CountDownLatch(1);
    try (Node node = new Node(config)) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    node.close();
                    stopped.countDown();
                  }));
      System.out.printf(
          "B-DT %s (chain id %d) at head %d, data in %s%n",
          dev.isPresent() ? "dev chain" : "node",
          spec.chainId(),
          node.chain().head().number(),
          dir);
      System.out.printf("JSON-RPC: http://%s:%d%n", rpcHost, node.rpcPort());
      node.wsPort().ifPresent(p -> System.out.printf("WebSocket: ws://%s:%d%n", rpcHost, p));
      node.network().ifPresent(n -> System.out.printf("P2P: %s as %s%n", n.url(), n.address()));
      if (dev.isEmpty()) {
        System.out.flush();
        stopped.await();
        return 0;
      }
      System.out.printf("Mining AP: %s%n", dev.get().miner().getAddress());
      System.out.println("Prefunded dev account (key generated for this data directory):");
      System.out.printf("  address:  %s%n", dev.get().account().getAddress());
      System.out.printf("  key file: %s (owner-only)%n", dir.resolve(DevNetwork.ACCOUNT_KEY_FILE));
      System.out.flush();
      stopped.await();
    }
    return 0;
  }
}

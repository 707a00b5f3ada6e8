package io.bdt.gateway.chain;

import io.bdt.contracts.generated.DeviceRegistry;
import io.bdt.contracts.generated.TwinAnchor;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.anchor.FileAnchorSink;
import io.bdt.gateway.device.FileDeviceLedger;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The gateway's connection to the chain, when {@code bdt.gateway.chain.rpc-url} is set (one node or
 * several to fail over to, {@link ChainNodes}): the TwinAnchor and DeviceRegistry wrappers bound to
 * the gateway's key, and the durable {@link ChainOutbox} ({@code chain-outbox.jsonl} in the data
 * directory) their writes go through. {@link #off()} when the gateway runs standalone.
 */
public final class GatewayChain implements AutoCloseable {

  /**
   * Gas price (wei) and limit of the gateway's transactions: the dev chain's base fee is 1 gwei.
   */
  private static final StaticGasProvider GAS =
      new StaticGasProvider(BigInteger.valueOf(3_000_000_000L), BigInteger.valueOf(1_000_000));

  private final Web3j web3j;
  private final Optional<TwinAnchor> anchor;
  private final Optional<DeviceRegistry> registry;
  private final ChainOutbox outbox;
  private final Duration statusTtl;
  private final Duration revocationPoll;
  private final Path anchorsFile;
  private RevocationWatch watch;

  private GatewayChain(
      Web3j web3j,
      Optional<TwinAnchor> anchor,
      Optional<DeviceRegistry> registry,
      ChainOutbox outbox,
      Duration statusTtl,
      Duration revocationPoll,
      Path anchorsFile) {
    this.web3j = web3j;
    this.anchor = anchor;
    this.registry = registry;
    this.outbox = outbox;
    this.statusTtl = statusTtl;
    this.revocationPoll = revocationPoll;
    this.anchorsFile = anchorsFile;
  }

  /** The outbox file in the data directory. */
  public static final String OUTBOX_FILE = "chain-outbox.jsonl";

  /** The local anchor journal in the data directory (FileAnchorSink). */
  public static final String ANCHORS_FILE = "anchors.jsonl";

  /** No chain: the gateway keeps its file ledger and anchor journal only. */
  public static GatewayChain off() {
    return new GatewayChain(
        null, Optional.empty(), Optional.empty(), null, Duration.ZERO, Duration.ZERO, null);
  }

  /**
   * Connects as configured, or {@link #off()} when no {@code rpc-url} is set; opens and replays the
   * outbox file (nothing is sent before {@link #start}).
   *
   * @throws UncheckedIOException when the outbox file cannot be read or written
   */
  public static GatewayChain connect(GatewayConfig config, MeterRegistry meters) {
    GatewayConfig.Chain c = config.chain();
    if (c.rpcUrl().isEmpty()) {
      return off();
    }
    GatewayConfig.Inference signing = config.inference();
    Credentials credentials =
        io.bdt.contracts.keys.ChainKey.resolve(
                "bdt.gateway.inference.signing-key-file",
                signing.signingKey(),
                signing.signingKeyFile(),
                signing.signingKeyPasswordFile())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "bdt.gateway.inference.signing-key-file: required when"
                            + " bdt.gateway.chain.rpc-url"
                            + " is set (the gateway's chain account signs its transactions)"));
    OkHttpClient http =
        new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(2))
            .readTimeout(Duration.ofSeconds(10))
            .build();
    ChainNodes nodes = ChainNodes.parse("bdt.gateway.chain.rpc-url", c.rpcUrl().get(), http);
    FunctionCounter.builder("bdt.chain.node.failovers", nodes, ChainNodes::failovers)
        .description("Calls moved to the next chain node because the one in use did not answer")
        .register(meters);
    Web3j web3j = Web3j.build(nodes);
    RawTransactionManager tx =
        new RawTransactionManager(
            web3j,
            credentials,
            config.inference().chainId(),
            new PollingTransactionReceiptProcessor(web3j, 250, 240));
    Optional<TwinAnchor> anchor = c.anchorAddress().map(a -> TwinAnchor.load(a, web3j, tx, GAS));
    Optional<DeviceRegistry> registry =
        c.registryAddress().map(a -> DeviceRegistry.load(a, web3j, tx, GAS));
    Path dataDir = Path.of(config.dataDir());
    Path outboxFile = dataDir.resolve(OUTBOX_FILE);
    ChainOutbox outbox;
    try {
      outbox =
          new ChainOutbox(
              outboxFile,
              new ChainWriter(web3j, credentials.getAddress(), anchor, registry),
              meters,
              c.retryPeriod());
    } catch (IOException e) {
      web3j.shutdown();
      throw new UncheckedIOException("opening the chain outbox " + outboxFile, e);
    }
    return new GatewayChain(
        web3j,
        anchor,
        registry,
        outbox,
        Duration.ofMillis(Math.round(c.statusTtl() * 1000)),
        Duration.ofMillis(Math.round(c.revocationPoll() * 1000)),
        dataDir.resolve(ANCHORS_FILE));
  }

  /**
   * Starts the outbox: it first reconciles the chain with the local records ({@code devices}, the
   * local device ledger, and the anchors in {@code anchors.jsonl}), queueing what the chain is
   * missing, then sends the queue. No-op when the chain is off.
   */
  public void start(FileDeviceLedger devices) {
    if (outbox == null) {
      return;
    }
    outbox.start(
        (writer, conflicts) ->
            writer.missing(
                FileAnchorSink.recorded(anchorsFile).stream()
                    .map(a -> new ChainWrite.Anchor(a.root(), a.leafCount()))
                    .toList(),
                devices == null ? java.util.List.of() : devices.all(),
                conflicts));
  }

  /** TwinAnchor, if configured. */
  public Optional<TwinAnchor> anchor() {
    return anchor;
  }

  /** DeviceRegistry, if configured. */
  public Optional<DeviceRegistry> registry() {
    return registry;
  }

  /** The queue of chain writes (null when off). */
  public ChainOutbox outbox() {
    return outbox;
  }

  /**
   * Starts following DeviceRegistry's revocations of the devices in {@code journal} ({@link
   * RevocationWatch}, stopped by {@link #close}); no-op when no registry is configured.
   *
   * @param onRevoked tells the broker a device is revoked (returns once it has it)
   */
  public synchronized void watchRevocations(
      FileDeviceLedger journal, Consumer<String> onRevoked, MeterRegistry meters) {
    if (registry.isEmpty() || watch != null) {
      return;
    }
    watch =
        new RevocationWatch(
            web3j, registry.get().getContractAddress(), journal, onRevoked, revocationPoll, meters);
    watch.start();
  }

  /** How long a device's on-chain status is trusted. */
  public Duration statusTtl() {
    return statusTtl;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (watch != null) {
        watch.close();
      }
    }
    if (outbox != null) {
      outbox.close();
    }
    if (web3j != null) {
      web3j.shutdown();
    }
  }
}

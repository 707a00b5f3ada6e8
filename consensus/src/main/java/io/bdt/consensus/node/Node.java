package io.bdt.consensus.node;

import io.bdt.consensus.chain.BlockProducer;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.rpc.EthApi;
import io.bdt.consensus.rpc.JsonRpcServer;
import io.bdt.consensus.store.ChainStore;
import io.bdt.consensus.validation.InvalidBlockException;
import io.horizen.evm.Address;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;

/**
 * A running chain node: block store and state under one data directory, transaction pool, the AP's
 * miner (optional), and the JSON-RPC endpoint. Layout: {@code DIR/blocks} (RocksDB), {@code
 * DIR/state} (libevm LevelDB), {@code DIR/genesis.json}.
 */
public final class Node implements AutoCloseable {
  /** How the node runs. */
  public record Config(
      ChainSpec spec,
      Path dataDir,
      InetSocketAddress rpcAddress,
      Optional<ECKeyPair> minerKey,
      MiningShare miningShare,
      Duration emptyBlockInterval) {}

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final ChainStore store;
  private final StateStore states;
  private final Blockchain chain;
  private final TransactionPool pool;
  private final Optional<BlockProducer> producer;
  private final JsonRpcServer rpc;
  private final Thread mining;
  private final Duration emptyBlockInterval;
  private volatile boolean running = true;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  public Node(Config config) throws IOException {
    Files.createDirectories(config.dataDir());
    Path genesisFile = config.dataDir().resolve("genesis.json");
    if (!Files.exists(genesisFile)) {
      config.spec().write(genesisFile);
    }
    Clock clock = Clock.systemUTC();
    this.emptyBlockInterval = config.emptyBlockInterval();
    this.store = new ChainStore(config.dataDir().resolve("blocks"));
    this.states = new StateStore(config.dataDir().resolve("state"));
    this.chain =
        new Blockchain(config.spec(), store, states, config.spec().reputationSource(states), clock);
    this.pool = new TransactionPool(config.spec().chainId(), 100_000);
    chain.onNewHead(
        block ->
            states.withState(
                block.header().stateRoot(),
                s -> {
                  pool.prune(a -> s.getNonce(new Address(a.toArrayUnsafe())).longValueExact());
                  return null;
                }));
    this.producer =
        config
            .minerKey()
            .map(k -> new BlockProducer(chain, pool, new Miner(config.miningShare()), k, clock));
    this.rpc =
        new JsonRpcServer(
            config.rpcAddress(),
            new EthApi(chain, pool, producer.map(BlockProducer::miner)).methods());
    this.mining =
        producer
            .map(p -> Thread.ofPlatform().name("block-producer").daemon().start(() -> mine(p)))
            .orElse(null);
  }

  private void mine(BlockProducer p) {
    long lastBlock = System.nanoTime();
    while (running) {
      boolean due = System.nanoTime() - lastBlock >= emptyBlockInterval.toNanos();
      if (pool.size() == 0 && !due) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      try {
        if (p.mineOne(() -> !running).isPresent()) {
          lastBlock = System.nanoTime();
        }
      } catch (InvalidBlockException | IllegalStateException e) {
        if (running) {
          LOG.error("mining failed", e);
        }
      }
    }
  }

  /** The chain. */
  public Blockchain chain() {
    return chain;
  }

  /** The transaction pool. */
  public TransactionPool pool() {
    return pool;
  }

  /** The JSON-RPC port. */
  public int rpcPort() {
    return rpc.port();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    running = false;
    rpc.close();
    if (mining != null) {
      try {
        mining.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (chain) {
      store.close();
      states.close();
    }
  }
}

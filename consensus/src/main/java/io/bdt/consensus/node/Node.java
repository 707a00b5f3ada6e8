package io.bdt.consensus.node;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.BlockProducer;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.p2p.PeerNetwork;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.rpc.EthApi;
import io.bdt.consensus.rpc.EvmCalls;
import io.bdt.consensus.rpc.JsonRpcServer;
import io.bdt.consensus.rpc.PeerView;
import io.bdt.consensus.rpc.RpcRefusals;
import io.bdt.consensus.rpc.WebSocketRpcServer;
import io.bdt.consensus.store.ChainStore;
import io.horizen.evm.Address;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * A running chain node: block store and state under one data directory, transaction pool, the AP's
 * miner (optional), and the JSON-RPC endpoint. Layout: {@code DIR/blocks} (RocksDB), {@code
 * DIR/state} (libevm LevelDB), {@code DIR/genesis.json}.
 */
public final class Node implements AutoCloseable {
  private final ChainStore store;
  private final StateStore states;
  private final Blockchain chain;
  private final TransactionPool pool;
  private final Optional<BlockProducer> producer;
  private final JsonRpcServer rpc;
  private final EvmCalls evm;
  private final Optional<PeerNetwork> network;
  private final Optional<WebSocketRpcServer> ws;
  private final Thread syncing;

  /** How often a node with peers asks them for blocks it may have missed. */
  public static final Duration SYNC_PERIOD = Duration.ofSeconds(10);

  private final Thread mining;
  private volatile boolean running = true;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  public Node(NodeConfig config) throws IOException {
    Files.createDirectories(config.dataDir());
    Path genesisFile = config.dataDir().resolve("genesis.json");
    if (!Files.exists(genesisFile)) {
      config.spec().write(genesisFile);
    }
    Clock clock = Clock.systemUTC();
    this.store = new ChainStore(config.dataDir().resolve("blocks"));
    this.states = new StateStore(config.dataDir().resolve("state"));
    this.chain =
        new Blockchain(config.spec(), store, states, config.spec().reputationSource(states), clock);
    this.pool = new TransactionPool(config.spec().chainId(), 100_000);
    // transactions of blocks that a reorganisation removed go back to the pool; those the new
    // branch also holds are pruned right after by the new head's nonces
    chain.onReorg(
        removed -> removed.forEach(b -> b.transactions().forEach(tx -> pool.readmit(tx))));
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
    ECKeyPair nodeKey = config.minerKey().or(config::nodeKey).orElseGet(Node::randomKey);
    this.network =
        config.p2pAddress().isPresent()
            ? Optional.of(
                new PeerNetwork(
                    chain,
                    pool,
                    nodeKey,
                    config.p2pAddress().get(),
                    config.peers(),
                    config.observers().stream()
                        .map(org.apache.tuweni.bytes.Bytes::fromHexString)
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()),
                    config.p2pAdvertisedHost(),
                    config.p2pTls(),
                    clock))
            : Optional.empty();
    network.ifPresent(PeerNetwork::syncFromPeers);
    // peers that were down at start, or whose announcements were lost, are caught up periodically
    this.syncing =
        network
            .map(n -> Thread.ofPlatform().name("p2p-sync").daemon().start(() -> catchUp(n)))
            .orElse(null);
    RpcRefusals refusals = new RpcRefusals();
    this.evm = new EvmCalls(config.rpcLimits(), refusals);
    EthApi api =
        new EthApi(
            chain,
            pool,
            producer.map(BlockProducer::miner),
            network.map(PeerView::of).orElseGet(PeerView::none),
            evm);
    this.rpc = new JsonRpcServer(config.rpcAddress(), api.methods(), config.rpcLimits(), refusals);
    try {
      this.ws =
          config.wsAddress().isPresent()
              ? Optional.of(new WebSocketRpcServer(config.wsAddress().get(), rpc, api, chain, pool))
              : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the WebSocket server", e);
    }
    this.mining =
        config.autoMine()
            ? producer
                .map(
                    p ->
                        Thread.ofPlatform()
                            .name("block-producer")
                            .daemon()
                            .start(
                                new AutoMiner(
                                    p,
                                    chain,
                                    pool,
                                    config.emptyBlockInterval(),
                                    network,
                                    () -> running)))
                .orElse(null)
            : null;
  }

  /** Asks the peers every {@link #SYNC_PERIOD} for blocks this node may have missed. */
  private void catchUp(PeerNetwork n) {
    while (running) {
      try {
        Thread.sleep(SYNC_PERIOD.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      n.syncFromPeers();
    }
  }

  /**
   * Mines one block on the current head now (for nodes started without automatic mining) and
   * announces it to peers.
   */
  public Optional<Block> mineBlock() {
    BlockProducer p =
        producer.orElseThrow(() -> new IllegalStateException("this node has no miner key"));
    Optional<Block> block = p.mineOne(() -> !running);
    block.ifPresent(b -> network.ifPresent(n -> n.announce(b)));
    return block;
  }

  /**
   * Changes the compute share of this node's running miner without restarting it ({@link
   * Miner#setShare}: threads follow at once, the duty cycle from the next duty period).
   *
   * @return the share it replaced
   * @throws IllegalStateException if this node has no miner key
   * @throws IllegalArgumentException if {@code share} is null or asks for too many threads
   */
  public MiningShare setMiningShare(MiningShare share) {
    return miner()
        .orElseThrow(() -> new IllegalStateException("this node has no miner key"))
        .setShare(share);
  }

  /** The miner (share in force, hash rate, active threads), if this node has a miner key. */
  public Optional<Miner> miner() {
    return producer.map(BlockProducer::miner);
  }

  /** The WebSocket JSON-RPC port, if enabled. */
  public Optional<Integer> wsPort() {
    return ws.map(WebSocketRpcServer::port);
  }

  /** The peer network, if this node has one. */
  public Optional<PeerNetwork> network() {
    return network;
  }

  private static ECKeyPair randomKey() {
    try {
      return Keys.createEcKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot create a node key", e);
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

  /**
   * Answers one JSON-RPC request (or batch) in process, as the HTTP endpoint would, limits
   * included, for a service that embeds this node; null when the request held only notifications.
   */
  public String rpcCall(String request) {
    return rpc.answer(request);
  }

  /** What the JSON-RPC limits have refused since start (HTTP and WebSocket). */
  public RpcRefusals rpcRefusals() {
    return rpc.refusals();
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
    ws.ifPresent(WebSocketRpcServer::close);
    rpc.close();
    evm.close();
    if (syncing != null) {
      syncing.interrupt();
    }
    network.ifPresent(PeerNetwork::close);
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

package io.bdt.consensus.node;

import io.bdt.consensus.block.Block;
import io.bdt.consensus.chain.BlockProducer;
import io.bdt.consensus.chain.Blockchain;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.chain.TransactionPool;
import io.bdt.consensus.evm.StateStore;
import io.bdt.consensus.p2p.PeerNetwork;
import io.bdt.consensus.p2p.PeerTls;
import io.bdt.consensus.p2p.SyncStatus;
import io.bdt.consensus.pow.Miner;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.rpc.EthApi;
import io.bdt.consensus.rpc.EvmCalls;
import io.bdt.consensus.rpc.JsonRpcServer;
import io.bdt.consensus.rpc.PeerView;
import io.bdt.consensus.rpc.RpcLimits;
import io.bdt.consensus.rpc.RpcRefusals;
import io.bdt.consensus.rpc.WebSocketRpcServer;
import io.bdt.consensus.store.ChainStore;
import io.bdt.consensus.validation.InvalidBlockException;
import io.horizen.evm.Address;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

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
      Duration emptyBlockInterval,
      Optional<InetSocketAddress> p2pAddress,
      List<URI> peers,
      boolean autoMine,
      Optional<InetSocketAddress> wsAddress,
      RpcLimits rpcLimits,
      Optional<ECKeyPair> nodeKey,
      List<String> observers,
      Optional<String> p2pAdvertisedHost,
      Optional<PeerTls> p2pTls) {

    /**
     * Defaults for a node on {@code spec} in {@code dataDir}: RPC on 127.0.0.1:8545, no miner key,
     * one mining thread at full duty, an empty block every 5 s, no peers, no WebSocket, geth's
     * JSON-RPC limits with CORS off ({@link RpcLimits#defaults}), a fresh P2P node key unless it
     * mines, no observers. Adjust with the {@code with...} methods, which stay stable as fields are
     * added.
     */
    public static Config of(ChainSpec spec, Path dataDir) {
      return new Config(
          spec,
          dataDir,
          new InetSocketAddress("127.0.0.1", 8545),
          Optional.empty(),
          MiningShare.full(1),
          Duration.ofSeconds(5),
          Optional.empty(),
          List.of(),
          true,
          Optional.empty(),
          RpcLimits.defaults(),
          Optional.empty(),
          List.of(),
          Optional.empty(),
          Optional.empty());
    }

    /**
     * This configuration following the chain over P2P as {@code key} without mining; miners admit
     * it only if they list its address among their observers.
     */
    public Config withNodeKey(ECKeyPair key) {
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          rpcLimits,
          Optional.of(key),
          observers,
          p2pAdvertisedHost,
          p2pTls);
    }

    /**
     * This configuration admitting the nodes at {@code addresses} (0x-prefixed node addresses) to
     * the P2P handshake besides the chain's miner set.
     */
    public Config withObservers(List<String> addresses) {
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          rpcLimits,
          nodeKey,
          List.copyOf(addresses),
          p2pAdvertisedHost,
          p2pTls);
    }

    /** This configuration with JSON-RPC held to {@code limits} (HTTP and WebSocket). */
    public Config withRpcLimits(RpcLimits limits) {
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          limits,
          nodeKey,
          observers,
          p2pAdvertisedHost,
          p2pTls);
    }

    /** This configuration with JSON-RPC over HTTP at {@code address} (port 0: any free port). */
    public Config withRpc(InetSocketAddress address) {
      return new Config(
          spec,
          dataDir,
          address,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          rpcLimits,
          nodeKey,
          observers,
          p2pAdvertisedHost,
          p2pTls);
    }

    /** This configuration mining as the AP whose key is {@code key}. */
    public Config withMiner(ECKeyPair key, MiningShare share) {
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          Optional.of(key),
          share,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          rpcLimits,
          nodeKey,
          observers,
          p2pAdvertisedHost,
          p2pTls);
    }

    /**
     * This configuration mining on its own ({@code true}) or only through {@link Node#mineBlock}.
     */
    public Config withAutoMine(boolean auto, Duration emptyInterval) {
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyInterval,
          p2pAddress,
          peers,
          auto,
          wsAddress,
          rpcLimits,
          nodeKey,
          observers,
          p2pAdvertisedHost,
          p2pTls);
    }

    /**
     * This configuration listening for peers at {@code address} and knowing {@code initialPeers}.
     */
    public Config withPeers(InetSocketAddress address, List<URI> initialPeers) {
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          Optional.of(address),
          List.copyOf(initialPeers),
          autoMine,
          wsAddress,
          rpcLimits,
          nodeKey,
          observers,
          p2pAdvertisedHost,
          p2pTls);
    }

    /** This configuration with JSON-RPC over WebSocket at {@code address}. */
    public Config withWebSocket(InetSocketAddress address) {
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          Optional.of(address),
          rpcLimits,
          nodeKey,
          observers,
          p2pAdvertisedHost,
          p2pTls);
    }

    /**
     * This configuration telling peers to dial it at {@code host} (a DNS name or address that other
     * hosts resolve to this node) instead of the address it binds: needed when it binds {@code
     * 0.0.0.0}, or sits behind a NAT or a Kubernetes Service.
     */
    public Config withAdvertisedHost(String host) {
      if (host == null || host.isBlank() || host.contains(":") && !host.startsWith("[")) {
        throw new IllegalArgumentException(
            "p2p advertised host: expected a host name or address without a port, got " + host);
      }
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          rpcLimits,
          nodeKey,
          observers,
          Optional.of(host),
          p2pTls);
    }

    /**
     * This configuration speaking the peer protocol over mutual TLS ({@code wss://}) with the
     * certificate files {@code tls} names; every peer must do the same.
     */
    public Config withP2pTls(PeerTls tls) {
      return new Config(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          rpcLimits,
          nodeKey,
          observers,
          p2pAdvertisedHost,
          Optional.of(tls));
    }

    /** A node advertising the address it binds (or, binding every address, its host name). */
    public Config(
        ChainSpec spec,
        Path dataDir,
        InetSocketAddress rpcAddress,
        Optional<ECKeyPair> minerKey,
        MiningShare miningShare,
        Duration emptyBlockInterval,
        Optional<InetSocketAddress> p2pAddress,
        List<URI> peers,
        boolean autoMine,
        Optional<InetSocketAddress> wsAddress,
        RpcLimits rpcLimits,
        Optional<ECKeyPair> nodeKey,
        List<String> observers) {
      this(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          rpcLimits,
          nodeKey,
          observers,
          Optional.empty(),
          Optional.empty());
    }

    /** A node with geth's default JSON-RPC limits (CORS off). */
    public Config(
        ChainSpec spec,
        Path dataDir,
        InetSocketAddress rpcAddress,
        Optional<ECKeyPair> minerKey,
        MiningShare miningShare,
        Duration emptyBlockInterval,
        Optional<InetSocketAddress> p2pAddress,
        List<URI> peers,
        boolean autoMine,
        Optional<InetSocketAddress> wsAddress) {
      this(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          p2pAddress,
          peers,
          autoMine,
          wsAddress,
          RpcLimits.defaults(),
          Optional.empty(),
          List.of(),
          Optional.empty(),
          Optional.empty());
    }

    /** A node without peers that mines on its own. */
    public Config(
        ChainSpec spec,
        Path dataDir,
        InetSocketAddress rpcAddress,
        Optional<ECKeyPair> minerKey,
        MiningShare miningShare,
        Duration emptyBlockInterval) {
      this(
          spec,
          dataDir,
          rpcAddress,
          minerKey,
          miningShare,
          emptyBlockInterval,
          Optional.empty(),
          List.of(),
          true,
          Optional.empty(),
          RpcLimits.defaults(),
          Optional.empty(),
          List.of(),
          Optional.empty(),
          Optional.empty());
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

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
            .map(
                n ->
                    Thread.ofPlatform()
                        .name("p2p-sync")
                        .daemon()
                        .start(
                            () -> {
                              while (running) {
                                try {
                                  Thread.sleep(SYNC_PERIOD.toMillis());
                                } catch (InterruptedException e) {
                                  return;
                                }
                                n.syncFromPeers();
                              }
                            }))
            .orElse(null);
    RpcRefusals refusals = new RpcRefusals();
    this.evm = new EvmCalls(config.rpcLimits(), refusals);
    EthApi api =
        new EthApi(
            chain,
            pool,
            producer.map(BlockProducer::miner),
            network.map(Node::peerView).orElseGet(PeerView::none),
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
                .map(p -> Thread.ofPlatform().name("block-producer").daemon().start(() -> mine(p)))
                .orElse(null)
            : null;
  }

  private void mine(BlockProducer p) {
    long lastBlock = System.nanoTime();
    boolean waitingToBeRegistered = false;
    while (running) {
      boolean due = System.nanoTime() - lastBlock >= emptyBlockInterval.toNanos();
      boolean member = p.mayMineOn(chain.head());
      if (member == waitingToBeRegistered) {
        // an AP not in the miner set yet follows the chain until the ledger registers it
        waitingToBeRegistered = !member;
        LOG.info(
            member
                ? "miner {} is in the chain's miner set: mining"
                : "miner {} is not in the chain's miner set (genesis or ReputationLedger):"
                    + " following the chain until it is registered",
            p.address());
      }
      if ((pool.size() == 0 && !due) || !member) {
        try {
          Thread.sleep(member ? 5 : 200);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      try {
        Optional<Block> block = p.mineOne(() -> !running);
        if (block.isPresent()) {
          lastBlock = System.nanoTime();
          network.ifPresent(n -> n.announce(block.get()));
        }
      } catch (InvalidBlockException | IllegalStateException e) {
        if (running) {
          LOG.error("mining failed", e);
        }
      }
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

  private static PeerView peerView(PeerNetwork n) {
    return new PeerView() {
      @Override
      public int peerCount() {
        return n.connected().size();
      }

      @Override
      public Optional<SyncStatus> syncing() {
        return n.syncStatus();
      }
    };
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
    byte[] body = request.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (body.length > rpc.limits().maxBodyBytes()) {
      throw new IllegalArgumentException(
          "request of "
              + body.length
              + " bytes over the body size limit of "
              + rpc.limits().maxBodyBytes());
    }
    com.fasterxml.jackson.databind.JsonNode answer = rpc.answer(body);
    return answer == null ? null : answer.toString();
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

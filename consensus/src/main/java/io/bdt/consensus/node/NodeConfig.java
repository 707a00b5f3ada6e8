package io.bdt.consensus.node;

import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.p2p.PeerTls;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.rpc.RpcLimits;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.web3j.crypto.ECKeyPair;

/**
 * How a {@link Node} runs: its chain, data directory, JSON-RPC and WebSocket endpoints, miner key
 * and share, peers and P2P identity. Adjust {@link #of} with the {@code with...} methods.
 */
public record NodeConfig(
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
  public static NodeConfig of(ChainSpec spec, Path dataDir) {
    return new NodeConfig(
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
   * This configuration following the chain over P2P as {@code key} without mining; miners admit it
   * only if they list its address among their observers.
   */
  public NodeConfig withNodeKey(ECKeyPair key) {
    return with(d -> d.nodeKey = Optional.of(key));
  }

  /**
   * This configuration admitting the nodes at {@code addresses} (0x-prefixed node addresses) to the
   * P2P handshake besides the chain's miner set.
   */
  public NodeConfig withObservers(List<String> addresses) {
    return with(d -> d.observers = List.copyOf(addresses));
  }

  /** This configuration with JSON-RPC held to {@code limits} (HTTP and WebSocket). */
  public NodeConfig withRpcLimits(RpcLimits limits) {
    return with(d -> d.rpcLimits = limits);
  }

  /** This configuration with JSON-RPC over HTTP at {@code address} (port 0: any free port). */
  public NodeConfig withRpc(InetSocketAddress address) {
    return with(d -> d.rpcAddress = address);
  }

  /** This configuration mining as the AP whose key is {@code key}. */
  public NodeConfig withMiner(ECKeyPair key, MiningShare share) {
    return with(
        d -> {
          d.minerKey = Optional.of(key);
          d.miningShare = share;
        });
  }

  /** This configuration mining on its own ({@code true}) or only through {@link Node#mineBlock}. */
  public NodeConfig withAutoMine(boolean auto, Duration emptyInterval) {
    return with(
        d -> {
          d.autoMine = auto;
          d.emptyBlockInterval = emptyInterval;
        });
  }

  /** This configuration listening for peers at {@code address} and knowing {@code initialPeers}. */
  public NodeConfig withPeers(InetSocketAddress address, List<URI> initialPeers) {
    return with(
        d -> {
          d.p2pAddress = Optional.of(address);
          d.peers = List.copyOf(initialPeers);
        });
  }

  /** This configuration with JSON-RPC over WebSocket at {@code address}. */
  public NodeConfig withWebSocket(InetSocketAddress address) {
    return with(d -> d.wsAddress = Optional.of(address));
  }

  /**
   * This configuration telling peers to dial it at {@code host} (a DNS name or address that other
   * hosts resolve to this node) instead of the address it binds: needed when it binds {@code
   * 0.0.0.0}, or sits behind a NAT or a Kubernetes Service.
   */
  public NodeConfig withAdvertisedHost(String host) {
    if (host == null || host.isBlank() || host.contains(":") && !host.startsWith("[")) {
      throw new IllegalArgumentException(
          "p2p advertised host: expected a host name or address without a port, got " + host);
    }
    return with(d -> d.p2pAdvertisedHost = Optional.of(host));
  }

  /**
   * This configuration speaking the peer protocol over mutual TLS ({@code wss://}) with the
   * certificate files {@code tls} names; every peer must do the same.
   */
  public NodeConfig withP2pTls(PeerTls tls) {
    return with(d -> d.p2pTls = Optional.of(tls));
  }

  /** This configuration with the fields {@code edit} changes on a copy of them. */
  private NodeConfig with(Consumer<Draft> edit) {
    Draft d = new Draft(this);
    edit.accept(d);
    return new NodeConfig(
        d.spec,
        d.dataDir,
        d.rpcAddress,
        d.minerKey,
        d.miningShare,
        d.emptyBlockInterval,
        d.p2pAddress,
        d.peers,
        d.autoMine,
        d.wsAddress,
        d.rpcLimits,
        d.nodeKey,
        d.observers,
        d.p2pAdvertisedHost,
        d.p2pTls);
  }

  /** The fields of a {@link NodeConfig} being copied with changes ({@link #with}). */
  private static final class Draft {
    ChainSpec spec;
    Path dataDir;
    InetSocketAddress rpcAddress;
    Optional<ECKeyPair> minerKey;
    MiningShare miningShare;
    Duration emptyBlockInterval;
    Optional<InetSocketAddress> p2pAddress;
    List<URI> peers;
    boolean autoMine;
    Optional<InetSocketAddress> wsAddress;
    RpcLimits rpcLimits;
    Optional<ECKeyPair> nodeKey;
    List<String> observers;
    Optional<String> p2pAdvertisedHost;
    Optional<PeerTls> p2pTls;

    Draft(NodeConfig c) {
      spec = c.spec;
      dataDir = c.dataDir;
      rpcAddress = c.rpcAddress;
      minerKey = c.minerKey;
      miningShare = c.miningShare;
      emptyBlockInterval = c.emptyBlockInterval;
      p2pAddress = c.p2pAddress;
      peers = c.peers;
      autoMine = c.autoMine;
      wsAddress = c.wsAddress;
      rpcLimits = c.rpcLimits;
      nodeKey = c.nodeKey;
      observers = c.observers;
      p2pAdvertisedHost = c.p2pAdvertisedHost;
      p2pTls = c.p2pTls;
    }
  }

  /** A node advertising the address it binds (or, binding every address, its host name). */
  public NodeConfig(
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
  public NodeConfig(
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
        List.of());
  }

  /** A node without peers that mines on its own. */
  public NodeConfig(
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
        Optional.empty());
  }
}

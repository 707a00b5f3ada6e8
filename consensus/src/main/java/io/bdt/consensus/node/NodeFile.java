package io.bdt.consensus.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.consensus.keys.KeyFile;
import io.bdt.consensus.p2p.PeerTls;
import io.bdt.consensus.pow.MiningShare;
import io.bdt.consensus.rpc.RpcLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Credentials;

/**
 * A node's configuration file for {@code bdt node --config FILE} (paths relative to the file):
 * genesis file, data directory, RPC, WebSocket (optional) and P2P addresses ({@code host:port}),
 * node key file (hex private key; the AP key when mining), peers' P2P URLs, the mining share, and
 * the browser origins allowed to call JSON-RPC ({@code rpcCors}; absent: CORS off), and the node
 * addresses of observers admitted to the P2P handshake besides the miner set ({@code observers}),
 * and the host peers should dial ({@code p2pAdvertisedHost}; absent: the {@code p2p} host, or this
 * machine's host name when that is {@code 0.0.0.0}). A node that does not mine uses its key file as
 * its P2P identity.
 */
public record NodeFile(
    String genesis,
    String dataDir,
    String rpc,
    String ws,
    String p2p,
    String nodeKeyFile,
    List<String> peers,
    Mining mining,
    List<String> rpcCors,
    List<String> observers,
    String p2pAdvertisedHost,
    Tls p2pTls) {

  /** P2P TLS files (paths relative to the node file): the CA, this node's certificate and key. */
  public record Tls(String ca, String cert, String key) {}

  /** A node file advertising its {@code p2p} host, without P2P TLS. */
  public NodeFile(
      String genesis,
      String dataDir,
      String rpc,
      String ws,
      String p2p,
      String nodeKeyFile,
      List<String> peers,
      Mining mining,
      List<String> rpcCors,
      List<String> observers,
      String p2pAdvertisedHost) {
    this(
        genesis,
        dataDir,
        rpc,
        ws,
        p2p,
        nodeKeyFile,
        peers,
        mining,
        rpcCors,
        observers,
        p2pAdvertisedHost,
        null);
  }

  /** A node file advertising its {@code p2p} host. */
  public NodeFile(
      String genesis,
      String dataDir,
      String rpc,
      String ws,
      String p2p,
      String nodeKeyFile,
      List<String> peers,
      Mining mining,
      List<String> rpcCors,
      List<String> observers) {
    this(
        genesis, dataDir, rpc, ws, p2p, nodeKeyFile, peers, mining, rpcCors, observers, null, null);
  }

  /** A node file with CORS off. */
  public NodeFile(
      String genesis,
      String dataDir,
      String rpc,
      String ws,
      String p2p,
      String nodeKeyFile,
      List<String> peers,
      Mining mining) {
    this(genesis, dataDir, rpc, ws, p2p, nodeKeyFile, peers, mining, null, null);
  }

  /** Mining settings: on/off, threads, duty cycle in (0, 1], seconds between empty blocks. */
  public record Mining(boolean enabled, int threads, double dutyCycle, long emptyBlockSeconds) {}

  /** Reads a node file. */
  public static NodeFile read(Path file) throws IOException {
    return new ObjectMapper().readValue(file.toFile(), NodeFile.class);
  }

  /** Writes this node file. */
  public void write(Path file) throws IOException {
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
  }

  /** The node configuration this file describes, resolving paths against {@code base}. */
  public NodeConfig toConfig(Path base) throws IOException {
    if (genesis == null || dataDir == null || rpc == null || nodeKeyFile == null) {
      throw new IllegalArgumentException(
          "node config: genesis, dataDir, rpc and nodeKeyFile are required");
    }
    ChainSpec spec = ChainSpec.read(base.resolve(genesis));
    Credentials key = KeyFile.read(base.resolve(nodeKeyFile));
    Mining m = mining == null ? new Mining(true, 1, 1.0, 5) : mining;
    NodeConfig config =
        new NodeConfig(
            spec,
            base.resolve(dataDir),
            address("rpc", rpc),
            m.enabled() ? Optional.of(key.getEcKeyPair()) : Optional.empty(),
            new MiningShare(m.threads(), m.dutyCycle(), 100),
            Duration.ofSeconds(m.emptyBlockSeconds()),
            p2p == null ? Optional.empty() : Optional.of(address("p2p", p2p)),
            peers == null ? List.of() : peers.stream().map(URI::create).toList(),
            m.enabled(),
            ws == null ? Optional.empty() : Optional.of(address("ws", ws)),
            RpcLimits.defaults().withCors(rpcCors == null ? List.of() : rpcCors),
            m.enabled() ? Optional.empty() : Optional.of(key.getEcKeyPair()),
            observers == null ? List.of() : observers);
    if (p2pAdvertisedHost != null) {
      config = config.withAdvertisedHost(p2pAdvertisedHost);
    }
    if (p2pTls != null) {
      config =
          config.withP2pTls(
              new PeerTls(
                  base.resolve(p2pTls.ca()),
                  base.resolve(p2pTls.cert()),
                  base.resolve(p2pTls.key())));
    }
    return config;
  }

  private static InetSocketAddress address(String field, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "node config." + field + ": expected host:port, got " + hostPort);
    }
    return new InetSocketAddress(
        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }
}

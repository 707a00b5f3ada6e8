package io.bdt.consensus.rpc;

import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import io.bdt.consensus.pow.MiningShare;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Starts a dev node on a free loopback port for RPC tests. */
final class DevNodeRule {
  private DevNodeRule() {}

  static Node start(Path dir) throws IOException {
    return new Node(
        new Node.Config(
            DevNetwork.spec(),
            dir,
            new InetSocketAddress("127.0.0.1", 0),
            Optional.of(DevNetwork.MINER.getEcKeyPair()),
            MiningShare.full(1),
            Duration.ofSeconds(1)));
  }
}

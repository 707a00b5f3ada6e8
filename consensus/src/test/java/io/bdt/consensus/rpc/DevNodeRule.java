package io.bdt.consensus.rpc;

import io.bdt.consensus.Fixtures;
import io.bdt.consensus.node.DevNetwork;
import io.bdt.consensus.node.Node;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Starts a dev node on a free loopback port for RPC tests. */
final class DevNodeRule {
  private DevNodeRule() {}

  static Node start(Path dir) throws IOException {
    return new Node(DevNetwork.loopback(Fixtures.DEV, dir, Duration.ofSeconds(1), false));
  }
}

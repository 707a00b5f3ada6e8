package io.bdt.consensus.node;

import io.bdt.consensus.Fixtures;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A non-mining dev-chain node in its own JVM for the kill -9 during peer import test: follows the
 * peer at {@code args[1]}, writes its RPC port to DIR/port and runs.
 */
public final class PeerImportTarget {
  private PeerImportTarget() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
    Node node =
        new Node(
            NodeConfig.of(DevNetwork.spec(Fixtures.DEV), dir)
                .withRpc(any)
                .withNodeKey(PeerImportKillTest.FOLLOWER.getEcKeyPair())
                .withPeers(any, List.of(URI.create(args[1]))));
    Path tmp = dir.resolve("port.tmp");
    Files.writeString(tmp, Integer.toString(node.rpcPort()));
    Files.move(tmp, dir.resolve("port"));
    Thread.sleep(Long.MAX_VALUE);
  }
}

package io.bdt.consensus.node;

import io.bdt.consensus.pow.MiningShare;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A dev node in its own JVM for the kill -9 test: writes its RPC port to DIR/port and runs. */
public final class CrashTarget {
  private CrashTarget() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Node node =
        new Node(
            new Node.Config(
                DevNetwork.spec(),
                dir,
                new InetSocketAddress("127.0.0.1", 0),
                Optional.of(DevNetwork.MINER.getEcKeyPair()),
                MiningShare.full(1),
                Duration.ofMillis(200)));
    Path tmp = dir.resolve("port.tmp");
    Files.writeString(tmp, Integer.toString(node.rpcPort()));
    Files.move(tmp, dir.resolve("port"));
    Thread.sleep(Long.MAX_VALUE);
  }
}

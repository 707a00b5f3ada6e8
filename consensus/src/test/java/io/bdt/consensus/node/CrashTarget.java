package io.bdt.consensus.node;

import io.bdt.consensus.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A dev node in its own JVM for the kill -9 test: writes its RPC port to DIR/port and runs. */
public final class CrashTarget {
  private CrashTarget() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Node node = new Node(DevNetwork.loopback(Fixtures.DEV, dir, Duration.ofMillis(200), false));
    Path tmp = dir.resolve("port.tmp");
    Files.writeString(tmp, Integer.toString(node.rpcPort()));
    Files.move(tmp, dir.resolve("port"));
    Thread.sleep(Long.MAX_VALUE);
  }
}

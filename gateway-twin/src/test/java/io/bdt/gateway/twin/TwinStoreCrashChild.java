package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Child process of {@link TwinStoreCheckpointTest}: writes durable updates to 50 twins forever,
 * printing {@code acked THING REVISION} after each one is on disk, and checkpoints (journal
 * rotation, table commit, segment deletion, file compaction) every 20 writes, until it is killed.
 */
public final class TwinStoreCrashChild {

  private TwinStoreCrashChild() {}

  public static void main(String[] args) throws Exception {
    TwinStoreOptions options = TwinStoreOptions.defaults(5).withCheckpointBytes(4096);
    try (TwinStore store = TwinStore.open(Path.of(args[0]), Clock.systemUTC(), options)) {
      System.out.println("ready");
      for (long i = 0; ; i++) {
        String thing = "crash:t" + (i % 50);
        TwinEvent event =
            store.apply(
                thing,
                new TwinUpdate.ReportProperties(
                    "telemetry", JsonNodeFactory.instance.objectNode().put("n", i)),
                true);
        System.out.println("acked " + thing + " " + event.revision());
        if (i % 20 == 19) {
          store.checkpoint();
        }
      }
    }
  }
}

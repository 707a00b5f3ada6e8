package io.bdt.explorer.web;

import io.bdt.explorer.LiveChain;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a populated {@link LiveChain} for the explorer under test to follow. */
public class LiveChainResource implements QuarkusTestResourceLifecycleManager {
  static LiveChain chain;

  @Override
  public Map<String, String> start() {
    try {
      chain = new LiveChain(LiveChain.tempDir()).populate();
    } catch (Exception e) {
      throw new IllegalStateException("the test chain did not start", e);
    }
    return Map.of(
        "bdt.explorer.node-url", chain.rpcUrl(),
        "bdt.explorer.db.url", "jdbc:h2:mem:explorer-pages;DB_CLOSE_DELAY=-1",
        "bdt.explorer.poll-interval", "200ms");
  }

  @Override
  public void stop() {
    if (chain != null) {
      chain.close();
    }
  }
}

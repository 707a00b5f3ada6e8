package io.bdt.explorer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The explorer's settings ({@code bdt.explorer.*}). */
@ConfigMapping(prefix = "bdt.explorer")
public interface ExplorerConfig {

  /** JSON-RPC URL (HTTP) of the node to follow. */
  URI nodeUrl();

  /** JSON-RPC over WebSocket of the same node: newHeads wake the indexer at once. */
  Optional<URI> wsUrl();

  /** How often the indexer polls the head when no newHeads subscription is live. */
  @WithDefault("1s")
  Duration pollInterval();

  /**
   * How often the indexer polls the head while the newHeads subscription is live: only a safety net
   * for a lost notification, since every new head wakes it at once.
   */
  @WithDefault("30s")
  Duration pollIntervalWithNewHeads();

  /** Time limit of one JSON-RPC call. */
  @WithDefault("10s")
  Duration rpcTimeout();

  /** Blocks fetched per JSON-RPC batch while catching up. */
  @WithDefault("20")
  int batchBlocks();

  /** Base URLs of the gateways whose twins the audit page shows (their anchor proof APIs). */
  Optional<List<URI>> gateways();

  /** Bearer token for the gateways' read APIs, if they require one. */
  Optional<String> gatewayToken();

  /**
   * PEM file of the CA that signed the gateways' HTTPS certificates ({@code ./bdt platform}: {@code
   * pki/ca.pem}); the JDK's trust store without it. Host names are verified either way.
   */
  Optional<java.nio.file.Path> caFile();

  /** The index database. */
  Db db();

  /** Where the index lives. */
  interface Db {
    /** JDBC URL: {@code jdbc:h2:file:...} (embedded) or {@code jdbc:postgresql://...}. */
    String url();

    Optional<String> user();

    Optional<String> password();

    /** Pool size. */
    @WithDefault("8")
    int poolSize();
  }
}

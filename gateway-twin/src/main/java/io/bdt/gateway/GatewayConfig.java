package io.bdt.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every {@code bdt.gateway.*} setting (documented in docs/gateway-twin.md, "Configuration"). */
@ConfigMapping(prefix = "bdt.gateway")
public interface GatewayConfig {

  /** The gateway's id, the {@code {gatewayId}} in its topics. */
  @WithDefault("gw1")
  String id();

  /** Directory of the twin journal and the device ledger. */
  @WithDefault("data/gateway")
  String dataDir();

  /** Namespace of the thing ids of this gateway's twins ({@code namespace:deviceId}). */
  @WithDefault("bdt")
  String namespace();

  Mqtt mqtt();

  Twin twin();

  /** Device profiles by id: {@code bdt.gateway.profiles.<id>.key / .secret}. */
  Map<String, Profile> profiles();

  Inference inference();

  Anchor anchor();

  Kafka kafka();

  Chain chain();

  /**
   * The chain the gateway writes device registrations and anchors to; absent {@code rpc-url} = the
   * standalone file ledger and anchor journal. Transactions are signed with {@code
   * inference.signing-key} for {@code inference.chain-id}.
   */
  interface Chain {
    /** JSON-RPC URL of a chain node, e.g. {@code http://127.0.0.1:8545}. */
    Optional<String> rpcUrl();

    /** TwinAnchor address (anchors stay in the file journal only when absent). */
    Optional<String> anchorAddress();

    /** DeviceRegistry address (devices stay in the file ledger only when absent). */
    Optional<String> registryAddress();

    /** Seconds between retries of a chain write that failed. */
    @WithDefault("5")
    double retryPeriod();

    /** How long a device's on-chain status is trusted before it is read again, seconds. */
    @WithDefault("10")
    double statusTtl();

    /**
     * Seconds between two looks at the node's head for DeviceRegistry revocations ({@code
     * RevocationWatch}): a device revoked on chain is disconnected at the broker within this plus
     * one broker round trip of its block reaching the gateway's node.
     */
    @WithDefault("0.2")
    double revocationPoll();
  }

  /** Anchoring of twin snapshots and results. */
  interface Anchor {
    /** Anchor period, seconds (0 disables anchoring). */
    @WithDefault("60")
    double period();
  }

  /** CloudEvents to Kafka. */
  interface Kafka {
    /** Bootstrap servers; when absent no events are published. */
    Optional<String> bootstrapServers();

    /** Topic of twin events. */
    @WithDefault("bdt.twin-events")
    String twinTopic();

    /** Topic of inference results. */
    @WithDefault("bdt.inference-results")
    String inferenceTopic();

    /**
     * Bytes the durable event outbox ({@code <dataDir>/events-outbox}) may hold while Kafka is slow
     * or away; events beyond are dropped and counted, ingest goes on (default 1 GiB).
     */
    @WithDefault("1073741824")
    long outboxMaxBytes();
  }

  /** MQTT connection. */
  interface Mqtt {
    /** Broker URL, e.g. {@code tcp://127.0.0.1:1883}; empty disables MQTT. */
    Optional<String> url();

    /** Telemetry subscriptions' QoS (0 or 1). */
    @WithDefault("1")
    int qos();

    /**
     * The gateway's MQTT client id, stable across restarts so the broker resumes its session;
     * {@code bdt-gateway-<id>} when absent.
     */
    Optional<String> clientId();

    /**
     * How long the broker keeps the gateway's session (its subscriptions and the QoS 1 messages
     * queued for it) while the gateway is away (ISO-8601 duration); {@code PT0S} = a clean session
     * on every connect, messages published meanwhile are lost.
     */
    @WithDefault("PT1H")
    java.time.Duration sessionExpiry();

    /**
     * Longest wait between two automatic reconnect attempts (they start at 1 s and double): also
     * how long a broker that restarted without the gateway's session may take telemetry that no one
     * is subscribed to yet (docs/reliability.md).
     */
    @WithDefault("PT2S")
    java.time.Duration reconnectMaxDelay();

    /**
     * How the broker learns who may connect: {@code extension} (the embedded HiveMQ CE broker with
     * the B-DT device-identity extension), {@code dynamic-security} (Mosquitto 2's plugin), or
     * {@code none} (the broker checks nothing: logged as a warning).
     */
    @WithDefault("none")
    String access();

    /**
     * Username of the Mosquitto dynamic security plugin's admin ({@code access=dynamic-security}):
     * the gateway manages clients and roles as this user.
     */
    @WithDefault("admin")
    String adminUsername();

    /** File holding the plugin admin's password (first line; {@code access=dynamic-security}). */
    Optional<String> adminPasswordFile();

    /** The gateway's MQTT username; {@code gateway:<id>} when a password file is set. */
    Optional<String> username();

    /** File holding the gateway's MQTT password (first line); no password when absent. */
    Optional<String> passwordFile();

    /** PEM file of the CA that signed the broker's certificate ({@code ssl://} URLs). */
    Optional<String> caFile();

    /** PEM client certificate chain for mutual TLS (with {@link #keyFile}). */
    Optional<String> certFile();

    /** PEM private key of {@link #certFile}. */
    Optional<String> keyFile();
  }

  /** Twin store. */
  interface Twin {
    /** How often buffered telemetry updates are forced to disk, milliseconds. */
    @WithDefault("10")
    long syncIntervalMillis();

    /** Journal bytes after which the store checkpoints and deletes older journal segments. */
    @WithDefault("33554432")
    long checkpointBytes();

    /** History events kept per twin (the oldest are removed beyond it). */
    @WithDefault("1000")
    int historyPerTwin();

    /** History events older than this are removed (ISO-8601 duration, e.g. P30D). */
    @WithDefault("P30D")
    java.time.Duration historyMaxAge();

    /** Decoded twins kept in memory (least recently used are re-read from disk). */
    @WithDefault("10000")
    int cachedTwins();

    /** Page cache of the twin tables, MiB. */
    @WithDefault("64")
    int cacheMegabytes();

    /** Twin paths with an equality index for search. */
    @WithDefault("attributes/site")
    java.util.List<String> indexedPaths();
  }

  /** One device profile. */
  interface Profile {
    /** The key devices of this profile name when they provision. */
    String key();

    /**
     * The profile's provisioning secret. The service ships none: a profile without one stops the
     * start ({@link ProfileSecrets}); only Quarkus' dev and test profiles set one.
     */
    Optional<String> secret();
  }

  /** Split inference under the DPRA controller. */
  interface Inference {
    /** Whether sensor windows become inference tasks. */
    @WithDefault("false")
    boolean enabled();

    /**
     * The network's genesis file: its {@code system} section is the parameter set the gateway plans
     * with ({@code tau}, {@code D_0}, {@code eta}, {@code psi}, {@code omega}, {@code R_min},
     * {@code F_m}, ...; docs/dpra.md, "One parameter set"). Required when inference is enabled.
     */
    Optional<java.nio.file.Path> genesis();

    /**
     * Seconds the gateway waits for the slot coordinator's answer (all APs tried in order, lowest
     * index first) before it decides the slot locally.
     */
    @WithDefault("0.5")
    double coordinatorTimeoutSeconds();

    /**
     * Base URLs of the APs (index = AP index {@code m}), {@code https://} unless told otherwise.
     */
    Optional<List<String>> aps();

    /**
     * PEM file of the CA that signed the APs' HTTPS certificates ({@code ./bdt platform}: {@code
     * pki/ca.pem}); the JDK's trust store without it. Host names are verified either way.
     */
    Optional<java.nio.file.Path> caFile();

    /** Index of the AP that serves this gateway, {@code m(n)}. */
    @WithDefault("0")
    int servingAp();

    /** {@code phi_G f_n^G}: this gateway's compute rate, FLOP/s. */
    @WithDefault("1.2e10")
    double gatewayFlopsPerSecond();

    /** Uplink rate assumed before any transfer was measured, bit/s. */
    @WithDefault("1.0e7")
    double initialUplinkRate();

    /** Weight of the newest transfer in the uplink-rate EWMA, in (0, 1]. */
    @WithDefault("0.3")
    double uplinkEwmaWeight();

    /** At most this many windows become tasks per slot ({@code b_n(t)} cap). */
    @WithDefault("16")
    int maxTaskSamples();

    /** Training seed of the vibration classifier the gateway builds. */
    @WithDefault("1")
    long modelSeed();

    /** Lyapunov weight {@code V} of the local (fallback) decision. */
    @WithDefault("10")
    double v();

    /**
     * Hex secp256k1 private key that signs receipts and the gateway's chain transactions, for
     * containers that inject it as an environment variable; never a {@code -D} argument. Prefer
     * {@link #signingKeyFile}. A fresh key if neither is set (receipts only).
     */
    Optional<String> signingKey();

    /**
     * File holding the signing key: hex (owner-only, as {@code ./bdt platform} writes it) or a
     * Web3j keystore (password from {@link #signingKeyPasswordFile} or {@code BDT_KEY_PASSWORD}).
     * Wins over {@link #signingKey}.
     */
    Optional<java.nio.file.Path> signingKeyFile();

    /** File holding the password of a keystore {@link #signingKeyFile}. */
    Optional<java.nio.file.Path> signingKeyPasswordFile();

    /** Chain id in the receipt's EIP-712 domain. */
    @WithDefault("1337")
    long chainId();

    /** ReputationLedger address in the receipt's EIP-712 domain. */
    @WithDefault("0x0000000000000000000000000000000000000000")
    String ledgerAddress();
  }
}

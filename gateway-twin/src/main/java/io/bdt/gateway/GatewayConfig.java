package io.bdt.gateway;

import io.bdt.optimizer.dpra.SystemParameters;
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
    /**
     * JSON-RPC URL of a chain node, e.g. {@code http://127.0.0.1:8545}, or several separated by
     * commas: calls go to the first and move to the next when it does not answer ({@code
     * chain.ChainNodes}).
     */
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

    /**
     * Index of this gateway's home AP, {@code m(n)}: the first AP it lists in its demand. The slot
     * coordinator chooses the serving AP of each slot among every AP of {@link #aps}; the local
     * fallback serves from this one.
     */
    @WithDefault("0")
    int servingAp();

    /** The uplink to each AP: the system model's channel and how offloads are shaped to it. */
    Channel channel();

    /** {@code phi_G f_n^G}: this gateway's compute rate, FLOP/s. */
    @WithDefault("1.2e10")
    double gatewayFlopsPerSecond();

    /** Uplink rate assumed before any transfer was measured, bit/s. */
    @WithDefault("1.0e7")
    double initialUplinkRate();

    /**
     * Weight of the newest task in the running fits of the fixed costs and rates (head runs against
     * FLOPs, offloads against bits; docs/dpra.md "Fixed costs in the slot cost"), in (0, 1].
     */
    @WithDefault("0.05")
    double costFitWeight();

    /** At most this many windows become tasks per slot ({@code b_n(t)} cap). */
    @WithDefault("16")
    int maxTaskSamples();

    /**
     * The registered model this gateway's device class feeds (docs/platform.md, "Device classes"):
     * {@code vibration} (accelerometer windows) or a zoo model's name, e.g. {@code mobilenetv2}
     * (camera frames). A window is one input sample of it; the APs must register it too ({@code
     * bdt.ap.models}).
     */
    @WithDefault("vibration")
    String model();

    /**
     * This gateway's compute class as a fraction of the host's speed, in (0, 1]: every head run is
     * stretched to {@code measured / scale} (the gateway waits out the difference), so gateways of
     * different classes on one machine measure, and are planned with, different {@code phi_G
     * f_n^G}.
     */
    @WithDefault("1")
    double computeScale();

    /** Training seed of the vibration classifier the gateway builds. */
    @WithDefault("1")
    long modelSeed();

    /** Lyapunov weight {@code V} of the local (fallback) decision. */
    @WithDefault(SystemParameters.LIVE_V)
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

  /**
   * The gateway's uplink to each AP per the system model (docs/dpra.md, "Association and the uplink
   * live"): {@code r_nm(t) = B log2(1 + p g_nm(t) / (N0 B))}, {@code g_nm(t) = beta0 d_nm^(-alpha)
   * |h_nm(t)|^2} with Rayleigh fading drawn per slot and AP. Without {@link #apDistancesMeters}
   * there is no channel: the rate is the measured EWMA and nothing is shaped.
   */
  interface Channel {
    /** {@code d_nm}: distance to each AP of {@code aps}, metres, in the same order. */
    Optional<List<Double>> apDistancesMeters();

    /** {@code B_n}: uplink bandwidth, Hz. */
    @WithDefault("10e6")
    double bandwidthHz();

    /** {@code p_n}: transmit power, W. */
    @WithDefault("0.2")
    double transmitPowerWatts();

    /** {@code N0}: noise power spectral density, dBm/Hz. */
    @WithDefault("-174")
    double noiseDensityDbmPerHz();

    /** Path loss at 1 km, dB ({@code 128.1 + 37.6 log10(d_km)}: 3GPP urban macro). */
    @WithDefault("128.1")
    double pathLossInterceptDb();

    /** Path loss per decade of distance, dB. */
    @WithDefault("37.6")
    double pathLossSlopeDb();

    /** Seed of the fading draws (with the slot number: the same slot draws the same rates). */
    @WithDefault("1")
    long seed();

    /**
     * How an offload's bits are paced to the slot's rate to its AP: {@code token-bucket} (the
     * offload client takes the frame's bits from a per-AP bucket filled at {@code r_nm(t)}, so the
     * request leaves when the rate allows it) or {@code none} (as fast as the network goes).
     */
    @WithDefault("token-bucket")
    Shaping shaping();

    /** The bucket's depth, bits: what may leave at once after an idle period. */
    @WithDefault("12000")
    double bucketBits();
  }

  /** Uplink shaping in the offload client. */
  enum Shaping {
    TOKEN_BUCKET,
    NONE
  }
}

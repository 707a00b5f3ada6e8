package io.bdt.ap;

import io.bdt.optimizer.dpra.SystemParameters;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The AP's configuration ({@code bdt.ap.*}; env {@code BDT_AP_*}); units in each name's doc. */
@ConfigMapping(prefix = "bdt.ap")
public interface ApConfig {

  /**
   * The AP's private key (hex): its chain address, miner key and receipt submitter. For containers
   * that inject secrets as environment variables ({@code BDT_AP_KEY}); never pass it as a {@code
   * -D} argument (visible to every user in {@code /proc/<pid>/cmdline}). Prefer {@link #keyFile}.
   */
  Optional<String> key();

  /**
   * File holding the AP's key: hex (owner-only, as {@code ./bdt platform} writes it) or a Web3j
   * keystore (JSON; its password from {@link #keyPasswordFile} or {@code BDT_KEY_PASSWORD}). Wins
   * over {@link #key}.
   */
  Optional<Path> keyFile();

  /** File holding the password of a keystore {@link #keyFile}. */
  Optional<Path> keyPasswordFile();

  /**
   * Cores the budget stands for; 0 = the JVM's available processors. The budget {@code F_m} itself,
   * like {@code tau} and {@code R_min}, is the genesis' {@code system} section (docs/dpra.md, "One
   * parameter set").
   */
  @WithDefault("0")
  int cores();

  /** Most tasks waiting in the offload queue before the AP answers 503. */
  @WithDefault("64")
  int maxQueue();

  /** Directory of the split tail models. */
  @WithDefault("target/ap/models")
  Path modelCache();

  /**
   * The model registry: the models whose tails this AP serves, each known by the SHA-256 of its
   * ONNX bytes (docs/dnn.md, "Model identity"). An entry is a zoo model's name, an ONNX file, or a
   * directory (every {@code *.onnx} in it). Every model is read once at start to hash it.
   */
  @WithDefault("vibration")
  List<String> models();

  /** Whole models (their analyses, with weights) kept in memory; the least recently used goes. */
  @WithDefault("4")
  int loadedModels();

  /** Tail sessions (model, cut, threads) kept open; the least recently used is closed. */
  @WithDefault("64")
  int tailSessions();

  /**
   * Registered models (by name) whose tails are split, loaded and run once at start, for 1..{@link
   * #cores()} threads each; {@code /q/health/ready} is DOWN until that is done, so no task pays the
   * first-use cost. Other registered models load on their first task.
   */
  @WithDefault("vibration")
  List<String> warmModels();

  /** The chain node's settings. */
  Chain chain();

  /** The chain node this AP runs. */
  interface Chain {
    /** Genesis file (the consensus module's format). */
    Path genesis();

    /** Data directory of the node (blocks, state). */
    Path data();

    /**
     * Address the node's JSON-RPC and peer-to-peer listeners bind to: loopback by default (one
     * machine); {@code 0.0.0.0} where other hosts' APs, gateways or the explorer must reach them
     * (the Kubernetes manifests set it). The JSON-RPC limits and P2P admission apply either way.
     */
    @WithDefault("127.0.0.1")
    String host();

    /** JSON-RPC port; 0 = any free port. */
    @WithDefault("0")
    int rpcPort();

    /** Peer-to-peer port; 0 = any free port. */
    @WithDefault("0")
    int p2pPort();

    /**
     * The host other APs dial to reach this node's P2P port, sent to them in every message: absent
     * = {@link #host()} unless that is {@code 0.0.0.0}, then this machine's host name. The
     * Kubernetes manifests set the pod's DNS name in the headless Service ({@code ap-0.ap}).
     */
    Optional<String> advertisedHost();

    /**
     * P2P TLS ({@code wss://}, mutual): the PEM CA file the other APs' certificates must chain to;
     * with {@link #tlsCertFile()} and {@link #tlsKeyFile()} (all three or none; none = plain {@code
     * ws://}). See docs/security.md, "P2P admission".
     */
    Optional<Path> tlsCaFile();

    /** This node's P2P certificate (PEM chain, server and client purpose: PlatformCa.issuePeer). */
    Optional<Path> tlsCertFile();

    /** The key of {@link #tlsCertFile()} (PEM PKCS#8, owner-only). */
    Optional<Path> tlsKeyFile();

    /**
     * JSON-RPC over WebSocket port ({@code eth_subscribe}: the explorer follows {@code newHeads} on
     * it), on {@code host}; off when absent, 0 = any free port.
     */
    Optional<Integer> wsPort();

    /** Peer URLs ({@code http://host:port}) of the other APs' nodes. */
    Optional<List<String>> peers();

    /** {@code f_m^B} at start, Hz: the node mines with this share (see docs/access-point.md). */
    @WithDefault("1.0e10")
    double miningShare();

    /**
     * Seconds a gateway's mining-share decision counts without a newer one from that gateway
     * (docs/access-point.md, "Mining share at runtime").
     */
    @WithDefault("10")
    double miningDecisionTtlSeconds();

    /** Least seconds between a change of the miner's share and a following increase. */
    @WithDefault("1")
    double miningShareMinSeconds();

    /** Seconds between empty blocks when no transaction waits. */
    @WithDefault("2")
    double emptyBlockSeconds();

    /** ReputationLedger address; without it receipts are held but not submitted. */
    Optional<String> ledger();

    /**
     * Gateways whose receipts the AP co-signs (addresses); absent = the gateways registered in the
     * ReputationLedger (read from the chain).
     */
    Optional<List<String>> gateways();

    /** Most receipts per {@code submitReceipts} transaction. */
    @WithDefault("20")
    int receiptBatch();

    /** Seconds between receipt submissions. */
    @WithDefault("2")
    double submitSeconds();

    /**
     * Seconds between keeper runs that settle idle APs' decay on chain (every AP settles every AP
     * whose open slot the receipt window has passed).
     */
    @WithDefault("30")
    double settleSeconds();
  }

  /**
   * Seconds a gateway request's {@code X-Bdt-Timestamp} may differ from this AP's clock; nonces are
   * remembered for as long (docs/security.md, "Gateway-to-AP proof").
   */
  @WithDefault("30")
  double gatewayProofWindowSeconds();

  /** The slot coordinator's settings (docs/dpra.md, "The slot coordinator"). */
  Coordinator coordinator();

  /** How this AP decides the slots of the gateways that post their demand to it. */
  interface Coordinator {
    /** Lyapunov weight {@code V} of the joint decision (the gateways' fallback has its own). */
    @WithDefault(SystemParameters.LIVE_V)
    double v();

    /**
     * The policy of the joint decision: {@code DPRA}, or one of the simulator's baselines ({@code
     * LOCAL_ONLY}, {@code FULL_OFFLOAD}, {@code FIXED_BEST}, {@code GREEDY}, {@code RANDOM}, {@code
     * NEUROSURGEON}; the names are the optimizer's {@code Algorithms.NAMES}), for {@code ./bdt
     * reproduce --live}. An unknown name stops the start, naming the valid ones.
     */
    @WithDefault("DPRA")
    String policy();

    /** Seed of a policy that draws ({@code RANDOM}). */
    @WithDefault("1")
    long seed();

    /**
     * Seconds a slot's round gathers demands after its first one arrives; it closes earlier once
     * every gateway that posted within the last 10 slots has posted.
     */
    @WithDefault("0.2")
    double gatherSeconds();

    /**
     * HTTPS base URLs of every AP, in the genesis' {@code accessPoints} order (this one included):
     * where the coordinator sends each AP its mining share. Absent: only this AP's own share is
     * set.
     */
    Optional<List<String>> aps();

    /** PEM CA file the other APs' HTTPS certificates chain to; the JDK's trust store without it. */
    Optional<Path> caFile();
  }
}

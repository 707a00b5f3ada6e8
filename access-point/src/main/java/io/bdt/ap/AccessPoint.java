package io.bdt.ap;

import io.bdt.ap.chain.ApChain;
import io.bdt.ap.chain.MiningDecisions;
import io.bdt.ap.chain.MiningShares;
import io.bdt.ap.coordinator.ApQueues;
import io.bdt.ap.coordinator.PeerShares;
import io.bdt.ap.coordinator.SlotCoordinator;
import io.bdt.ap.coordinator.SlotDemand;
import io.bdt.ap.offload.OffloadLane;
import io.bdt.ap.offload.ShareClaims;
import io.bdt.ap.offload.TailModels;
import io.bdt.ap.offload.TailWarmup;
import io.bdt.ap.receipt.ReceiptBook;
import io.bdt.ap.receipt.ServedTasks;
import io.bdt.ap.status.ReputationTrack;
import io.bdt.ap.trust.GatewayProofs;
import io.bdt.ap.trust.LedgerGatewayDirectory;
import io.bdt.consensus.chain.ChainSpec;
import io.bdt.contracts.keys.ChainKey;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.registry.ModelRefused;
import io.bdt.dnn.registry.ModelRegistry;
import io.bdt.optimizer.cost.CostTable;
import io.bdt.optimizer.dpra.Policy;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.joint.ApState;
import io.bdt.optimizer.joint.JointSlot;
import io.bdt.optimizer.sim.Algorithms;
import io.bdt.parameters.ChainParameters;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * One access point {@code m}: its offload lane, the receipts it holds, its chain node, and the
 * per-slot loop that reads its reputation, advances its virtual queue and submits receipts.
 */
@ApplicationScoped
public class AccessPoint {
  private static final Logger LOG = LoggerFactory.getLogger(AccessPoint.class);

  private final ApConfig config;
  private final MeterRegistry metrics;
  private TailModels tails;
  private OffloadLane lane;
  private ReceiptBook receipts;
  private ServedTasks servedTasks;
  private ApChain chain;
  private ReputationTrack track;
  private ApLoops loops;
  private final SkippedSlots skippedSlots = new SkippedSlots();
  private MiningDecisions mining;
  private ShareClaims shareClaims;
  private GatewayProofs gatewayProofs;
  private GatewayProofs peerProofs;
  private ChainParameters parameters;
  private ApQueues queues;
  private int selfIndex;
  private SlotCoordinator coordinator;
  private PeerShares peerShares;
  private ScheduledExecutorService coordinatorTimer;
  private final Map<ModelHash, CostTable> costTables = new ConcurrentHashMap<>();
  private final AtomicLong rejectedShareHeaders = new AtomicLong();
  private int cores;
  private TailWarmup warmup;

  public AccessPoint(ApConfig config, MeterRegistry metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  /**
   * How long an offload for a slot waits for the coordinator's push of that slot's assignments (the
   * push's own timeout), while a coordinator decides the slots.
   */
  static final Duration PUSH_WAIT = Duration.ofSeconds(1);

  /** The record of served tasks, in the node's data directory ({@code bdt.ap.chain.data}). */
  static final String SERVED_TASKS_FILE = "served-tasks.log";

  void start(@Observes StartupEvent ev) throws IOException {
    cores = config.cores() > 0 ? config.cores() : Runtime.getRuntime().availableProcessors();
    Credentials key =
        ChainKey.resolve(
                "bdt.ap.key-file", config.key(), config.keyFile(), config.keyPasswordFile())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "bdt.ap.key-file (or BDT_AP_KEY): the AP needs its chain key"));
    ChainSpec spec = ChainSpec.read(config.chain().genesis());
    // F_m, tau, R_min and the joint decision's constants: the genesis' system section
    parameters = spec.parameters();
    double budget = parameters.apBudgetHz();
    ModelRegistry registry;
    try {
      registry = ModelRegistry.of(config.models());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("bdt.ap.models: " + e.getMessage(), e);
    }
    registry
        .entries()
        .forEach(m -> LOG.info("serving model {} {} ({})", m.name(), m.hash(), m.source()));
    tails =
        new TailModels(config.modelCache(), registry, config.loadedModels(), config.tailSessions());
    lane = new OffloadLane(tails, budget, cores, config.maxQueue());
    warmup = TailWarmup.start(tails, config.warmModels(), cores);
    queues =
        new ApQueues(
            spec.accessPoints().stream().map(ChainSpec.AccessPoint::address).toList(),
            parameters.rMin(),
            parameters.slotSeconds());
    selfIndex = queues.indexOf(key.getAddress());
    track = selfIndex >= 0 ? queues.track(selfIndex) : new ReputationTrack(parameters.rMin());
    Optional<String> ledger =
        config.chain().ledger().or(() -> Optional.ofNullable(spec.reputationLedger()));
    double miningShareHz = config.chain().miningShare();
    List<URI> peers = config.chain().peers().orElse(List.of()).stream().map(URI::create).toList();
    chain =
        new ApChain(
            spec,
            config.chain().data(),
            key,
            MiningShares.of(miningShareHz, budget, cores),
            Duration.ofMillis((long) (config.chain().emptyBlockSeconds() * 1000)),
            new java.net.InetSocketAddress(config.chain().host(), config.chain().rpcPort()),
            new java.net.InetSocketAddress(config.chain().host(), config.chain().p2pPort()),
            config.chain().advertisedHost(),
            p2pTls(config.chain()),
            config
                .chain()
                .wsPort()
                .map(p -> new java.net.InetSocketAddress(config.chain().host(), p)),
            peers,
            ledger);
    // receipts only from registered gateways: the configured list, else the ledger's registry
    Optional<Set<String>> gateways =
        config
            .chain()
            .gateways()
            .map(l -> l.stream().map(String::toLowerCase).collect(Collectors.toSet()));
    // the tasks served survive a restart: a receipt may come after the AP restarted
    servedTasks =
        ServedTasks.open(config.chain().data().resolve(SERVED_TASKS_FILE), ReceiptBook.SERVED_KEPT);
    receipts =
        new ReceiptBook(
            key.getAddress(),
            spec.chainId(),
            ledger.orElse("0x0000000000000000000000000000000000000000"),
            gateways.isPresent() ? gateways.get()::contains : chain::isRegisteredGateway,
            servedTasks);
    mining =
        new MiningDecisions(
            chain.node()::setMiningShare,
            budget,
            cores,
            miningShareHz,
            Duration.ofMillis((long) (config.chain().miningDecisionTtlSeconds() * 1000)),
            Duration.ofMillis((long) (config.chain().miningShareMinSeconds() * 1000)),
            Clock.systemUTC());
    shareClaims =
        new ShareClaims(
            budget,
            mining::decidedHz,
            this::receiptWindowHolds,
            PUSH_WAIT.toNanos(),
            SlotCoordinator.RECENT_SLOTS);
    gatewayProofs =
        new GatewayProofs(
            ledger
                .<io.bdt.ap.trust.GatewayDirectory>map(
                    l ->
                        new LedgerGatewayDirectory(
                            chain,
                            l,
                            Clock.systemUTC(),
                            Duration.ofMinutes(1),
                            Duration.ofSeconds(5)))
                .orElse(
                    address -> {
                      throw new IOException("no ReputationLedger configured (bdt.ap.chain.ledger)");
                    }),
            Clock.systemUTC(),
            Duration.ofMillis((long) (config.gatewayProofWindowSeconds() * 1000)),
            key.getAddress());
    peerProofs =
        new GatewayProofs(
            address -> queues.indexOf(address) >= 0,
            Clock.systemUTC(),
            Duration.ofMillis((long) (config.gatewayProofWindowSeconds() * 1000)),
            key.getAddress());
    startCoordinator(key);
    ApMetrics.register(metrics, this);
    loops =
        new ApLoops(
            config.chain(),
            parameters.slotSeconds(),
            chain,
            receipts,
            mining,
            queues,
            selfIndex,
            track,
            skippedSlots,
            () -> logMiningShare("deferred"));
    LOG.info(
        "AP {} up: budget {} Hz on {} cores, chain RPC {}, p2p {}, peers {}, ledger {}",
        key.getAddress(),
        budget,
        cores,
        chain.rpcUrl(),
        chain.p2pUrl(),
        peers,
        ledger.orElse("none"));
  }

  /** The slot coordinator of the gateways that post their demands here, and its mining pushes. */
  private void startCoordinator(Credentials key) throws IOException {
    ApConfig.Coordinator c = config.coordinator();
    peerShares =
        new PeerShares(
            c.aps().orElse(List.of()),
            queues.addresses(),
            selfIndex,
            (slot, hz, gateways) -> {
              jointMiningShare(slot, hz, key.getAddress());
              shareClaims.assigned(slot, hz, gateways);
            },
            key.getEcKeyPair(),
            io.bdt.pki.TlsContexts.trusting(c.caFile()),
            Clock.systemUTC());
    coordinatorTimer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("ap-coordinator").daemon().factory());
    SystemParameters system = SystemParameters.of(parameters, c.v());
    Policy policy;
    try {
      policy = Algorithms.named(c.policy(), system, c.seed());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bdt.ap.coordinator.policy: " + e.getMessage(), e);
    }
    if (!policy.name().equals(Algorithms.NAMES.getFirst())) {
      LOG.warn("the slot coordinator decides with the baseline {}, not DPRA", policy.name());
    }
    coordinator =
        new SlotCoordinator(
            new JointSlot(system, policy),
            this::apStates,
            peerShares,
            Duration.ofMillis((long) (c.gatherSeconds() * 1000)),
            coordinatorTimer);
  }

  /**
   * Every AP's state for a joint decision, in genesis order: {@code F_m} of the parameter set
   * ({@link ApState#UNREACHABLE} for an AP that did not take its last mining share), {@code R_m}
   * from this AP's chain node, {@code Q_m} from {@link ApQueues}.
   */
  private List<ApState> apStates() {
    List<ApState> states = new java.util.ArrayList<>();
    for (int m = 0; m < queues.addresses().size(); m++) {
      if (!peerShares.reachable(m)) {
        states.add(ApState.UNREACHABLE);
        continue;
      }
      double reputation;
      try {
        reputation = chain.currentReputation(queues.addresses().get(m));
      } catch (IOException e) {
        reputation = queues.track(m).reputation();
      }
      states.add(new ApState(parameters.apBudgetHz(), reputation, queues.track(m).queue()));
    }
    return states;
  }

  /** The node's P2P TLS files, if the AP is configured with them (all three, or none). */
  static Optional<io.bdt.consensus.p2p.PeerTls> p2pTls(ApConfig.Chain chain) {
    if (chain.tlsCaFile().isEmpty()
        && chain.tlsCertFile().isEmpty()
        && chain.tlsKeyFile().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new io.bdt.consensus.p2p.PeerTls(
            chain.tlsCaFile().orElse(null),
            chain.tlsCertFile().orElse(null),
            chain.tlsKeyFile().orElse(null)));
  }

  /** Whether the tails of {@code bdt.ap.warm-models} are loaded and have run once. */
  public boolean tailsWarm() {
    return warmup != null && warmup.warm();
  }

  /** Why warming the tails failed, or null. */
  public String warmError() {
    return warmup == null ? null : warmup.error();
  }

  void stop(@Observes ShutdownEvent ev) {
    if (loops != null) {
      loops.close();
    }
    if (coordinatorTimer != null) {
      coordinatorTimer.shutdownNow();
    }
    if (chain != null) {
      chain.close();
    }
    try {
      if (servedTasks != null) {
        servedTasks.close();
      }
      if (tails != null) {
        tails.close();
      }
    } catch (Exception e) {
      throw new UncheckedIOException(new IOException("closing tail sessions", e));
    }
  }

  public OffloadLane lane() {
    return lane;
  }

  public ReceiptBook receipts() {
    return receipts;
  }

  public ApChain chain() {
    return chain;
  }

  public ReputationTrack track() {
    return track;
  }

  public ApConfig config() {
    return config;
  }

  /** {@code f_m^B} the live decisions ask for (their smallest), Hz. */
  public double miningShareHz() {
    return mining.decidedHz();
  }

  /** The gateways' mining-share decisions and the share the node's miner runs with. */
  public MiningDecisions mining() {
    return mining;
  }

  /**
   * Takes {@code gateway}'s decision for {@code slot} (-1: unknown): {@code hz} is its {@code
   * f_m^B}, validated by the caller; applied to the running miner by {@link MiningDecisions}' rule.
   */
  public MiningDecisions.Outcome decidedMiningShare(String gateway, long slot, double hz) {
    queues.demandSeen(System.currentTimeMillis());
    MiningDecisions.Outcome outcome = mining.offer(gateway, slot, hz);
    if (outcome == MiningDecisions.Outcome.APPLIED) {
      logMiningShare("gateway " + gateway + ", slot " + slot);
    }
    return outcome;
  }

  private void logMiningShare(String why) {
    MiningDecisions.InForce f = mining.inForce();
    LOG.info(
        "mining share now {} Hz: {} threads at duty cycle {} ({})",
        f.miningShareHz(),
        f.miner().threads(),
        f.miner().dutyCycle(),
        why);
  }

  /**
   * Takes the coordinator's joint decision for this AP's mining share in {@code slot}; applied to
   * the running miner by {@link MiningDecisions}' rule (it wins over the gateways' own decisions).
   */
  public MiningDecisions.Outcome jointMiningShare(long slot, double hz, String coordinator) {
    queues.demandSeen(System.currentTimeMillis());
    MiningDecisions.Outcome outcome = mining.joint(slot, hz, coordinator);
    if (outcome == MiningDecisions.Outcome.APPLIED) {
      logMiningShare("joint decision of slot " + slot + " by " + coordinator);
    }
    return outcome;
  }

  /** The network's parameter set (the genesis' {@code system} section). */
  public ChainParameters parameters() {
    return parameters;
  }

  /** {@code F_m}, Hz: the parameter set's. */
  public double budget() {
    return parameters.apBudgetHz();
  }

  /** The coordinator's pushes of mining shares to the other APs. */
  PeerShares peerShares() {
    return peerShares;
  }

  /** The slot coordinator this AP runs for the gateways that post to it. */
  public SlotCoordinator coordinator() {
    return coordinator;
  }

  /** Every AP's virtual queue, as this AP tracks it from the chain. */
  public ApQueues queues() {
    return queues;
  }

  /** Checks that a request comes from an AP of the genesis (the coordinator's pushes). */
  public GatewayProofs peerProofs() {
    return peerProofs;
  }

  /**
   * The cost table of the model a demand names, from this AP's own analysis of that registered
   * model.
   *
   * @throws SlotCoordinator.Refused {@code UNKNOWN_MODEL} when this AP does not serve it
   */
  public CostTable modelCosts(SlotDemand demand) throws SlotCoordinator.Refused {
    ModelHash hash = new ModelHash(demand.modelHash());
    CostTable known = costTables.get(hash);
    if (known != null) {
      return known;
    }
    try {
      CostTable table = tails.analysis(demand.model(), hash).costTable(demand.model());
      costTables.put(hash, table);
      return table;
    } catch (ModelRefused e) {
      throw coordinator.refuse(SlotCoordinator.Refusal.UNKNOWN_MODEL, e.getMessage());
    }
  }

  /** Counts an offload refused for a bad share or slot header. */
  public void rejectedShareHeader() {
    rejectedShareHeaders.incrementAndGet();
  }

  /** Offloads refused for a bad share or slot header since start. */
  public long rejectedShareHeaders() {
    return rejectedShareHeaders.get();
  }

  /** Slots whose virtual queues did not all advance (no reputation read), by reason. */
  SkippedSlots skippedSlots() {
    return skippedSlots;
  }

  /**
   * Whether the ledger takes receipts for {@code slot} now, on its slot clock; true while the clock
   * cannot be read (no ledger yet).
   */
  private boolean receiptWindowHolds(long slot) {
    return chain.slotClock().map(c -> c.accepts(slot, c.slotAt(Clock.systemUTC()))).orElse(true);
  }

  /** Checks the shares gateways claim with their offloads and receipts against the slot. */
  public ShareClaims shareClaims() {
    return shareClaims;
  }

  /** This AP's index in the genesis' {@code accessPoints} ({@code -1}: not one of them). */
  public int selfIndex() {
    return selfIndex;
  }

  /** Checks that a request comes from a registered gateway (docs/security.md). */
  public GatewayProofs gatewayProofs() {
    return gatewayProofs;
  }

  public int cores() {
    return cores;
  }
}

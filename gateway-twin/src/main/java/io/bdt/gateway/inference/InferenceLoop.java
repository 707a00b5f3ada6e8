package io.bdt.gateway.inference;

import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.storage.StorageUnavailableException;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.parameters.ChainParameters;
import io.bdt.pki.TlsContexts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * The gateway's per-slot inference loop. Every {@code tau} seconds (the genesis' slot length, at
 * the slot boundaries) it takes the pending sensor windows ({@code b_n(t)} of them), has the {@link
 * SlotPlanner} decide the slot (the slot coordinator's joint decision, or a local one when no
 * coordinator answers) and the {@link TaskRunner} run each window at the planned cut; it records
 * predicted and measured latency, and hands every result to its listeners and the anchoring.
 */
@ApplicationScoped
public class InferenceLoop {

  private static final Logger LOG = Logger.getLogger(InferenceLoop.class);

  private final GatewayConfig config;
  private final SensorWindows windows;
  private final TwinStore twins;
  private final MeterRegistry registry;
  private final List<Consumer<TaskResult>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<TaskResult> unanchored = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Counter> cutCounters = new HashMap<>();
  private SplitHeads heads;
  private SlotPlanner planner;
  private TaskRunner runner;
  private ReceiptSigner signer;
  private ScheduledExecutorService executor;
  private DistributionSummary predicted;
  private DistributionSummary measured;
  private Counter tasksDeferred;
  private Counter tasksFailed;
  private LedgerSlots slots;
  private long slot;

  public InferenceLoop(
      GatewayConfig config, SensorWindows windows, TwinStore twins, MeterRegistry registry) {
    this.config = config;
    this.windows = windows;
    this.twins = twins;
    this.registry = registry;
  }

  void start(@Observes StartupEvent event) throws IOException {
    GatewayConfig.Inference c = config.inference();
    if (!c.enabled()) {
      return;
    }
    List<String> apUrls = c.aps().orElse(List.of());
    if (!(c.computeScale() > 0 && c.computeScale() <= 1)) {
      throw new IllegalArgumentException(
          "bdt.gateway.inference.compute-scale must be in (0, 1], got " + c.computeScale());
    }
    try {
      heads = SplitHeads.of(c.model(), Path.of(config.dataDir()).resolve("models"), c.modelSeed());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bdt.gateway.inference.model: " + e.getMessage(), e);
    }
    windows.windowLength(heads.inputLength());
    long warmStart = System.nanoTime();
    try {
      int warmed = heads.warm();
      LOG.infof(
          "heads of %s (%d cuts, %d values per window) warm: %d sessions in %d ms",
          heads.modelName(),
          heads.fullyLocalCut() + 1,
          heads.inputLength(),
          warmed,
          (System.nanoTime() - warmStart) / 1_000_000);
    } catch (ai.onnxruntime.OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot run the heads of " + c.model(), e);
    }
    java.nio.file.Path genesis =
        c.genesis()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "bdt.gateway.inference.genesis: the network's genesis file is required"
                            + " with inference (its system section is the parameter set)"));
    ChainParameters chainParameters = ChainParameters.readGenesis(genesis);
    FixedCostEstimator uplink =
        new FixedCostEstimator(
            Math.max(1, apUrls.size()),
            c.gatewayFlopsPerSecond(),
            c.initialUplinkRate(),
            c.costFitWeight());
    ApSpeedEstimator apSpeed = new ApSpeedEstimator(Math.max(1, apUrls.size()), c.costFitWeight());
    ECKeyPair key =
        io.bdt.contracts.keys.ChainKey.resolve(
                "bdt.gateway.inference.signing-key-file",
                c.signingKey(),
                c.signingKeyFile(),
                c.signingKeyPasswordFile())
            .map(org.web3j.crypto.Credentials::getEcKeyPair)
            .orElseGet(InferenceLoop::createKey);
    signer = new ReceiptSigner(key, c.chainId(), c.ledgerAddress());
    java.util.Optional<UplinkChannel> channel = UplinkChannel.of(c.channel(), apUrls.size());
    UplinkShaper shaper =
        channel.isPresent() && c.channel().shaping() == GatewayConfig.Shaping.TOKEN_BUCKET
            ? new UplinkShaper(c.channel().bucketBits())
            : null;
    ApClient aps =
        new ApClient(key, java.time.Clock.systemUTC(), TlsContexts.trusting(c.caFile()), shaper);
    planner =
        new SlotPlanner(c, heads, aps, uplink, apSpeed, channel, shaper, chainParameters, registry);
    runner =
        new TaskRunner(
            config.namespace(),
            heads,
            c.computeScale(),
            aps,
            uplink,
            apSpeed,
            signer,
            chainParameters,
            twins,
            registry);
    slots =
        new LedgerSlots(config.chain().rpcUrl(), c.ledgerAddress(), chainParameters.slotSeconds());
    predicted =
        DistributionSummary.builder("bdt.inference.latency.predicted")
            .description("DPRA-predicted task latency D_n per sample, seconds")
            .baseUnit("seconds")
            .register(registry);
    measured =
        DistributionSummary.builder("bdt.inference.latency.measured")
            .description("measured task latency per sample (head + transfer + AP), seconds")
            .baseUnit("seconds")
            .register(registry);
    tasksDeferred =
        Counter.builder("bdt.inference.tasks.deferred")
            .description("windows a slot put back for a later slot because the twin store refused")
            .register(registry);
    tasksFailed =
        Counter.builder("bdt.inference.tasks.failed")
            .description("windows whose task failed with an error of its own (logged)")
            .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "bdt.inference.offload.tail.loads", uplink, FixedCostEstimator::tailLoadsLeftOut)
        .description(
            "offloads whose AP first split and loaded the cut's tail: left out of the fixed-cost"
                + " fit")
        .register(registry);
    io.micrometer.core.instrument.Gauge.builder(
            "bdt.inference.windows.pending", windows, SensorWindows::pending)
        .description(
            "sensor windows waiting for a slot (kept in the inference window log until their"
                + " result is durable)")
        .register(registry);
    long periodMicros = Math.round(chainParameters.slotSeconds() * 1e6);
    // run at the slot boundaries (+10 ms), so every gateway's demand reaches the coordinator early
    // in the same slot
    long firstMicros = periodMicros - (System.currentTimeMillis() * 1000) % periodMicros + 10_000;
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dpra-slot-loop");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleAtFixedRate(this::safeSlot, firstMicros, periodMicros, TimeUnit.MICROSECONDS);
    LOG.infof(
        "inference loop: tau=%.3f s, %d AP(s), uplink %s, gateway %s signs receipts; parameter"
            + " set %s",
        chainParameters.slotSeconds(),
        apUrls.size(),
        channel.isEmpty()
            ? "measured (no channel configured)"
            : "from the channel model, " + (shaper == null ? "not shaped" : "token-bucket shaped"),
        signer.address(),
        chainParameters);
  }

  private static ECKeyPair createKey() {
    try {
      return Keys.createEcKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("could not create a secp256k1 key", e);
    }
  }

  void stop(@Observes ShutdownEvent event) throws Exception {
    if (executor != null) {
      executor.shutdownNow();
      executor.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (heads != null) {
      heads.close();
    }
  }

  /** Adds a listener for every finished task (Kafka events). */
  public void subscribe(Consumer<TaskResult> listener) {
    listeners.add(listener);
  }

  /** Removes and returns results not yet anchored. */
  public List<TaskResult> drainUnanchored() {
    List<TaskResult> out = new ArrayList<>();
    TaskResult r;
    while ((r = unanchored.poll()) != null) {
      out.add(r);
    }
    return out;
  }

  /** The gateway's receipt-signing address, or empty when inference is off. */
  public java.util.Optional<String> gatewayAddress() {
    return signer == null ? java.util.Optional.empty() : java.util.Optional.of(signer.address());
  }

  private void safeSlot() {
    try {
      runSlot();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warnf(e, "slot %d failed", slot);
    }
  }

  /** Runs one slot now (also used by tests through the scheduler). */
  synchronized void runSlot() throws Exception {
    long t = slots.current();
    slot = t;
    GatewayConfig.Inference c = config.inference();
    List<SensorWindow> tasks = windows.take(c.maxTaskSamples());
    if (tasks.isEmpty()) {
      return;
    }
    List<String> urls = c.aps().orElse(List.of());
    OffloadPlan plan = planner.plan(t, tasks.size(), urls);
    int cut = plan.cut();
    cutCounters
        .computeIfAbsent(
            cut,
            k ->
                Counter.builder("bdt.inference.cut")
                    .description(
                        "tasks DPRA assigned to each cut k (a failed offload then runs locally)")
                    .tag("cut", Integer.toString(k))
                    .register(registry))
        .increment(tasks.size());
    double predictedSeconds = plan.predictedSecondsPerSample();
    for (int i = 0; i < tasks.size(); i++) {
      SensorWindow window = tasks.get(i);
      TaskResult result;
      try {
        result = runner.run(t, window, tasks.size(), plan, urls);
      } catch (StorageUnavailableException e) {
        // the twin store refuses writes (full disk, failed fsync): this window and the rest of
        // the slot's go back to the queue for a later slot instead of being dropped
        List<SensorWindow> rest = tasks.subList(i, tasks.size());
        windows.putBack(rest);
        tasksDeferred.increment(rest.size());
        LOG.warnf(
            "slot %d: %d windows put back for a later slot: %s", t, rest.size(), e.getMessage());
        return;
      } catch (InterruptedException e) {
        windows.putBack(tasks.subList(i, tasks.size()));
        throw e;
      } catch (Exception e) {
        // this window's own failure (e.g. the head model rejected it): counted, and the slot's
        // other windows still run
        tasksFailed.increment();
        LOG.warnf(e, "slot %d: the task of %s's window failed", t, window.deviceId());
        windows.done(window);
        continue;
      }
      // the result is in the twin store: once it is on disk a restart need not run it again
      twins.whenDurable(() -> windows.done(window));
      if (result != null) {
        predicted.record(predictedSeconds);
        measured.record(result.latencySeconds());
        unanchored.add(result);
        listeners.forEach(l -> l.accept(result));
      }
    }
  }
}

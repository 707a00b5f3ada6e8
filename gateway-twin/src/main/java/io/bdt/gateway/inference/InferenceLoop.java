package io.bdt.gateway.inference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.gateway.GatewayConfig;
import io.bdt.gateway.storage.StorageUnavailableException;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.gateway.twin.TwinUpdate;
import io.bdt.optimizer.dpra.DpraController;
import io.bdt.optimizer.dpra.SlotDecision;
import io.bdt.optimizer.dpra.SlotObservation;
import io.bdt.optimizer.dpra.SystemParameters;
import io.bdt.optimizer.model.SlotCost;
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
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
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
import org.web3j.utils.Numeric;

/**
 * The gateway's per-slot inference loop. Every {@code tau} seconds (the genesis' slot length, at
 * the slot boundaries) it takes the pending sensor windows ({@code b_n(t)} of them) and posts its
 * demand to the slot coordinator (the APs in index order, the first that answers), which decides
 * the slot jointly for every gateway and AP and answers the cut and inference share. When no
 * coordinator answers in time the gateway decides locally: it reads each AP's budget, queue and
 * reputation from its {@code /status} and asks its own DPRA controller ({@code N = 1}), and says so
 * in {@code bdt_dpra_decisions_total{source="local-fallback"}} and the log. Then it runs the head,
 * offloads the frame to the serving AP (or runs the whole model at the fully local cut), writes the
 * result into the device twin's {@code health} feature, and signs a receipt for the AP.
 */
@ApplicationScoped
public class InferenceLoop {

  private static final Logger LOG = Logger.getLogger(InferenceLoop.class);

  private final GatewayConfig config;
  private final SensorWindows windows;
  private final TwinStore twins;
  private final MeterRegistry registry;
  private ApClient aps;
  private final List<Consumer<TaskResult>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<TaskResult> unanchored = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Counter> cutCounters = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private SplitHeads heads;
  private DpraController controller;
  private ChainParameters chainParameters;
  private SystemParameters parameters;
  private Counter coordinatorDecisions;
  private Counter localDecisions;
  private volatile boolean fellBack;
  private UplinkEstimator uplink;
  private ReceiptSigner signer;
  private ScheduledExecutorService executor;
  private DistributionSummary predicted;
  private DistributionSummary measured;
  private Counter offloadFallbacks;
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
    heads = SplitHeads.vibration(Path.of(config.dataDir()).resolve("models"), c.modelSeed());
    long warmStart = System.nanoTime();
    try {
      int warmed = heads.warm(VibrationGenerator.WINDOW);
      LOG.infof(
          "heads warm: %d sessions in %d ms", warmed, (System.nanoTime() - warmStart) / 1_000_000);
    } catch (ai.onnxruntime.OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot run the vibration heads", e);
    }
    java.nio.file.Path genesis =
        c.genesis()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "bdt.gateway.inference.genesis: the network's genesis file is required"
                            + " with inference (its system section is the parameter set)"));
    chainParameters = ChainParameters.readGenesis(genesis);
    parameters = SystemParameters.of(chainParameters, c.v());
    controller = new DpraController(parameters, new double[Math.max(1, apUrls.size())]);
    uplink =
        new UplinkEstimator(
            Math.max(1, apUrls.size()), c.initialUplinkRate(), c.uplinkEwmaWeight());
    ECKeyPair key =
        io.bdt.contracts.keys.ChainKey.resolve(
                "bdt.gateway.inference.signing-key-file",
                c.signingKey(),
                c.signingKeyFile(),
                c.signingKeyPasswordFile())
            .map(org.web3j.crypto.Credentials::getEcKeyPair)
            .orElseGet(InferenceLoop::createKey);
    signer = new ReceiptSigner(key, c.chainId(), c.ledgerAddress());
    aps = new ApClient(key, java.time.Clock.systemUTC(), TlsContexts.trusting(c.caFile()));
    slots =
        new LedgerSlots(config.chain().rpcUrl(), c.ledgerAddress(), chainParameters.slotSeconds());
    coordinatorDecisions =
        Counter.builder("bdt.dpra.decisions")
            .description("slots decided: by the slot coordinator's joint decision, or locally")
            .tag("source", "coordinator")
            .register(registry);
    localDecisions =
        Counter.builder("bdt.dpra.decisions")
            .description("slots decided: by the slot coordinator's joint decision, or locally")
            .tag("source", "local-fallback")
            .register(registry);
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
    offloadFallbacks =
        Counter.builder("bdt.inference.offload.fallback")
            .description("tasks whose offload failed and that ran on the whole local model instead")
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
        "inference loop: tau=%.3f s, %d AP(s), gateway %s signs receipts; parameter set %s",
        chainParameters.slotSeconds(), apUrls.size(), signer.address(), chainParameters);
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
    int serving = Math.min(c.servingAp(), Math.max(1, urls.size()) - 1);
    Plan plan =
        coordinated(t, tasks.size(), serving, urls).orElseGet(() -> local(tasks, serving, urls));
    int cut = plan.cut();
    double share = plan.share();
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
        result = runTask(t, window, tasks.size(), plan, urls);
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
        continue;
      }
      if (result != null) {
        predicted.record(predictedSeconds);
        measured.record(result.latencySeconds());
        unanchored.add(result);
        listeners.forEach(l -> l.accept(result));
      }
    }
  }

  /**
   * A slot's decision for this gateway: cut, inference share, the serving AP's mining share when
   * the gateway decided it (local fallback; null when the coordinator set it on the AP), the
   * serving AP, the predicted latency per sample and the APs an offload tries in turn (the serving
   * AP first) before the task runs locally.
   */
  private record Plan(
      int cut,
      double share,
      Double miningShare,
      int serving,
      double predictedSecondsPerSample,
      List<Integer> order) {}

  /**
   * The slot coordinator's decision: the demand goes to the APs in index order until one answers
   * within the coordinator timeout; empty when none does (the caller decides locally).
   */
  private java.util.Optional<Plan> coordinated(long t, int samples, int serving, List<String> urls)
      throws InterruptedException {
    GatewayConfig.Inference c = config.inference();
    ObjectNode demand = JsonNodeFactory.instance.objectNode();
    demand.put("slot", t);
    demand.put("samples", samples);
    demand.put("model", heads.costTable().model());
    demand.put("modelHash", heads.modelHash().hex());
    demand.put("uplinkRate", uplink.rate(serving));
    demand.put("gatewayFlopsPerSecond", c.gatewayFlopsPerSecond());
    demand.put("servingAp", serving);
    long deadline = System.nanoTime() + Math.round(c.coordinatorTimeoutSeconds() * 1e9);
    List<String> why = new ArrayList<>();
    for (String url : urls) {
      long left = deadline - System.nanoTime();
      if (left < 5_000_000) {
        why.add("no time left for " + url);
        break;
      }
      try {
        SlotAssignment a = aps.demand(url, demand, java.time.Duration.ofNanos(left));
        coordinatorDecisions.increment();
        if (fellBack) {
          fellBack = false;
          LOG.infof("slot %d: the slot coordinator at %s decides again", t, url);
        }
        return java.util.Optional.of(
            new Plan(
                a.cut(),
                a.inferenceShare(),
                null,
                Math.min(a.servingAp(), urls.size() - 1),
                a.predictedSecondsPerSample(),
                offloadOrder(Math.min(a.servingAp(), urls.size() - 1), new boolean[urls.size()])));
      } catch (OffloadRefused e) {
        // a live coordinator refused (e.g. LATE: its round closed): asking the next AP would
        // start a second coordinator for this slot, so this slot is decided here
        why.add(url + ": " + e.getMessage());
        break;
      } catch (IOException e) {
        why.add(url + ": " + e.getMessage());
      }
    }
    localDecisions.increment();
    if (!fellBack) {
      fellBack = true;
      LOG.warnf(
          "slot %d: no slot coordinator answered within %.3f s, deciding locally (%s)",
          t, c.coordinatorTimeoutSeconds(), String.join("; ", why));
    } else {
      LOG.debugf("slot %d: deciding locally (%s)", t, String.join("; ", why));
    }
    return java.util.Optional.empty();
  }

  /** This gateway's own DPRA decision ({@code N = 1}) from the APs' reported states. */
  private Plan local(List<SensorWindow> tasks, int serving, List<String> urls) {
    GatewayConfig.Inference c = config.inference();
    int m = Math.max(1, urls.size());
    double[] budget = new double[m];
    double[] reputation = new double[m];
    double[] queue = new double[m];
    boolean[] down = new boolean[m];
    for (int a = 0; a < m; a++) {
      budget[a] = chainParameters.apBudgetHz();
      down[a] = true;
      if (a < urls.size()) {
        try {
          ApStatus status = aps.status(urls.get(a), java.time.Duration.ofMillis(500));
          budget[a] = status.budget() > 0 ? status.budget() : budget[a];
          reputation[a] = Math.min(1, Math.max(0, status.reputation()));
          queue[a] = Math.max(0, status.queue());
          down[a] = false;
        } catch (IOException e) {
          LOG.debugf("AP %s is not answering: %s", urls.get(a), e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (down[serving]) {
      // the configured AP is down: another that answered serves this slot, if any
      for (int a = 0; a < m; a++) {
        if (!down[a]) {
          serving = a;
          break;
        }
      }
    }
    boolean servingUp = !down[serving];
    SlotObservation observation =
        new SlotObservation(
            new int[] {tasks.size()},
            List.of(heads.costTable()),
            new int[] {serving},
            new double[] {uplink.rate(serving)},
            new double[] {c.gatewayFlopsPerSecond()},
            budget,
            reputation,
            queue);
    if (!servingUp) {
      // no AP to offload to: the only feasible cut
      int cut = heads.fullyLocalCut();
      return new Plan(
          cut,
          0,
          0.0,
          serving,
          SlotCost.gatewayLatency(observation, parameters, 0, cut, 0) / tasks.size(),
          List.of());
    }
    SlotDecision decision = controller.decide(observation);
    int cut = decision.cut()[0];
    double share = decision.inferenceShare()[0];
    return new Plan(
        cut,
        share,
        decision.miningShare()[serving],
        serving,
        SlotCost.gatewayLatency(observation, parameters, 0, cut, share) / tasks.size(),
        offloadOrder(serving, down));
  }

  /** The serving AP first, then every other AP not known to be down this slot, by index. */
  private static List<Integer> offloadOrder(int serving, boolean[] down) {
    List<Integer> order = new ArrayList<>();
    order.add(serving);
    for (int a = 0; a < down.length; a++) {
      if (a != serving && !down[a]) {
        order.add(a);
      }
    }
    return order;
  }

  private TaskResult runTask(
      long t, SensorWindow window, int slotTasks, Plan plan, List<String> urls) throws Exception {
    int cut = plan.cut();
    double share = plan.share();
    int serving = plan.serving();
    double predictedSeconds = plan.predictedSecondsPerSample();
    byte[] taskId = new byte[32];
    random.nextBytes(taskId);
    long start = System.nanoTime();
    String label;
    double[] probabilities;
    double seconds;
    if (cut == heads.fullyLocalCut()) {
      probabilities = runLocally(window);
      label = label(probabilities);
      seconds = (System.nanoTime() - start) / 1e9;
    } else {
      byte[] frame = FrameCodec.encode(heads.head(cut, window.samples()));
      Map<String, String> headers = new HashMap<>();
      headers.put("X-Bdt-Task-Id", Numeric.toHexString(taskId));
      headers.put("X-Bdt-Gateway", signer.address());
      headers.put("X-Bdt-Slot", Long.toString(t));
      headers.put("X-Bdt-Slot-Tasks", Integer.toString(slotTasks));
      headers.put("X-Bdt-Inference-Share", Double.toString(share));
      if (plan.miningShare() != null) {
        // a local decision: the gateway's f_m^B counts on the AP while no joint decision is live
        headers.put("X-Bdt-Mining-Share", Double.toString(plan.miningShare()));
      }
      OffloadResult offload = null;
      int servedBy = serving;
      for (int a : plan.order()) {
        try {
          offload = aps.offload(urls.get(a), frame, headers);
          servedBy = a;
          break;
        } catch (IOException e) {
          if (e instanceof OffloadRefused refused) {
            // the AP's rule, e.g. MODEL_MISMATCH: it has this model's name with other weights
            registry
                .counter("bdt.inference.offload.refused", "reason", refused.reason())
                .increment();
          }
          // the AP died, was cut off or refused the task: the next AP in the plan's order (one
          // that answered this slot, or any other with a coordinated plan) gets the same frame
          LOG.warnf(
              "offload of task %s to %s failed: %s",
              Numeric.toHexString(taskId), urls.get(a), e.getMessage());
        }
      }
      if (offload != null && servedBy != serving) {
        registry.counter("bdt.inference.offload.retried").increment();
      }
      if (offload == null) {
        // no AP took it: the task is not dropped but runs here, on the whole model (the one cut
        // that needs no AP), and is counted
        LOG.warnf("task %s runs locally: no AP took it", Numeric.toHexString(taskId));
        offloadFallbacks.increment();
        probabilities = runLocally(window);
        return finish(
            t,
            window,
            taskId,
            heads.fullyLocalCut(),
            label(probabilities),
            probabilities,
            predictedSeconds,
            (System.nanoTime() - start) / 1e9);
      }
      uplink.record(servedBy, frame.length * 8.0, offload.roundTripSeconds() - offload.apSeconds());
      label = offload.label();
      probabilities = offload.probabilities();
      // the task is done when its result is back; the receipt below is bookkeeping, not latency
      long latencyMicros = (System.nanoTime() - start) / 1000;
      seconds = latencyMicros / 1e6;
      // the task's part of f_mn^I in the ledger's unit: the ledger's x_m is sum_n f_mn^I / F_m
      long flops = chainParameters.receiptFlops(share, slotTasks);
      try {
        aps.submitReceipt(
            urls.get(servedBy),
            signer.sign(
                signer.receipt(taskId, aps.address(urls.get(servedBy)), flops, latencyMicros, t)));
      } catch (IOException | IllegalArgumentException e) {
        LOG.warnf(
            "receipt for task %s not delivered: %s", Numeric.toHexString(taskId), e.getMessage());
      }
    }
    return finish(t, window, taskId, cut, label, probabilities, predictedSeconds, seconds);
  }

  /** The whole model on this gateway: the class probabilities of the window. */
  private double[] runLocally(SensorWindow window) throws Exception {
    float[] p = heads.local(window.samples());
    double[] probabilities = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      probabilities[i] = p[i];
    }
    return probabilities;
  }

  private static String label(double[] probabilities) {
    int best = 0;
    for (int i = 0; i < probabilities.length; i++) {
      best = probabilities[i] > probabilities[best] ? i : best;
    }
    return MachineState.ORDER.get(best).label();
  }

  /** Writes the task's result into the device twin's {@code health} feature. */
  private TaskResult finish(
      long t,
      SensorWindow window,
      byte[] taskId,
      int cut,
      String label,
      double[] probabilities,
      double predictedSeconds,
      double seconds) {
    ObjectNode health = JsonNodeFactory.instance.objectNode();
    health.put("label", label);
    var p = health.putArray("probabilities");
    for (double v : probabilities) {
      p.add(v);
    }
    health.put("cut", cut);
    health.put("slot", t);
    health.put("taskId", Numeric.toHexString(taskId));
    health.put("predictedLatency", predictedSeconds);
    health.put("measuredLatency", seconds);
    health.put("windowClosedAt", window.closedAt().toString());
    String thingId = config.namespace() + ":" + window.deviceId();
    twins.apply(thingId, new TwinUpdate.ReportProperties("health", health), false);
    return new TaskResult(
        HexFormat.of().formatHex(taskId),
        thingId,
        t,
        cut,
        label,
        probabilities,
        predictedSeconds,
        seconds);
  }
}

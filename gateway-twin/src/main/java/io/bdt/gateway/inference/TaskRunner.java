package io.bdt.gateway.inference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.gateway.twin.TwinStore;
import io.bdt.gateway.twin.TwinUpdate;
import io.bdt.parameters.ChainParameters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.web3j.utils.Numeric;

/**
 * Runs one task of a slot's plan: the head at the plan's cut, the offload to the serving AP (the
 * next AP of the plan's order when one fails, the whole model here when none takes it) or the whole
 * model at the fully local cut; then the receipt for the AP that served it and the result in the
 * device twin's {@code health} feature.
 */
final class TaskRunner {

  private static final Logger LOG = Logger.getLogger(TaskRunner.class);

  /** Classes up to which the twin's {@code health} lists every probability. */
  static final int MAX_TWIN_PROBABILITIES = 16;

  private final String namespace;
  private final SplitHeads heads;
  private final HeadPacer pacer;
  private final ApClient aps;
  private final FixedCostEstimator uplink;
  private final ApSpeedEstimator apSpeed;
  private final ReceiptSigner signer;
  private final ChainParameters chainParameters;
  private final TwinStore twins;
  private final MeterRegistry registry;
  private final Counter offloadFallbacks;
  private final SecureRandom random = new SecureRandom();

  TaskRunner(
      String namespace,
      SplitHeads heads,
      double computeScale,
      ApClient aps,
      FixedCostEstimator uplink,
      ApSpeedEstimator apSpeed,
      ReceiptSigner signer,
      ChainParameters chainParameters,
      TwinStore twins,
      MeterRegistry registry) {
    this.namespace = namespace;
    this.heads = heads;
    this.pacer = HeadPacer.system(computeScale);
    this.aps = aps;
    this.uplink = uplink;
    this.apSpeed = apSpeed;
    this.signer = signer;
    this.chainParameters = chainParameters;
    this.twins = twins;
    this.registry = registry;
    offloadFallbacks =
        Counter.builder("bdt.inference.offload.fallback")
            .description("tasks whose offload failed and that ran on the whole local model instead")
            .register(registry);
  }

  TaskResult run(long t, SensorWindow window, int slotTasks, OffloadPlan plan, List<String> urls)
      throws Exception {
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
    double headFlops = heads.costTable().cut(cut).headFlops();
    // a head not deployed (warmed) at start opens now: a cold start, not paced, not in the fit
    double coldStart = heads.open(cut);
    double headSeconds;
    double apSeconds = 0;
    if (cut == heads.fullyLocalCut()) {
      HeadPacer.Run run = pacer.start();
      probabilities = runLocally(window);
      headSeconds = pacer.finish(run);
      label = label(probabilities);
      seconds = (System.nanoTime() - start) / 1e9;
      recordHead(headFlops, headSeconds, coldStart);
    } else {
      HeadPacer.Run run = pacer.start();
      byte[] frame = FrameCodec.encode(heads.head(cut, window.samples()));
      headSeconds = pacer.finish(run);
      recordHead(headFlops, headSeconds, coldStart);
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
        HeadPacer.Run local = pacer.start();
        probabilities = runLocally(window);
        headSeconds += pacer.finish(local);
        return finish(
            t,
            window,
            taskId,
            cut,
            heads.fullyLocalCut(),
            label(probabilities),
            probabilities,
            predictedSeconds,
            (System.nanoTime() - start) / 1e9,
            coldStart,
            headSeconds,
            0);
      }
      // a task that waited for a tail load (its own or one ahead of it) is a cold start: left out
      // of the fits, and marked in the twin so the per-cut error reports it apart
      double tailLoad = offload.coldStartSeconds();
      coldStart += tailLoad;
      apSeconds = offload.apSeconds();
      uplink.recordOffload(
          servedBy,
          frame.length * 8.0,
          offload.roundTripSeconds() - offload.apSeconds(),
          tailLoad,
          plan.shapedRates() == null ? 0 : plan.shapedRates()[servedBy]);
      if (servedBy == serving) {
        // the share was given by (or claimed on) this AP: its speed at that share
        apSpeed.record(servedBy, offload.tailFlops(), offload.apSeconds(), share, tailLoad);
      }
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
    return finish(
        t,
        window,
        taskId,
        cut,
        cut,
        label,
        probabilities,
        predictedSeconds,
        seconds,
        coldStart,
        headSeconds,
        apSeconds);
  }

  /** A warm head run's time goes into the fit of {@code delta_G} and the gateway's rate. */
  private void recordHead(double headFlops, double headSeconds, double headLoadSeconds) {
    if (headLoadSeconds == 0) {
      uplink.recordHead(headFlops, headSeconds);
    }
  }

  /** The whole model on this gateway (the caller paces it): the class probabilities. */
  private double[] runLocally(SensorWindow window) throws Exception {
    float[] p = heads.local(window.samples());
    double[] probabilities = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      probabilities[i] = p[i];
    }
    return probabilities;
  }

  private String label(double[] probabilities) {
    int best = 0;
    for (int i = 0; i < probabilities.length; i++) {
      best = probabilities[i] > probabilities[best] ? i : best;
    }
    return heads.label(best);
  }

  /**
   * Writes the task's result into the device twin's {@code health} feature: the cut it ran at and
   * the one planned ({@code plannedCut}; they differ when no AP took the offload and it ran on the
   * whole local model, so the prediction, made for the planned cut, is not this cut's), and {@code
   * coldStartSeconds}, the head's and the AP's tail loads the task waited for (0: none), and where
   * its time went: {@code headSeconds} (the head at the compute class, the frame's encoding
   * included) and {@code apSeconds} (the AP's served time; 0 at the fully local cut).
   */
  private TaskResult finish(
      long t,
      SensorWindow window,
      byte[] taskId,
      int plannedCut,
      int cut,
      String label,
      double[] probabilities,
      double predictedSeconds,
      double seconds,
      double coldStartSeconds,
      double headSeconds,
      double apSeconds) {
    ObjectNode health = JsonNodeFactory.instance.objectNode();
    health.put("label", label);
    if (probabilities.length <= MAX_TWIN_PROBABILITIES) {
      var p = health.putArray("probabilities");
      for (double v : probabilities) {
        p.add(v);
      }
    } else {
      // an image model's 1000 classes would bloat every twin revision: the winner's output only
      // (a score: the zoo's CNNs end in logits, not a softmax)
      health.put("score", java.util.Arrays.stream(probabilities).max().orElse(0));
    }
    health.put("cut", cut);
    health.put("plannedCut", plannedCut);
    health.put("slot", t);
    health.put("taskId", Numeric.toHexString(taskId));
    health.put("predictedLatency", predictedSeconds);
    health.put("measuredLatency", seconds);
    health.put("coldStartSeconds", coldStartSeconds);
    health.put("headSeconds", headSeconds);
    health.put("apSeconds", apSeconds);
    health.put("windowClosedAt", window.closedAt().toString());
    String thingId = namespace + ":" + window.deviceId();
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

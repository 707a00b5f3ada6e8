package io.bdt.ap.offload;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.ap.offload.OffloadRejected.Reason;
import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.FrameException;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.pacing.CoreSlice;
import io.bdt.dnn.registry.ModelRefused;
import io.bdt.dnn.registry.ModelRegistry;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Serves offloaded tasks one at a time: decodes the frame, runs the tail with the threads of the
 * task's inference share, then idles for the rest of the share's duty cycle and answers: a task at
 * share {@code f} is done when a core time-sliced at {@code f} would have finished it ({@link
 * ComputeShare#servedSeconds}).
 *
 * <p>One lane, because the share is a slice of the AP's cores: two tasks running side by side would
 * each get more than their share. Tasks wait in a FIFO of at most {@code maxQueue}; beyond that the
 * AP answers "overloaded" instead of letting latency grow without bound.
 */
public final class OffloadLane {

  /** Counters since start, for {@code /status} and metrics. */
  public record Counters(long served, long malformed, long overloaded, int waiting) {}

  /** Waits {@code nanos} (the duty cycle's pause); a test passes one that only records it. */
  @FunctionalInterface
  public interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final TailModels tails;
  private final double budgetHz;
  private final int cores;
  private final int maxQueue;
  private final Sleeper sleeper;
  private final LongSupplier cpuNanos;
  private final ServedSpeed speed = new ServedSpeed();
  private final ReentrantLock lane = new ReentrantLock(true);
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong overloaded = new AtomicLong();
  // every tail load's time so far, ns: a task that waited while it grew waited behind a load
  private final AtomicLong loadNanos = new AtomicLong();
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private volatile double inferenceShareHz;
  private final Map<Reason, AtomicLong> refused = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> servedByCut =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  /**
   * @param budgetHz {@code F_m}, the AP's compute budget (Hz) standing for all {@code cores}
   * @param maxQueue most tasks waiting (not counting the one running)
   */
  public OffloadLane(TailModels tails, double budgetHz, int cores, int maxQueue) {
    this(tails, budgetHz, cores, maxQueue, TimeUnit.NANOSECONDS::sleep, CoreSlice.threadCpuNanos());
  }

  /**
   * As {@link #OffloadLane(TailModels, double, int, int)}, pausing with {@code sleeper} and reading
   * the lane thread's CPU time (nanoseconds) from {@code cpuNanos} (the AP's is {@link
   * CoreSlice#threadCpuNanos}).
   */
  public OffloadLane(
      TailModels tails,
      double budgetHz,
      int cores,
      int maxQueue,
      Sleeper sleeper,
      LongSupplier cpuNanos) {
    this.cpuNanos = cpuNanos;
    this.tails = tails;
    this.budgetHz = budgetHz;
    this.cores = cores;
    this.maxQueue = maxQueue;
    this.sleeper = sleeper;
  }

  /**
   * Serves one task.
   *
   * @param frameBytes the codec frame
   * @param inferenceShareHz {@code f_mn^I} decided for this task's gateway, Hz
   * @throws OffloadRejected.Exception with a {@link OffloadRejected.BadRequest} or {@link
   *     OffloadRejected.Overloaded}
   */
  public OffloadResult serve(String taskId, byte[] frameBytes, double inferenceShareHz) {
    Frame frame;
    try {
      frame = FrameCodec.decode(frameBytes);
    } catch (FrameException e) {
      throw refuse(Reason.FRAME, "frame: " + e.getMessage());
    }
    ComputeShare share;
    try {
      share = ComputeShare.of(inferenceShareHz, budgetHz, cores);
    } catch (IllegalArgumentException e) {
      throw refuse(Reason.SHARE, e.getMessage());
    }
    ModelRegistry.Entry model;
    try {
      model = tails.registry().resolve(frame.modelId(), frame.modelHash());
    } catch (ModelRefused e) {
      throw refuse(Reason.valueOf(e.reason().name()), e.getMessage());
    }
    if (waiting.incrementAndGet() > maxQueue + 1) {
      waiting.decrementAndGet();
      overloaded.incrementAndGet();
      throw reject(
          new OffloadRejected.Overloaded(
              "queue: " + maxQueue + " tasks already wait at this AP; retry in the next slot"));
    }
    long arrived = System.nanoTime();
    long loadsBefore = loadNanos.get();
    lane.lock();
    try {
      long started = System.nanoTime();
      double loadWait = (loadNanos.get() - loadsBefore) / 1e9;
      this.inferenceShareHz = inferenceShareHz;
      // a model not yet loaded is loaded here, in the lane: its tasks wait, nobody else's run
      OffloadResult result =
          tails.run(
              model,
              frame.cut(),
              share.threads(),
              (TailModels.Tail tail, double loadSeconds) ->
                  run(
                      taskId,
                      frame,
                      tail,
                      share,
                      (started - arrived) / 1e9,
                      loadSeconds,
                      loadWait));
      loadNanos.addAndGet(Math.round(result.tailLoadSeconds() * 1e9));
      served.incrementAndGet();
      servedByCut.computeIfAbsent(frame.cut(), k -> new AtomicLong()).incrementAndGet();
      long pauseNanos = (long) ((result.apSeconds() - result.busySeconds()) * 1e9);
      if (pauseNanos > 0) {
        // the lane stays held and the answer waits: the task is done when a core time-sliced at
        // its share would have finished it, and the next task starts only after the idle time
        sleeper.sleepNanos(pauseNanos);
      }
      speed.record(frame.modelId(), result, inferenceShareHz);
      return result;
    } catch (ModelRefused e) {
      throw refuse(Reason.valueOf(e.reason().name()), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw refuse(Reason.CUT, e.getMessage());
    } catch (OrtException e) {
      throw refuse(Reason.TENSORS, "frame: ONNX Runtime refused it: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while serving task " + taskId, e);
    } finally {
      lane.unlock();
      waiting.decrementAndGet();
    }
  }

  /** Counts a refused task under {@code reason} (and as malformed) and returns its exception. */
  private OffloadRejected.Exception refuse(Reason reason, String message) {
    malformed.incrementAndGet();
    refused.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    return reject(new OffloadRejected.BadRequest(reason, message));
  }

  /** Runs the tail of {@code frame} once; its {@code apSeconds} are its time at {@code share}. */
  private OffloadResult run(
      String taskId,
      Frame frame,
      TailModels.Tail tail,
      ComputeShare share,
      double queued,
      double loadSeconds,
      double loadWait)
      throws OrtException {
    OrtSession session = tail.session();
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      for (Tensor t : frame.tensors()) {
        if (!session.getInputNames().contains(t.name())) {
          throw refuse(
              Reason.TENSORS,
              "frame: tensor '"
                  + t.name()
                  + "' is not an input of "
                  + tail.modelId()
                  + " after cut "
                  + tail.cut().id()
                  + " (inputs: "
                  + session.getInputNames()
                  + ")");
        }
        long[] shape = new long[t.shape().length];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.shape()[i];
        }
        inputs.put(t.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(t.values()), shape));
      }
      for (String name : session.getInputNames()) {
        if (!inputs.containsKey(name)) {
          throw refuse(
              Reason.TENSORS, "frame: tensor '" + name + "' is missing for cut " + tail.cut().id());
        }
      }
      long samples =
          frame.tensors().getFirst().shape().length == 0
              ? 1
              : Math.max(1, frame.tensors().getFirst().shape()[0]);
      long t0 = System.nanoTime();
      long cpu0 = cpuNanos.getAsLong();
      float[] out;
      try (OrtSession.Result result = session.run(inputs)) {
        OnnxValue first = result.get(0);
        out = flatten(((OnnxTensor) first).getFloatBuffer());
      }
      double cpuSeconds = (cpuNanos.getAsLong() - cpu0) / 1e9;
      double busySeconds = (System.nanoTime() - t0) / 1e9;
      return new OffloadResult(
          taskId,
          label(session, out),
          boxed(out),
          samples * tail.tailFlops(),
          share.servedSeconds(busySeconds, cpuSeconds),
          busySeconds,
          queued,
          loadSeconds,
          loadWait);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private static float[] flatten(FloatBuffer b) {
    float[] out = new float[b.remaining()];
    b.get(out);
    return out;
  }

  private static List<Float> boxed(float[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (float f : v) {
      out.add(f);
    }
    return out;
  }

  private static String label(OrtSession session, float[] probabilities) {
    int best = 0;
    for (int i = 1; i < probabilities.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    try {
      String labels = session.getMetadata().getCustomMetadata().get("labels");
      if (labels != null) {
        String[] names = labels.split(",");
        if (best < names.length) {
          return names[best];
        }
      }
    } catch (OrtException e) {
      // no metadata: fall back to the index
    }
    return Integer.toString(best);
  }

  private static OffloadRejected.Exception reject(OffloadRejected r) {
    return new OffloadRejected.Exception(r);
  }

  /**
   * This AP's speed per model, {@code phi_A} in FLOPs/cycle, from the tasks it served (median of
   * each model's last ones, {@link ServedSpeed}); a model it has not yet served warm is absent.
   */
  public Map<String, Double> apFlopsPerCycle() {
    return speed.apFlopsPerCycle();
  }

  /** The inference share (Hz) of the last task served. */
  public double inferenceShareHz() {
    return inferenceShareHz;
  }

  /** Tasks served since start per cut {@code k}, in cut order. */
  public Map<Integer, Long> servedByCut() {
    Map<Integer, Long> out = new java.util.LinkedHashMap<>();
    servedByCut.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Refused tasks since start by reason (every reason listed, 0 if none). */
  public Map<Reason, Long> refusedByReason() {
    Map<Reason, Long> out = new java.util.EnumMap<>(Reason.class);
    for (Reason r : Reason.values()) {
      AtomicLong n = refused.get(r);
      out.put(r, r == Reason.OVERLOADED ? overloaded.get() : n == null ? 0 : n.get());
    }
    return out;
  }

  /** Counters since start. */
  public Counters counters() {
    return new Counters(served.get(), malformed.get(), overloaded.get(), waiting.get());
  }
}

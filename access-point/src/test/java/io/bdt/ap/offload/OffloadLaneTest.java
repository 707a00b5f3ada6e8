package io.bdt.ap.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.bdt.dnn.codec.Frame;
import io.bdt.dnn.codec.FrameCodec;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.codec.Tensor;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.pacing.CoreSlice;
import io.bdt.dnn.registry.ModelRegistry;
import io.bdt.dnn.vibration.HeadFrame;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.dnn.vibration.VibrationModel;
import io.bdt.dnn.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lane on the real vibration classifier: the gateway's head in ORT, the frame, the AP's tail.
 */
public class OffloadLaneTest {
  public static final int CUT = 5; // band_root: the AP runs the MLP
  static @TempDir Path cache;
  static TailModels tails;
  static OffloadLane lane;

  /** The zoo's vibration classifier's identity (seed {@link VibrationModel#DEFAULT_SEED}). */
  public static final ModelHash VIBRATION = ModelHash.of(ModelZoo.named("vibration").build());

  @BeforeAll
  static void open() {
    tails = new TailModels(cache, ModelRegistry.of(List.of("vibration")), 4, 64);
    lane = new OffloadLane(tails, 2e10, 2, 4);
  }

  @AfterAll
  static void close() throws Exception {
    tails.close();
  }

  public static byte[] headFrame(int cut, float[] window) throws Exception {
    return headFrame(ModelZoo.named("vibration").build(), cut, window);
  }

  /** The frame a gateway running {@code model} sends for {@code window} at cut {@code cut}. */
  public static byte[] headFrame(ModelProto model, int cut, float[] window) throws Exception {
    return HeadFrame.encode(model, cut, window);
  }

  @Test
  void servesBearingFaultWindowAsBearingFault() throws Exception {
    float[] window = new VibrationGenerator(7).next(MachineState.BEARING_FAULT).samples();
    OffloadResult r = lane.serve("0x01", headFrame(CUT, window), 2e10);
    assertThat(r.label()).isEqualTo("bearing_fault");
    assertThat(r.probabilities()).hasSize(4);
    assertThat(r.tailFlops())
        .isEqualTo(
            GraphAnalyzer.analyze(ModelZoo.named("vibration").build(), Map.of())
                .cut(CUT)
                .tailFlops())
        .isPositive();
  }

  @Test
  void fullOffloadRunsTheWholeModelOnTheAp() throws Exception {
    float[] window = new VibrationGenerator(8).next(MachineState.IMBALANCE).samples();
    byte[] frame =
        FrameCodec.encode(
            new Frame(
                "vibration",
                VIBRATION,
                0,
                List.of(Tensor.of(VibrationModel.INPUT, new int[] {1, window.length}, window))));
    assertThat(lane.serve("0x02", frame, 1e10).label()).isEqualTo("imbalance");
  }

  @Test
  void firstTaskAtAColdCutReportsTheTailLoadAndTheNextDoesNot() throws Exception {
    int cut = 8; // no other test of this class uses it, so its tail is not loaded yet
    float[] window = new VibrationGenerator(9).next(MachineState.NORMAL).samples();
    OffloadResult first = lane.serve("0x0a", headFrame(cut, window), 2e10);
    OffloadResult second = lane.serve("0x0b", headFrame(cut, window), 2e10);
    assertThat(first.tailLoadSeconds()).as("the first task split and loaded the tail").isPositive();
    assertThat(second.tailLoadSeconds()).as("the second found it open").isZero();
    assertThat(first.label()).isEqualTo(second.label());
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void aTaskQueuedBehindAnotherTasksTailLoadReportsTheWait() throws Exception {
    float[] window = new VibrationGenerator(10).next(MachineState.NORMAL).samples();
    byte[] warm = headFrame(CUT, window);
    lane.serve("0x20", warm, 2e10); // CUT's tail at 2 threads is open from here on
    boolean waited = false;
    for (int cut : new int[] {1, 2, 3}) { // cuts no other test of this class opens
      byte[] cold = headFrame(cut, window);
      var first =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> lane.serve("0x2" + cut, cold, 2e10));
      while (lane.counters().waiting() == 0 && !first.isDone()) {
        Thread.onSpinWait();
      }
      OffloadResult behind = lane.serve("0x3" + cut, warm, 2e10);
      OffloadResult loaded = first.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(loaded.tailLoadSeconds()).as("cut %d was cold", cut).isPositive();
      assertThat(loaded.loadWaitSeconds()).isZero();
      assertThat(behind.tailLoadSeconds()).isZero();
      // it either ran first, or waited for the whole load
      if (behind.loadWaitSeconds() > 0) {
        assertThat(behind.loadWaitSeconds())
            .isCloseTo(loaded.tailLoadSeconds(), org.assertj.core.api.Assertions.within(1e-6));
        waited = true;
      }
    }
    assertThat(waited).as("at least one task arrived while a tail loaded").isTrue();
  }

  @Test
  void tailIsCachedOnDisk() throws Exception {
    lane.serve("0x03", headFrame(CUT, new float[1024]), 2e10);
    assertThat(Files.exists(cache.resolve(VIBRATION.hex()).resolve("cut-" + CUT + ".onnx")))
        .isTrue();
  }

  @Test
  void malformedFrameIsRejectedWithTheCodecsReasonAndCounted() {
    long before = lane.counters().malformed();
    assertThatThrownBy(() -> lane.serve("0x04", new byte[] {1, 2, 3, 4, 5}, 2e10))
        .isInstanceOfSatisfying(
            OffloadRejected.Exception.class,
            e -> {
              assertThat(e.rejection()).isInstanceOf(OffloadRejected.BadRequest.class);
              assertThat(e.getMessage()).startsWith("frame: ").contains("TRUNCATED");
            });
    assertThat(lane.counters().malformed()).isEqualTo(before + 1);
  }

  @Test
  void unknownModelIsRejectedNamingIt() throws Exception {
    byte[] frame =
        FrameCodec.encode(
            new Frame(
                "no-such-model",
                new ModelHash("ab".repeat(32)),
                0,
                List.of(Tensor.of("x", new int[] {1, 1}, new float[1]))));
    long before = lane.refusedByReason().get(OffloadRejected.Reason.UNKNOWN_MODEL);
    assertThatThrownBy(() -> lane.serve("0x05", frame, 2e10))
        .hasMessageContaining("no-such-model")
        .hasMessageContaining("abababababab");
    assertThat(lane.refusedByReason().get(OffloadRejected.Reason.UNKNOWN_MODEL))
        .isEqualTo(before + 1);
  }

  @Test
  void fullyLocalCutIsNotOffloadable() throws Exception {
    byte[] frame =
        FrameCodec.encode(
            new Frame(
                "vibration",
                VIBRATION,
                11,
                List.of(Tensor.of("probabilities", new int[] {1, 4}, new float[4]))));
    assertThatThrownBy(() -> lane.serve("0x06", frame, 2e10)).hasMessageContaining("fully local");
  }

  @Test
  void aSmallShareAnswersAfterTheRunsWorkOverTheDutyCycleAndReportsThatAsItsComputeTime()
      throws Exception {
    List<Long> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    // every run used 50 ms of the lane thread's CPU, whatever its wall time
    java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
    OffloadLane paced =
        new OffloadLane(tails, 2e10, 2, 4, pauses::add, () -> cpu.getAndAdd(50_000_000));
    byte[] frame = headFrame(0, new VibrationGenerator(9).next(MachineState.NORMAL).samples());
    paced.serve("0x07", frame, 2e10); // warm the session of one thread
    pauses.clear();
    OffloadResult r = paced.serve("0x08", frame, 1e9); // 0.1 of a core: duty cycle 0.1
    // the answer waited for the pause (the sleeper ran inside serve) and says the served time:
    // the run's work (CPU) over the duty cycle, not its wall time, which a busy host stretches
    assertThat(pauses).hasSize(1);
    assertThat(r.busySeconds()).isPositive().isLessThan(0.5);
    assertThat(r.apSeconds()).isCloseTo(0.5, within(1e-9));
    assertThat(pauses.getFirst() / 1e9).isCloseTo(0.5 - r.busySeconds(), within(1e-6));
  }

  @Test
  void aRunThatTookLongerThanItsShareAllowsIsNotPaused() throws Exception {
    List<Long> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    // a nanosecond of CPU per run: the host kept the run waiting for longer than the share's
    // slice would have taken, so its wall time is what the task took
    java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
    OffloadLane paced = new OffloadLane(tails, 2e10, 2, 4, pauses::add, cpu::getAndIncrement);
    byte[] frame = headFrame(0, new VibrationGenerator(11).next(MachineState.NORMAL).samples());
    paced.serve("0x0a", frame, 2e10);
    OffloadResult r = paced.serve("0x0b", frame, 1e9);
    assertThat(pauses).isEmpty();
    assertThat(r.apSeconds()).isEqualTo(r.busySeconds());
  }

  @Test
  void theLanePublishesItsOwnSpeedPerModelFromItsWarmTasks() throws Exception {
    OffloadLane paced = new OffloadLane(tails, 2e10, 2, 4, nanos -> {}, CoreSlice.threadCpuNanos());
    assertThat(paced.apFlopsPerCycle()).isEmpty();
    byte[] frame = headFrame(0, new VibrationGenerator(10).next(MachineState.NORMAL).samples());
    paced.serve("0x09", frame, 2e10); // may load the tail: a cold task is not counted
    OffloadResult warm = paced.serve("0x0c", frame, 2e10);
    assertThat(warm.tailLoadSeconds()).isZero();
    assertThat(paced.apFlopsPerCycle()).containsOnlyKeys("vibration");
    assertThat(paced.apFlopsPerCycle().get("vibration")).isPositive().isFinite();
  }
}

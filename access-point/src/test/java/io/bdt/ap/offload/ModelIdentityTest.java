package io.bdt.ap.offload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.codec.ModelHash;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.registry.ModelRegistry;
import io.bdt.dnn.vibration.MachineState;
import io.bdt.dnn.vibration.VibrationGenerator;
import io.bdt.dnn.vibration.VibrationModel;
import io.bdt.dnn.zoo.ModelZoo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models named by hash between gateways and the AP, on the real vibration classifier trained with
 * two seeds (same name and graph, other weights) and the AP's real lane and ONNX Runtime.
 */
@Timeout(300)
class ModelIdentityTest {

  static @TempDir Path dir;
  static ModelProto seed1;
  static ModelProto seed7;
  static Path seed7File;

  @BeforeAll
  static void models() throws Exception {
    seed1 = ModelZoo.named("vibration").build();
    seed7 = VibrationModel.train(7).toOnnx();
    seed7File = dir.resolve("registry").resolve("vibration-seed7.onnx");
    OnnxModels.write(seed7, seed7File);
  }

  private static float[] window(int seed, MachineState state) {
    return new VibrationGenerator(seed).next(state).samples();
  }

  /** The mean of a misaligned and a normal window: seed 1 and seed 7 disagree on it. */
  private static float[] halfMisaligned() {
    float[] a = window(3, MachineState.MISALIGNMENT);
    float[] b = window(4, MachineState.NORMAL);
    float[] mean = new float[a.length];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (a[i] + b[i]) / 2;
    }
    return mean;
  }

  /** The whole model's class probabilities for {@code window}, run locally in ONNX Runtime. */
  private static float[] whole(ModelProto model, float[] window) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model.toByteArray());
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(window), new long[] {1, window.length});
        OrtSession.Result r = session.run(Map.of(VibrationModel.INPUT, in))) {
      return ((float[][]) r.get(0).getValue())[0];
    }
  }

  private static OffloadLane lane(TailModels tails) {
    return new OffloadLane(tails, 2e10, 2, 8);
  }

  private static void assertServedBy(OffloadResult served, float[] expected) {
    assertThat(served.probabilities()).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(served.probabilities().get(i)).isCloseTo(expected[i], within(1e-5f));
    }
  }

  @Test
  void gatewayWithASecondModelGetsThatModelsTails(@TempDir Path cache) throws Exception {
    ModelRegistry registry = ModelRegistry.of(List.of("vibration", seed7File.toString()));
    try (TailModels tails = new TailModels(cache, registry, 4, 64)) {
      OffloadLane lane = lane(tails);
      // a clear fault window gets ~1.0 from both seeds; a half-misaligned one tells them apart
      float[] w = halfMisaligned();
      float[] byModel1 = whole(seed1, w);
      float[] byModel7 = whole(seed7, w);
      double apart = 0;
      for (int i = 0; i < byModel1.length; i++) {
        apart += Math.abs(byModel1[i] - byModel7[i]);
      }
      assertThat(apart).as("the seeds' answers differ").isGreaterThan(1e-2);

      for (int cut : new int[] {0, OffloadLaneTest.CUT, 9}) {
        assertServedBy(
            lane.serve("7-" + cut, OffloadLaneTest.headFrame(seed7, cut, w), 2e10), byModel7);
        assertServedBy(
            lane.serve("1-" + cut, OffloadLaneTest.headFrame(seed1, cut, w), 2e10), byModel1);
      }
      assertThat(lane.counters().malformed()).isZero();
    }
  }

  @Test
  void frameOfAnotherSeedIsRefusedAsMismatchAndCounted(@TempDir Path cache) throws Exception {
    try (TailModels tails = new TailModels(cache, ModelRegistry.of(List.of("vibration")), 4, 64)) {
      OffloadLane lane = lane(tails);
      byte[] frame =
          OffloadLaneTest.headFrame(seed7, OffloadLaneTest.CUT, window(12, MachineState.NORMAL));

      assertThatThrownBy(() -> lane.serve("0x01", frame, 2e10))
          .isInstanceOfSatisfying(
              OffloadRejected.Exception.class,
              e ->
                  assertThat(e.rejection().reason())
                      .isEqualTo(OffloadRejected.Reason.MODEL_MISMATCH))
          .hasMessageContaining(ModelHash.of(seed7).toString())
          .hasMessageContaining(OffloadLaneTest.VIBRATION.shortHex());
      assertThat(lane.refusedByReason().get(OffloadRejected.Reason.MODEL_MISMATCH)).isEqualTo(1);
      assertThat(lane.counters().served()).isZero();
      assertThat(tails.loadedModels()).isEmpty(); // refused before anything was loaded
    }
  }

  @Test
  void unknownModelHashIsRefusedAndCounted(@TempDir Path cache) throws Exception {
    ModelRegistry registry = ModelRegistry.of(List.of(seed7File.toString()));
    try (TailModels tails = new TailModels(cache, registry, 4, 64)) {
      OffloadLane lane = lane(tails);
      ModelProto renamed =
          seed1.toBuilder().setGraph(seed1.getGraph().toBuilder().setName("x")).build();
      byte[] frame = OffloadLaneTest.headFrame(renamed, 0, window(13, MachineState.NORMAL));

      assertThatThrownBy(() -> lane.serve("0x02", frame, 2e10))
          .isInstanceOfSatisfying(
              OffloadRejected.Exception.class,
              e ->
                  assertThat(e.rejection().reason())
                      .isEqualTo(OffloadRejected.Reason.UNKNOWN_MODEL))
          .hasMessageContaining("unknown model 'x'");
      assertThat(lane.refusedByReason().get(OffloadRejected.Reason.UNKNOWN_MODEL)).isEqualTo(1);
    }
  }

  @Test
  void modelsLoadOnDemandWithinTheCacheBounds(@TempDir Path cache) throws Exception {
    ModelRegistry registry = ModelRegistry.of(List.of("vibration", seed7File.toString()));
    try (TailModels tails = new TailModels(cache, registry, 1, 2)) {
      OffloadLane lane = lane(tails);
      assertThat(tails.loadedModels()).isEmpty();
      float[] w = window(14, MachineState.BEARING_FAULT);
      for (int round = 0; round < 2; round++) {
        for (int cut : new int[] {0, OffloadLaneTest.CUT}) {
          assertServedBy(
              lane.serve("a", OffloadLaneTest.headFrame(seed7, cut, w), 2e10), whole(seed7, w));
          assertServedBy(
              lane.serve("b", OffloadLaneTest.headFrame(seed1, cut, w), 2e10), whole(seed1, w));
          assertThat(tails.loadedModels()).hasSizeLessThanOrEqualTo(1);
          assertThat(tails.openSessions()).isLessThanOrEqualTo(2);
        }
      }
    }
  }

  @Test
  void registeredFileThatChangedIsRefusedOnFirstUse(@TempDir Path cache) throws Exception {
    Path file = dir.resolve("changing").resolve("model.onnx");
    OnnxModels.write(seed7, file);
    ModelRegistry registry = ModelRegistry.of(List.of(file.toString()));
    OnnxModels.write(seed1, file); // someone replaced the weights after the AP started
    try (TailModels tails = new TailModels(cache, registry, 4, 64)) {
      OffloadLane lane = lane(tails);
      byte[] frame = OffloadLaneTest.headFrame(seed7, 0, window(15, MachineState.NORMAL));

      assertThatThrownBy(() -> lane.serve("0x03", frame, 2e10))
          .isInstanceOfSatisfying(
              OffloadRejected.Exception.class,
              e ->
                  assertThat(e.rejection().reason())
                      .isEqualTo(OffloadRejected.Reason.MODEL_MISMATCH))
          .hasMessageContaining("changed");
    }
  }
}

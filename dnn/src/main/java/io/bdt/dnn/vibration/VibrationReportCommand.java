package io.bdt.dnn.vibration;

import ai.onnxruntime.OrtException;
import io.bdt.dnn.codec.FrameException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bdt dnn vibration-report}: trains the vibration-fault classifier, evaluates the exported
 * ONNX model in ONNX Runtime on a held-out set, and measures the codec's effect at every cut;
 * prints Markdown (the tables in {@code docs/vibration-model.md}).
 */
@Command(
    name = "vibration-report",
    mixinStandardHelpOptions = true,
    description = {
      "Train the vibration-fault classifier, run the exported ONNX model in ONNX Runtime on a"
          + " held-out synthetic set, and measure accuracy and frame size per cut and wire"
          + " encoding. Prints Markdown."
    })
public final class VibrationReportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--seed",
      defaultValue = "" + VibrationModel.DEFAULT_SEED,
      description = "training seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--held-out-seed",
      defaultValue = "" + VibrationModel.HELD_OUT_SEED,
      description = "seed of the held-out set (default: ${DEFAULT-VALUE})")
  long heldOutSeed;

  @Option(
      names = "--per-state",
      defaultValue = "500",
      description = "held-out windows per machine state (default: ${DEFAULT-VALUE})")
  int perState;

  @Override
  public Integer call() throws OrtException, FrameException {
    if (perState < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--per-state must be >= 1, was " + perState);
    }
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    VibrationModel model = VibrationModel.train(seed);
    double trainSeconds = (System.nanoTime() - start) / 1e9;
    List<VibrationWindow> heldOut = new VibrationGenerator(heldOutSeed).dataset(perState);
    ConfusionMatrix confusion = OnnxClassifierRun.evaluate(model.toOnnx(), heldOut);
    out.printf(
        "Training seed %d (%.1f s), held-out seed %d, %d windows, ONNX model %d bytes.%n%n",
        seed, trainSeconds, heldOutSeed, heldOut.size(), model.toOnnx().getSerializedSize());
    out.printf("Accuracy (ONNX Runtime): %.2f%%%n%n", 100 * confusion.accuracy());
    out.println(confusion.toMarkdown());
    out.println(CodecEffect.toMarkdown(CodecEffect.measure(model, heldOut)));
    out.flush();
    return 0;
  }
}

package io.bdt.dnn.vibration;

import ai.onnxruntime.OrtException;
import io.bdt.dnn.codec.Encoding;
import io.bdt.dnn.codec.FrameException;
import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.split.ModelSplitter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Measures what the wire encoding costs the classifier: at every cut the generic splitter finds
 * (except the fully local one), the accuracy on a held-out set when the crossing tensor travels as
 * float32, float16 or int8, and the frame size of each.
 */
public final class CodecEffect {

  private CodecEffect() {}

  /**
   * One cut's row.
   *
   * @param cut the cut point
   * @param accuracy held-out accuracy per encoding
   * @param frameBytes frame size per encoding (header, payload and checksum), bytes
   */
  public record Row(
      CutPoint cut, Map<Encoding, Double> accuracy, Map<Encoding, Integer> frameBytes) {}

  /** The rows for {@code model} on {@code windows}, in cut order. */
  public static List<Row> measure(VibrationModel model, List<VibrationWindow> windows)
      throws OrtException, FrameException {
    GraphAnalysis analysis = GraphAnalyzer.analyze(model.toOnnx(), Map.of());
    List<Row> rows = new ArrayList<>();
    for (CutPoint cut : analysis.cuts()) {
      if (cut.position() == analysis.layers().size()) {
        continue;
      }
      var split = ModelSplitter.split(analysis, cut.id());
      Map<Encoding, Double> accuracy = new EnumMap<>(Encoding.class);
      Map<Encoding, Integer> bytes = new EnumMap<>(Encoding.class);
      for (Encoding e : Encoding.values()) {
        OnnxClassifierRun.SplitResult r = OnnxClassifierRun.evaluateSplit(split, e, windows);
        accuracy.put(e, r.confusion().accuracy());
        bytes.put(e, r.frameBytes());
      }
      rows.add(new Row(cut, accuracy, bytes));
    }
    return rows;
  }

  /** The rows as a Markdown table. */
  public static String toMarkdown(List<Row> rows) {
    StringBuilder s =
        new StringBuilder(
            "| cut | crossing tensor | elements | frame bytes fp32 / fp16 / int8 |"
                + " accuracy fp32 | accuracy fp16 | accuracy int8 |\n"
                + "|---:|---|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      long elements = r.cut().tensors().stream().mapToLong(t -> t.elements()).sum();
      s.append(
          String.format(
              "| %d | `%s` | %d | %d / %d / %d | %.2f%% | %.2f%% | %.2f%% |%n",
              r.cut().id(),
              r.cut().label(),
              elements,
              r.frameBytes().get(Encoding.FLOAT32),
              r.frameBytes().get(Encoding.FLOAT16),
              r.frameBytes().get(Encoding.INT8),
              100 * r.accuracy().get(Encoding.FLOAT32),
              100 * r.accuracy().get(Encoding.FLOAT16),
              100 * r.accuracy().get(Encoding.INT8)));
    }
    return s.toString();
  }
}

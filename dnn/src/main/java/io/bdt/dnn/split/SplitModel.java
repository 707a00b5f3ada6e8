package io.bdt.dnn.split;

import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A model split at one cut: the head (runs on the gateway) and the tail (runs on the AP).
 *
 * @param cut where the model was split
 * @param head the model of the nodes before the cut; its outputs are the cut's tensors
 * @param tail the model of the nodes after the cut; its inputs are the cut's tensors
 */
public record SplitModel(CutPoint cut, ModelProto head, ModelProto tail) {

  /** Writes {@code head.onnx} and {@code tail.onnx} into {@code dir}. */
  public void write(Path dir) throws IOException {
    OnnxModels.write(head, dir.resolve("head.onnx"));
    OnnxModels.write(tail, dir.resolve("tail.onnx"));
  }
}

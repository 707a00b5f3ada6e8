package io.bdt.dnn.cli;

import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.OnnxModels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The model file and input-shape options shared by inspect, split and verify. */
final class ModelOptions {

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description =
          "ONNX model file (opset 7+, any op ONNX Runtime runs; external data files beside it).")
  Path model;

  @Option(
      names = "--input",
      paramLabel = "NAME=DIMS",
      description =
          "Shape of a graph input, e.g. input=1x3x224x224; required for inputs with dynamic dims.")
  Map<String, String> inputs = new LinkedHashMap<>();

  @Option(
      names = "--max-tensors",
      paramLabel = "N",
      description = "Keep cuts crossed by at most N tensors (default: ${DEFAULT-VALUE}).")
  int maxTensors = GraphAnalyzer.DEFAULT_MAX_CUT_TENSORS;

  /** Reads and analyses the model. */
  GraphAnalysis analyze() {
    return GraphAnalyzer.analyze(OnnxModels.read(model), inputShapes(), maxTensors);
  }

  Map<String, List<Long>> inputShapes() {
    try {
      return InputShapes.parse(inputs);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException(e.getMessage());
    }
  }
}

package io.bdt.dnn.cli;

import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.GraphAnalyzer;
import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.OnnxModels;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
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

  @Option(
      names = "--fill",
      paramLabel = "NAME=NUMBER",
      description =
          "Feed graph input NAME filled with NUMBER instead of sample values (e.g. sr=16000 for a"
              + " sample-rate input, or a trip count); its shape is its --input or declared one.")
  Map<String, String> fills = new LinkedHashMap<>();

  /** Reads and analyses the model. */
  GraphAnalysis analyze() {
    ModelProto read = OnnxModels.read(model);
    return GraphAnalyzer.analyze(read, inputShapes(), maxTensors, fillValues(read));
  }

  /** The {@code --fill} inputs as tensors of the input's element type and shape. */
  Map<String, TensorProto> fillValues(ModelProto read) {
    Map<String, TensorProto> values = new LinkedHashMap<>();
    Map<String, List<Long>> shapes = inputShapes();
    for (Map.Entry<String, String> fill : fills.entrySet()) {
      ValueInfoProto input =
          read.getGraph().getInputList().stream()
              .filter(vi -> vi.getName().equals(fill.getKey()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new InvalidModelException(
                          "--fill "
                              + fill.getKey()
                              + ": the model has no graph input of that name"));
      double number;
      try {
        number = Double.parseDouble(fill.getValue());
      } catch (NumberFormatException e) {
        throw new InvalidModelException(
            "--fill " + fill.getKey() + "=" + fill.getValue() + ": NUMBER is not a number");
      }
      List<Long> dims = shapes.get(fill.getKey());
      if (dims == null) {
        dims = new ArrayList<>();
        for (var d : input.getType().getTensorType().getShape().getDimList()) {
          if (!d.hasDimValue()) {
            throw new InvalidModelException(
                "--fill "
                    + fill.getKey()
                    + ": the input has a dynamic dim; give its shape with --input");
          }
          dims.add(d.getDimValue());
        }
      }
      long count = dims.stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
      int type = input.getType().getTensorType().getElemType();
      TensorProto.Builder t =
          TensorProto.newBuilder().setName(fill.getKey()).setDataType(type).addAllDims(dims);
      for (long i = 0; i < count; i++) {
        switch (TensorProto.DataType.forNumber(type)) {
          case FLOAT -> t.addFloatData((float) number);
          case DOUBLE -> t.addDoubleData(number);
          case INT64 -> t.addInt64Data((long) number);
          case INT32, INT16, INT8, UINT8, BOOL -> t.addInt32Data((int) number);
          case null, default ->
              throw new InvalidModelException(
                  "--fill "
                      + fill.getKey()
                      + ": inputs of element type "
                      + type
                      + " cannot be filled");
        }
      }
      values.put(fill.getKey(), t.build());
    }
    return values;
  }

  Map<String, List<Long>> inputShapes() {
    try {
      return InputShapes.parse(inputs);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException(e.getMessage());
    }
  }
}

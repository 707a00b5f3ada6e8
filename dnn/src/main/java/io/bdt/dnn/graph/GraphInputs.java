package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.OperatorSetIdProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorShapeProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The graph inputs' shapes: declared dims, {@code --input} overrides (the model rewritten so ONNX
 * Runtime accepts them), symbolic dims that must be given, and the check of declared output shapes
 * against inferred ones.
 */
final class GraphInputs {

  private GraphInputs() {}

  /**
   * {@code model} with the static input dims that {@code inputShapes} overrides (a 1024x1024
   * segmentation model run at 256x256) replaced, so ONNX Runtime accepts the new shape; the
   * declared output shapes and value_info, which were for the old input, are dropped.
   */
  static ModelProto withOverriddenInputs(ModelProto model, Map<String, List<Long>> inputShapes) {
    GraphProto graph = model.getGraph();
    boolean overrides = false;
    for (ValueInfoProto vi : graph.getInputList()) {
      List<Long> given = inputShapes.get(vi.getName());
      if (given != null && isStatic(vi)) {
        List<Long> declared = new ArrayList<>();
        vi.getType()
            .getTensorType()
            .getShape()
            .getDimList()
            .forEach(d -> declared.add(d.getDimValue()));
        overrides |= !declared.equals(given);
      }
    }
    if (!overrides) {
      return model;
    }
    GraphProto.Builder g = graph.toBuilder().clearValueInfo();
    for (int i = 0; i < g.getInputCount(); i++) {
      List<Long> given = inputShapes.get(g.getInput(i).getName());
      if (given != null && g.getInput(i).getType().hasTensorType()) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        given.forEach(d -> shape.addDimBuilder().setDimValue(d));
        ValueInfoProto.Builder vi = g.getInput(i).toBuilder();
        vi.getTypeBuilder().getTensorTypeBuilder().setShape(shape);
        g.setInput(i, vi);
      }
    }
    for (int i = 0; i < g.getOutputCount(); i++) {
      ValueInfoProto.Builder vi = g.getOutput(i).toBuilder();
      if (vi.getType().hasTensorType()) {
        vi.getTypeBuilder().getTensorTypeBuilder().clearShape();
      }
      g.setOutput(i, vi);
    }
    return model.toBuilder().setGraph(g).build();
  }

  static int defaultOpset(ModelProto model) {
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        return (int) id.getVersion();
      }
    }
    return 0; // only other domains (e.g. ai.onnx.ml): no default-domain rule applies
  }

  static boolean isStatic(ValueInfoProto vi) {
    if (!vi.getType().hasTensorType() || !vi.getType().getTensorType().hasShape()) {
      return false;
    }
    for (TensorShapeProto.Dimension d : vi.getType().getTensorType().getShape().getDimList()) {
      if (!d.hasDimValue() || d.getDimValue() <= 0) {
        return false;
      }
    }
    return true;
  }

  static TensorInfo resolveInput(ValueInfoProto vi, List<Long> given, boolean dynamic) {
    String name = vi.getName();
    if (!vi.getType().hasTensorType()) {
      throw new InvalidModelException("graph input '" + name + "' is not a tensor");
    }
    int elemType = vi.getType().getTensorType().getElemType();
    List<TensorShapeProto.Dimension> declared =
        vi.getType().getTensorType().getShape().getDimList();
    if (given != null) {
      if (vi.getType().getTensorType().hasShape() && declared.size() != given.size()) {
        throw new InvalidModelException(
            "--input "
                + name
                + ": gives "
                + given.size()
                + " dims but the model declares rank "
                + declared.size());
      }
      for (Long d : given) {
        if (d == null || d < 0) {
          throw new InvalidModelException("--input " + name + ": dims must be positive: " + given);
        }
      }
      return new TensorInfo(name, elemType, given);
    }
    if (dynamic) {
      List<String> shown = new ArrayList<>();
      for (TensorShapeProto.Dimension d : declared) {
        shown.add(
            d.hasDimValue()
                ? Long.toString(d.getDimValue())
                : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
      }
      throw new InvalidModelException(
          "missing shape: graph input '"
              + name
              + "' has dynamic shape "
              + shown
              + "; give it with --input "
              + name
              + "=DIMS (e.g. 1x3x224x224)");
    }
    List<Long> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : declared) {
      dims.add(d.getDimValue());
    }
    return new TensorInfo(name, elemType, dims);
  }

  static void checkDeclared(ValueInfoProto vi, TensorInfo inferred) {
    if (!vi.getType().hasTensorType() || !vi.getType().getTensorType().hasShape()) {
      return;
    }
    List<TensorShapeProto.Dimension> declared =
        vi.getType().getTensorType().getShape().getDimList();
    boolean mismatch = declared.size() != inferred.rank();
    for (int i = 0; !mismatch && i < declared.size(); i++) {
      TensorShapeProto.Dimension d = declared.get(i);
      mismatch = d.hasDimValue() && d.getDimValue() > 0 && d.getDimValue() != inferred.dim(i);
    }
    if (mismatch) {
      throw new InvalidModelException(
          "graph output '"
              + vi.getName()
              + "' is declared with shape "
              + declared.stream()
                  .map(d -> d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam())
                  .toList()
              + " but the graph computes "
              + inferred.dims());
    }
  }
}

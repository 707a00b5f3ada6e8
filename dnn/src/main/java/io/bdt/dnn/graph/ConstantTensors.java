package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.proto.Onnx.AttributeProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Initializers and Constant nodes as {@link TensorInfo}s, and the values of the small int64 ones
 * that shape rules read (Reshape's shape, Squeeze's axes, Pad's pads).
 */
final class ConstantTensors {

  /** Largest int64 constant whose values are kept for the shape rules. */
  private static final int MAX_CONSTANT_ELEMENTS = 64;

  private ConstantTensors() {}

  static TensorInfo tensorOf(String name, TensorProto t) {
    return new TensorInfo(name, t.getDataType(), t.getDimsList());
  }

  static TensorProto constantValue(NodeProto node) {
    for (AttributeProto a : node.getAttributeList()) {
      switch (a.getName()) {
        case "value" -> {
          return a.getT();
        }
        case "value_int" -> {
          return TensorProto.newBuilder()
              .setDataType(TensorProto.DataType.INT64_VALUE)
              .addInt64Data(a.getI())
              .build();
        }
        case "value_ints" -> {
          return TensorProto.newBuilder()
              .setDataType(TensorProto.DataType.INT64_VALUE)
              .addDims(a.getIntsCount())
              .addAllInt64Data(a.getIntsList())
              .build();
        }
        case "value_float" -> {
          return TensorProto.newBuilder()
              .setDataType(TensorProto.DataType.FLOAT_VALUE)
              .addFloatData(a.getF())
              .build();
        }
        case "value_floats" -> {
          return TensorProto.newBuilder()
              .setDataType(TensorProto.DataType.FLOAT_VALUE)
              .addDims(a.getFloatsCount())
              .addAllFloatData(a.getFloatsList())
              .build();
        }
        default -> {}
      }
    }
    throw new InvalidModelException(
        "Constant node '" + node.getName() + "' has no value attribute this analyser reads");
  }

  /** Keeps the values of small int64 tensors, which Reshape/Squeeze/Pad read as shapes. */
  static void captureInt64(TensorProto t, Map<String, long[]> constants) {
    if (t.getDataType() != TensorProto.DataType.INT64_VALUE) {
      return;
    }
    long count = 1;
    for (long d : t.getDimsList()) {
      count *= d;
    }
    if (count > MAX_CONSTANT_ELEMENTS) {
      return;
    }
    long[] values;
    if (!t.getRawData().isEmpty()) {
      ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      values = new long[raw.remaining() / Long.BYTES];
      raw.asLongBuffer().get(values);
    } else {
      values = t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }
    constants.put(t.getName(), values);
  }
}

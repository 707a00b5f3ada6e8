package io.bdt.dnn.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Makes ONNX Runtime tensors of any element type the Java API carries: from a {@code TensorProto}
 * (test data, constants) or filled with sample values for a given type and shape.
 *
 * <p>Sample values: floating-point elements are uniform in [-1, 1) from the given random source,
 * integers are 0 (valid indices, token ids and lengths for any model), booleans false and strings
 * empty. Shape-dependent models (a Loop trip count or a Reshape target fed as an input) need real
 * values, which callers pass as {@code TensorProto}s instead.
 */
public final class OrtTensors {

  private OrtTensors() {}

  /** The Java API's type for ONNX element type {@code elemType}, or an error naming it. */
  public static OnnxJavaType javaType(int elemType) {
    DataType type = DataType.forNumber(elemType);
    OnnxJavaType java =
        type == null
            ? OnnxJavaType.UNKNOWN
            : switch (type) {
              case FLOAT -> OnnxJavaType.FLOAT;
              case DOUBLE -> OnnxJavaType.DOUBLE;
              case INT8 -> OnnxJavaType.INT8;
              case UINT8 -> OnnxJavaType.UINT8;
              case INT16 -> OnnxJavaType.INT16;
              case INT32 -> OnnxJavaType.INT32;
              case INT64 -> OnnxJavaType.INT64;
              case BOOL -> OnnxJavaType.BOOL;
              case STRING -> OnnxJavaType.STRING;
              case FLOAT16 -> OnnxJavaType.FLOAT16;
              case BFLOAT16 -> OnnxJavaType.BFLOAT16;
              default -> OnnxJavaType.UNKNOWN;
            };
    if (java == OnnxJavaType.UNKNOWN) {
      throw new InvalidModelException(
          "tensor element type "
              + (type == null ? elemType : type)
              + " cannot be fed from Java (ONNX Runtime's Java API has no such type)");
    }
    return java;
  }

  /** A tensor of {@code t}'s type, shape and values. */
  public static OnnxTensor fromProto(OrtEnvironment env, TensorProto t) throws OrtException {
    long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    OnnxJavaType type = javaType(t.getDataType());
    if (type == OnnxJavaType.STRING) {
      String[] values =
          t.getStringDataList().stream().map(b -> b.toStringUtf8()).toArray(String[]::new);
      return OnnxTensor.createTensor(env, values, shape);
    }
    return OnnxTensor.createTensor(env, rawBytes(t, type), shape, type);
  }

  /** A tensor of {@code elemType} and {@code shape} holding sample values (see the class doc). */
  public static OnnxTensor sample(
      OrtEnvironment env, int elemType, long[] shape, SplittableRandom random) throws OrtException {
    OnnxJavaType type = javaType(elemType);
    long count = 1;
    for (long d : shape) {
      count *= d;
    }
    int n = Math.toIntExact(count);
    if (type == OnnxJavaType.STRING) {
      String[] values = new String[n];
      Arrays.fill(values, "");
      return OnnxTensor.createTensor(env, values, shape);
    }
    ByteBuffer data = ByteBuffer.allocateDirect(n * type.size).order(ByteOrder.nativeOrder());
    for (int i = 0; i < n; i++) {
      float v = (float) (random.nextDouble() * 2 - 1);
      switch (type) {
        case FLOAT -> data.putFloat(v);
        case DOUBLE -> data.putDouble(v);
        case FLOAT16 -> data.putShort(Float.floatToFloat16(v));
        case BFLOAT16 -> data.putShort((short) (Float.floatToIntBits(v) >>> 16));
        default -> data.position(data.position() + type.size);
      }
    }
    data.rewind();
    return OnnxTensor.createTensor(env, data, shape, type);
  }

  /** {@code t}'s elements as little-endian bytes of {@code type}'s width. */
  private static ByteBuffer rawBytes(TensorProto t, OnnxJavaType type) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw new InvalidModelException(
          "tensor '"
              + t.getName()
              + "' keeps its data in an external file; read it with OnnxModels");
    }
    if (!t.getRawData().isEmpty()) {
      ByteBuffer raw =
          ByteBuffer.allocateDirect(t.getRawData().size()).order(ByteOrder.nativeOrder());
      t.getRawData().copyTo(raw);
      return raw.rewind();
    }
    int n = 1;
    for (long d : t.getDimsList()) {
      n = Math.multiplyExact(n, Math.toIntExact(d));
    }
    ByteBuffer out = ByteBuffer.allocateDirect(n * type.size).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case FLOAT -> out.putFloat(t.getFloatData(i));
        case DOUBLE -> out.putDouble(t.getDoubleData(i));
        case INT64 -> out.putLong(t.getInt64Data(i));
        case INT32 -> out.putInt(t.getInt32Data(i));
        case INT16, FLOAT16, BFLOAT16 -> out.putShort((short) t.getInt32Data(i));
        case INT8, UINT8, BOOL -> out.put((byte) t.getInt32Data(i));
        default -> throw new InvalidModelException("tensor '" + t.getName() + "': type " + type);
      }
    }
    return out.rewind();
  }
}

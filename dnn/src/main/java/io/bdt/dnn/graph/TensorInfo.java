package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import java.util.List;

/**
 * Element type and static shape of one tensor in a graph.
 *
 * @param name the tensor's name in the graph
 * @param elemType the ONNX {@code TensorProto.DataType} number; 0 (UNDEFINED) for a value that is
 *     not a tensor (a sequence, map or optional), which no cut may carry
 * @param dims the dimensions, all known ({@code >= 0})
 */
public record TensorInfo(String name, int elemType, List<Long> dims) {

  public TensorInfo {
    dims = List.copyOf(dims);
  }

  /** A float tensor. */
  public static TensorInfo ofFloat(String name, List<Long> dims) {
    return new TensorInfo(name, TensorProto.DataType.FLOAT_VALUE, dims);
  }

  /**
   * A value that is not a tensor (sequence, map, optional): it has no shape and never crosses a
   * cut.
   */
  public static TensorInfo notATensor(String name) {
    return new TensorInfo(name, TensorProto.DataType.UNDEFINED_VALUE, List.of());
  }

  /** Whether this is a tensor of fixed-width elements, the kind a cut can carry on the wire. */
  public boolean crossable() {
    return elemType != TensorProto.DataType.UNDEFINED_VALUE
        && elemType != TensorProto.DataType.STRING_VALUE
        && TensorProto.DataType.forNumber(elemType) != null;
  }

  /** The same type and shape under another name. */
  public TensorInfo named(String otherName) {
    return new TensorInfo(otherName, elemType, dims);
  }

  /** The same name and element type with other dims. */
  public TensorInfo withDims(List<Long> newDims) {
    return new TensorInfo(name, elemType, newDims);
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.size();
  }

  /** Dimension {@code axis}; negative axes count from the end. */
  public long dim(int axis) {
    return dims.get(axis < 0 ? axis + dims.size() : axis);
  }

  /** Number of elements (the product of the dims; 1 for a scalar). */
  public long elements() {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  /** Bits of the whole tensor: elements times the element type's width. */
  public long bits() {
    return elements() * bitsPerElement(elemType);
  }

  /** Width in bits of one element of ONNX data type {@code elemType}. */
  public static int bitsPerElement(int elemType) {
    TensorProto.DataType type = TensorProto.DataType.forNumber(elemType);
    if (type == null) {
      throw new InvalidModelException("unknown tensor element type " + elemType);
    }
    return switch (type) {
      case FLOAT, INT32, UINT32 -> 32;
      case DOUBLE, INT64, UINT64, COMPLEX64 -> 64;
      case COMPLEX128 -> 128;
      case FLOAT16, BFLOAT16, INT16, UINT16 -> 16;
      case INT8, UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> 8;
      case INT4, UINT4 -> 4;
      case STRING, UNDEFINED ->
          throw new InvalidModelException("tensor element type " + type + " has no fixed width");
    };
  }
}

package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.proto.Onnx.TensorProto;

/**
 * How a 16-bit float tensor crosses a cut: as float32, under the name {@code NAME#fp32}.
 *
 * <p>ONNX Runtime's CPU provider has no float16 kernels for most ops (Conv, Relu, ...): it runs
 * them in float32 between casts it inserts, and removes the float32-to-float16-to-float32 pairs
 * between neighbouring nodes, so the whole model never rounds those tensors to float16. A cut that
 * returned the tensor in the float16 its graph declares would round it and the tail would continue
 * from the rounded values (up to 5.7e-3 off on the fp16 IS-Net, about 6 float16 ulps). The head
 * instead ends in a {@code Cast} to float32 and the tail starts with the {@code Cast} back; ONNX
 * Runtime folds those into its own casts, so the head returns the unrounded value and the split
 * reproduces the whole model. On a provider with float16 kernels the value is already rounded and
 * the casts are exact. A tensor that an explicit {@code Cast} made from a float32 tensor is carried
 * as that float32 tensor: ONNX Runtime drops such a Cast with the one it inserts next, so the whole
 * model does not round there either. The price is twice the bits on the wire for such a tensor,
 * which the cut's {@code d_k} counts.
 *
 * <p>Graph inputs (full offload) and graph outputs (fully local) cross in their own type: they are
 * given and returned as the model declares them.
 */
public final class Fp32Carrier {

  /** Suffix of a carried tensor's name. */
  public static final String SUFFIX = "#fp32";

  private Fp32Carrier() {}

  /** Whether {@code t} crosses an inner cut as float32. */
  static boolean carries(TensorInfo t) {
    return t.elemType() == TensorProto.DataType.FLOAT16_VALUE
        || t.elemType() == TensorProto.DataType.BFLOAT16_VALUE;
  }

  /** The float32 tensor that carries {@code t} across a cut. */
  static TensorInfo of(TensorInfo t) {
    return new TensorInfo(t.name() + SUFFIX, TensorProto.DataType.FLOAT_VALUE, t.dims());
  }

  /** Whether {@code name} names a carrier. */
  public static boolean isCarrier(String name) {
    return name.endsWith(SUFFIX);
  }

  /** The name of the graph's own tensor that the carrier {@code name} carries. */
  public static String carried(String name) {
    if (!isCarrier(name)) {
      throw new IllegalArgumentException("'" + name + "' is not a carrier (no " + SUFFIX + ")");
    }
    return name.substring(0, name.length() - SUFFIX.length());
  }
}

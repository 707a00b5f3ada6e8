package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FLOPs of one node from its input and output shapes (for the whole batch; a multiply-accumulate is
 * 2 FLOPs). The ops that carry a model's work have exact rules; every other op gets the documented
 * estimate of one FLOP per output element, and data-movement ops none. The table is in docs/dnn.md;
 * where an estimate matters, the per-cut cost measured by {@code ./bdt dnn profile} is what the
 * optimizer uses.
 */
final class OpCosts {

  /** Ops that only move, index or reinterpret data: 0 FLOPs. */
  static final Set<String> DATA_MOVEMENT =
      Set.of(
          "Identity",
          "Dropout",
          "Flatten",
          "Reshape",
          "Transpose",
          "Squeeze",
          "Unsqueeze",
          "Concat",
          "Pad",
          "Constant",
          "Shape",
          "Size",
          "Gather",
          "GatherElements",
          "GatherND",
          "Slice",
          "Split",
          "Expand",
          "Tile",
          "Cast",
          "CastLike",
          "ConstantOfShape",
          "Range",
          "DepthToSpace",
          "SpaceToDepth",
          "ScatterND",
          "ScatterElements",
          "Scatter",
          "NonZero",
          "Compress",
          "ReverseSequence",
          "EyeLike",
          "OneHot",
          "SequenceConstruct",
          "SequenceAt",
          "SequenceInsert",
          "SequenceErase",
          "SequenceLength",
          "SequenceEmpty",
          "SplitToSequence",
          "ConcatFromSequence",
          "Optional",
          "OptionalGetElement",
          "OptionalHasElement",
          "Trilu");

  /** Ops costed at 4 FLOPs per output element (an exp, log, division or polynomial each). */
  static final Set<String> TRANSCENDENTAL =
      Set.of(
          "Sigmoid",
          "Tanh",
          "HardSwish",
          "Exp",
          "Log",
          "Pow",
          "Erf",
          "Gelu",
          "FastGelu",
          "BiasGelu",
          "QuickGelu",
          "Elu",
          "Selu",
          "Celu",
          "Softplus",
          "Softsign",
          "Mish",
          "ThresholdedRelu",
          "Sin",
          "Cos",
          "Tan",
          "Asin",
          "Acos",
          "Atan",
          "Sinh",
          "Cosh",
          "Asinh",
          "Acosh",
          "Atanh",
          "Reciprocal");

  private OpCosts() {}

  /** FLOPs of {@code node} given its inputs ({@code null} where omitted) and outputs. */
  static long flops(NodeProto node, List<TensorInfo> in, List<TensorInfo> out) {
    String op = node.getOpType();
    long outElements =
        out.isEmpty() || out.get(0) == null || !out.get(0).crossable() ? 0 : out.get(0).elements();
    NodeAttributes attrs = new NodeAttributes(node);
    return switch (op) {
      case "Conv", "ConvInteger", "NhwcConv" -> conv(in.get(1), outElements, present(in, 2));
      case "QLinearConv" -> conv(in.get(3), outElements, present(in, 8));
      case "ConvTranspose" -> {
        TensorInfo x = in.get(0);
        TensorInfo w = in.get(1);
        yield 2 * x.elements() * w.dim(1) * kernel(w) + (present(in, 2) ? outElements : 0);
      }
      case "Gemm" -> {
        TensorInfo a = in.get(0);
        long k = attrs.getInt("transA", 0) != 0 ? a.dim(0) : a.dim(1);
        yield 2 * outElements * k + (present(in, 2) ? outElements : 0);
      }
      case "MatMul", "MatMulInteger", "QLinearMatMul", "FusedMatMul", "MatMulIntegerToFloat" -> {
        TensorInfo a = in.get(0);
        yield 2 * outElements * a.dim(-1);
      }
      case "Einsum" -> einsum(attrs.getString("equation", ""), in, outElements);
      case "MaxPool", "AveragePool", "LpPool", "QLinearAveragePool" ->
          outElements * OpRules.product(attrs.getInts("kernel_shape", List.of()));
      case "GlobalAveragePool",
          "GlobalMaxPool",
          "GlobalLpPool",
          "QLinearGlobalAveragePool",
          "ReduceMean",
          "ReduceSum",
          "ReduceMax",
          "ReduceMin",
          "ReduceProd",
          "ReduceL1",
          "ReduceL2",
          "ReduceLogSum",
          "ReduceLogSumExp",
          "ReduceSumSquare",
          "ArgMax",
          "ArgMin" ->
          in.get(0).elements();
      case "BatchNormalization" -> 2 * outElements;
      case "LayerNormalization",
          "InstanceNormalization",
          "GroupNormalization",
          "SimplifiedLayerNormalization",
          "SkipLayerNormalization",
          "SkipSimplifiedLayerNormalization",
          "LpNormalization",
          "MeanVarianceNormalization",
          "RMSNormalization",
          "LRN" ->
          5 * outElements;
      case "Resize", "Upsample" -> {
        String mode = attrs.getString("mode", "nearest");
        yield outElements * (mode.equals("cubic") ? 16 : mode.contains("linear") ? 4 : 1);
      }
      case "Softmax", "LogSoftmax", "Hardmax" -> 3 * outElements;
      case "HardSigmoid" -> 3 * outElements;
      case "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear" -> 2 * outElements;
      default -> {
        if (DATA_MOVEMENT.contains(op)) {
          yield 0;
        }
        yield TRANSCENDENTAL.contains(op) ? 4 * outElements : outElements;
      }
    };
  }

  private static long conv(TensorInfo w, long outputs, boolean bias) {
    return 2 * outputs * w.dim(1) * kernel(w) + (bias ? outputs : 0);
  }

  private static long kernel(TensorInfo w) {
    return OpRules.product(w.dims().subList(2, w.rank()));
  }

  private static boolean present(List<TensorInfo> in, int index) {
    return in.size() > index && in.get(index) != null;
  }

  /** Two FLOPs per point of the equation's full index space (contracted and kept letters). */
  private static long einsum(String equation, List<TensorInfo> in, long outElements) {
    String lhs = equation.replace(" ", "").split("->")[0];
    if (lhs.contains(".")) {
      return outElements;
    }
    String[] terms = lhs.split(",");
    Map<Character, Long> size = new HashMap<>();
    for (int t = 0; t < terms.length && t < in.size(); t++) {
      for (int i = 0; i < terms[t].length() && i < in.get(t).rank(); i++) {
        size.merge(terms[t].charAt(i), in.get(t).dim(i), Math::max);
      }
    }
    long points = 1;
    for (long d : size.values()) {
      points *= d;
    }
    return 2 * points;
  }
}

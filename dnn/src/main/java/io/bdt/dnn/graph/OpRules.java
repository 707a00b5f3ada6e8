package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shape rules of the common CNN operators, computed in Java without running the model.
 *
 * <p>The analyser applies a rule when every input's shape is known; anything these rules do not
 * cover (other ops, shapes that depend on computed values, optional outputs) it learns from ONNX
 * Runtime ({@link ShapeProbe}). FLOPs are {@link OpCosts}'s job.
 */
final class OpRules {

  /** The operators this class has rules for. */
  static final Set<String> SUPPORTED =
      Set.of(
          "Conv",
          "ConvTranspose",
          "Gemm",
          "MatMul",
          "Relu",
          "LeakyRelu",
          "Clip",
          "Sigmoid",
          "Tanh",
          "HardSigmoid",
          "HardSwish",
          "Add",
          "Sub",
          "Mul",
          "Div",
          "Sqrt",
          "Neg",
          "Abs",
          "BatchNormalization",
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "GlobalMaxPool",
          "Flatten",
          "Reshape",
          "Concat",
          "Dropout",
          "Identity",
          "Softmax",
          "Transpose",
          "ReduceMean",
          "Squeeze",
          "Unsqueeze",
          "Pad",
          "Constant");

  /** Output dims of one node. */
  record Inferred(List<List<Long>> outputDims) {}

  private OpRules() {}

  /**
   * Infers {@code node}'s output dims and FLOPs from its input tensors ({@code null} entries for
   * omitted optional inputs) and the int64 constants known so far.
   */
  static Inferred infer(
      NodeProto node, List<TensorInfo> in, Map<String, long[]> constants, int opset) {
    NodeAttributes attrs = new NodeAttributes(node);
    String op = node.getOpType();
    return switch (op) {
      case "Conv" -> conv(node, attrs, in);
      case "ConvTranspose" -> convTranspose(node, attrs, in);
      case "Gemm" -> gemm(node, attrs, in);
      case "MatMul" -> matMul(node, in);
      case "Relu",
          "LeakyRelu",
          "Clip",
          "Abs",
          "Neg",
          "Sqrt",
          "HardSigmoid",
          "HardSwish",
          "Sigmoid",
          "Tanh",
          "Softmax",
          "Identity" ->
          elementwise(in.get(0));
      case "BatchNormalization" -> new Inferred(List.of(in.get(0).dims()));
      case "Dropout" -> new Inferred(List.of(in.get(0).dims()));
      case "Add", "Sub", "Mul", "Div" -> {
        List<Long> out = broadcast(node, in.get(0).dims(), in.get(1).dims());
        yield new Inferred(List.of(out));
      }
      case "MaxPool", "AveragePool" -> pool(node, attrs, in.get(0));
      case "GlobalAveragePool", "GlobalMaxPool" -> {
        List<Long> d = new ArrayList<>(in.get(0).dims());
        for (int i = 2; i < d.size(); i++) {
          d.set(i, 1L);
        }
        yield new Inferred(List.of(d));
      }
      case "Flatten" -> flatten(attrs, in.get(0));
      case "Reshape" -> reshape(node, in, constants);
      case "Concat" -> concat(node, attrs, in);
      case "Transpose" -> transpose(attrs, in.get(0));
      case "ReduceMean" -> reduceMean(node, attrs, in, constants, opset);
      case "Squeeze" -> squeeze(node, attrs, in, constants, opset);
      case "Unsqueeze" -> unsqueeze(node, attrs, in, constants, opset);
      case "Pad" -> pad(node, attrs, in, constants, opset);
      default -> throw new IllegalArgumentException("no shape rule for " + op);
    };
  }

  private static Inferred elementwise(TensorInfo x) {
    return new Inferred(List.of(x.dims()));
  }

  private static Inferred conv(NodeProto node, NodeAttributes attrs, List<TensorInfo> in) {
    TensorInfo x = in.get(0);
    TensorInfo w = in.get(1);
    int spatial = x.rank() - 2;
    requireRank(node, x, w.rank(), "X must have the rank of W");
    long group = attrs.getInt("group", 1);
    if (x.dim(1) != w.dim(1) * group) {
      throw shapeError(
          node, "input channels " + x.dim(1) + " != W channels " + w.dim(1) + " * group " + group);
    }
    List<Long> kernel = w.dims().subList(2, w.rank());
    List<Long> out = new ArrayList<>(List.of(x.dim(0), w.dim(0)));
    out.addAll(windowOutput(node, attrs, x.dims().subList(2, x.rank()), kernel, spatial, false));
    return new Inferred(List.of(out));
  }

  private static Inferred convTranspose(NodeProto node, NodeAttributes attrs, List<TensorInfo> in) {
    TensorInfo x = in.get(0);
    TensorInfo w = in.get(1);
    int spatial = x.rank() - 2;
    long group = attrs.getInt("group", 1);
    List<Long> strides = attrs.getInts("strides", ones(spatial));
    List<Long> pads = attrs.getInts("pads", zeros(2 * spatial));
    List<Long> dilations = attrs.getInts("dilations", ones(spatial));
    List<Long> outPad = attrs.getInts("output_padding", zeros(spatial));
    List<Long> out = new ArrayList<>(List.of(x.dim(0), w.dim(1) * group));
    List<Long> outputShape = attrs.getInts("output_shape", null);
    String autoPad = attrs.getString("auto_pad", "NOTSET");
    for (int i = 0; i < spatial; i++) {
      long k = w.dim(2 + i);
      if (outputShape != null) {
        out.add(outputShape.get(outputShape.size() - spatial + i));
      } else if (autoPad.startsWith("SAME")) {
        out.add(x.dim(2 + i) * strides.get(i));
      } else {
        out.add(
            strides.get(i) * (x.dim(2 + i) - 1)
                + outPad.get(i)
                + ((k - 1) * dilations.get(i) + 1)
                - pads.get(i)
                - pads.get(i + spatial));
      }
    }
    return new Inferred(List.of(out));
  }

  private static Inferred gemm(NodeProto node, NodeAttributes attrs, List<TensorInfo> in) {
    TensorInfo a = in.get(0);
    TensorInfo b = in.get(1);
    requireRank(node, a, 2, "Gemm A must be 2-D");
    requireRank(node, b, 2, "Gemm B must be 2-D");
    boolean transA = attrs.getInt("transA", 0) != 0;
    boolean transB = attrs.getInt("transB", 0) != 0;
    long m = transA ? a.dim(1) : a.dim(0);
    long k = transA ? a.dim(0) : a.dim(1);
    long kb = transB ? b.dim(1) : b.dim(0);
    long n = transB ? b.dim(0) : b.dim(1);
    if (k != kb) {
      throw shapeError(node, "Gemm inner dims differ: A has " + k + ", B has " + kb);
    }
    return new Inferred(List.of(List.of(m, n)));
  }

  private static Inferred matMul(NodeProto node, List<TensorInfo> in) {
    List<Long> a = new ArrayList<>(in.get(0).dims());
    List<Long> b = new ArrayList<>(in.get(1).dims());
    boolean aVector = a.size() == 1;
    boolean bVector = b.size() == 1;
    if (aVector) {
      a.add(0, 1L);
    }
    if (bVector) {
      b.add(1L);
    }
    long m = a.get(a.size() - 2);
    long k = a.get(a.size() - 1);
    long kb = b.get(b.size() - 2);
    long n = b.get(b.size() - 1);
    if (k != kb) {
      throw shapeError(node, "MatMul inner dims differ: " + k + " vs " + kb);
    }
    List<Long> batch = broadcast(node, a.subList(0, a.size() - 2), b.subList(0, b.size() - 2));
    List<Long> out = new ArrayList<>(batch);
    if (!aVector) {
      out.add(m);
    }
    if (!bVector) {
      out.add(n);
    }
    return new Inferred(List.of(out));
  }

  private static Inferred pool(NodeProto node, NodeAttributes attrs, TensorInfo x) {
    int spatial = x.rank() - 2;
    List<Long> kernel = attrs.getInts("kernel_shape", null);
    if (kernel == null) {
      throw shapeError(node, "kernel_shape attribute is required");
    }
    boolean ceil = attrs.getInt("ceil_mode", 0) != 0;
    List<Long> out = new ArrayList<>(List.of(x.dim(0), x.dim(1)));
    out.addAll(windowOutput(node, attrs, x.dims().subList(2, x.rank()), kernel, spatial, ceil));
    return new Inferred(List.of(out));
  }

  /** Spatial output size of a Conv/pool window: the ONNX formula with pads, strides, dilations. */
  private static List<Long> windowOutput(
      NodeProto node,
      NodeAttributes attrs,
      List<Long> input,
      List<Long> kernel,
      int spatial,
      boolean ceil) {
    List<Long> strides = attrs.getInts("strides", ones(spatial));
    List<Long> dilations = attrs.getInts("dilations", ones(spatial));
    String autoPad = attrs.getString("auto_pad", "NOTSET");
    List<Long> pads = attrs.getInts("pads", zeros(2 * spatial));
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < spatial; i++) {
      long in = input.get(i);
      long s = strides.get(i);
      long effective = (kernel.get(i) - 1) * dilations.get(i) + 1;
      long o =
          switch (autoPad) {
            case "SAME_UPPER", "SAME_LOWER" -> (in + s - 1) / s;
            case "VALID" -> (in - effective) / s + 1;
            case "NOTSET", "" -> {
              long span = in + pads.get(i) + pads.get(i + spatial) - effective;
              long n = (ceil ? Math.ceilDiv(span, s) : Math.floorDiv(span, s)) + 1;
              // ceil mode drops a last window that would start in the end padding
              yield ceil && (n - 1) * s >= in + pads.get(i) ? n - 1 : n;
            }
            default -> throw shapeError(node, "unknown auto_pad " + autoPad);
          };
      if (o <= 0) {
        throw shapeError(node, "window larger than its input (axis " + (i + 2) + ")");
      }
      out.add(o);
    }
    return out;
  }

  private static Inferred flatten(NodeAttributes attrs, TensorInfo x) {
    int axis = (int) attrs.getInt("axis", 1);
    if (axis < 0) {
      axis += x.rank();
    }
    return new Inferred(
        List.of(
            List.of(
                product(x.dims().subList(0, axis)), product(x.dims().subList(axis, x.rank())))));
  }

  private static Inferred reshape(
      NodeProto node, List<TensorInfo> in, Map<String, long[]> constants) {
    long[] target = constant(node, 1, constants, "shape");
    TensorInfo x = in.get(0);
    List<Long> out = new ArrayList<>();
    int unknown = -1;
    for (int i = 0; i < target.length; i++) {
      long d = target[i];
      if (d == 0) {
        d = x.dim(i);
      }
      if (d == -1) {
        unknown = i;
      }
      out.add(d);
    }
    if (unknown >= 0) {
      long known = 1;
      for (int i = 0; i < out.size(); i++) {
        if (i != unknown) {
          known *= out.get(i);
        }
      }
      out.set(unknown, x.elements() / known);
    }
    if (product(out) != x.elements()) {
      throw shapeError(
          node, "Reshape of " + x.dims() + " to " + out + " changes the element count");
    }
    return new Inferred(List.of(out));
  }

  private static Inferred concat(NodeProto node, NodeAttributes attrs, List<TensorInfo> in) {
    int rank = in.get(0).rank();
    int axis = (int) attrs.getInt("axis", Long.MIN_VALUE);
    if (axis == (int) Long.MIN_VALUE) {
      throw shapeError(node, "axis attribute is required");
    }
    if (axis < 0) {
      axis += rank;
    }
    List<Long> out = new ArrayList<>(in.get(0).dims());
    long sum = 0;
    for (TensorInfo t : in) {
      requireRank(node, t, rank, "Concat inputs must share a rank");
      for (int i = 0; i < rank; i++) {
        if (i != axis && t.dim(i) != out.get(i)) {
          throw shapeError(node, "Concat inputs differ outside axis " + axis + ": " + t.dims());
        }
      }
      sum += t.dim(axis);
    }
    out.set(axis, sum);
    return new Inferred(List.of(out));
  }

  private static Inferred transpose(NodeAttributes attrs, TensorInfo x) {
    List<Long> perm = attrs.getInts("perm", null);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      out.add(x.dim(perm == null ? x.rank() - 1 - i : perm.get(i).intValue()));
    }
    return new Inferred(List.of(out));
  }

  private static Inferred reduceMean(
      NodeProto node,
      NodeAttributes attrs,
      List<TensorInfo> in,
      Map<String, long[]> constants,
      int opset) {
    TensorInfo x = in.get(0);
    List<Long> axes = axes(node, attrs, in, constants, opset >= 18);
    boolean keep = attrs.getInt("keepdims", 1) != 0;
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      boolean reduced =
          axes.isEmpty() || axes.contains((long) i) || axes.contains((long) i - x.rank());
      if (!reduced) {
        out.add(x.dim(i));
      } else if (keep) {
        out.add(1L);
      }
    }
    return new Inferred(List.of(out));
  }

  private static Inferred squeeze(
      NodeProto node,
      NodeAttributes attrs,
      List<TensorInfo> in,
      Map<String, long[]> constants,
      int opset) {
    TensorInfo x = in.get(0);
    List<Long> axes = axes(node, attrs, in, constants, opset >= 13);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      boolean drop =
          axes.isEmpty()
              ? x.dim(i) == 1
              : axes.contains((long) i) || axes.contains((long) i - x.rank());
      if (!drop) {
        out.add(x.dim(i));
      }
    }
    return new Inferred(List.of(out));
  }

  private static Inferred unsqueeze(
      NodeProto node,
      NodeAttributes attrs,
      List<TensorInfo> in,
      Map<String, long[]> constants,
      int opset) {
    TensorInfo x = in.get(0);
    List<Long> axes = axes(node, attrs, in, constants, opset >= 13);
    int rank = x.rank() + axes.size();
    List<Long> out = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < rank; i++) {
      if (axes.contains((long) i) || axes.contains((long) i - rank)) {
        out.add(1L);
      } else {
        out.add(x.dim(next++));
      }
    }
    return new Inferred(List.of(out));
  }

  private static Inferred pad(
      NodeProto node,
      NodeAttributes attrs,
      List<TensorInfo> in,
      Map<String, long[]> constants,
      int opset) {
    TensorInfo x = in.get(0);
    long[] pads;
    if (opset >= 11) {
      pads = constant(node, 1, constants, "pads");
    } else {
      pads = attrs.getInts("pads", List.of()).stream().mapToLong(Long::longValue).toArray();
    }
    if (in.size() > 3 && in.get(3) != null) {
      throw shapeError(node, "Pad with an axes input is not supported");
    }
    if (pads.length != 2 * x.rank()) {
      throw shapeError(node, "pads must have 2 * rank = " + 2 * x.rank() + " entries");
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.rank(); i++) {
      out.add(x.dim(i) + pads[i] + pads[i + x.rank()]);
    }
    return new Inferred(List.of(out));
  }

  /** Axes from the {@code axes} input (newer opsets) or attribute (older); empty if absent. */
  private static List<Long> axes(
      NodeProto node,
      NodeAttributes attrs,
      List<TensorInfo> in,
      Map<String, long[]> constants,
      boolean fromInput) {
    if (fromInput) {
      if (in.size() < 2 || in.get(1) == null) {
        return List.of();
      }
      return java.util.Arrays.stream(constant(node, 1, constants, "axes")).boxed().toList();
    }
    return attrs.getInts("axes", List.of());
  }

  private static long[] constant(
      NodeProto node, int index, Map<String, long[]> constants, String what) {
    String name = node.getInput(index);
    long[] value = constants.get(name);
    if (value == null) {
      throw shapeError(
          node,
          "its "
              + what
              + " input '"
              + name
              + "' must be a constant int64 tensor (an initializer or Constant node)");
    }
    return value;
  }

  /** Numpy-style multidirectional broadcast of two shapes. */
  static List<Long> broadcast(NodeProto node, List<Long> a, List<Long> b) {
    int rank = Math.max(a.size(), b.size());
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      long da = i < rank - a.size() ? 1 : a.get(i - (rank - a.size()));
      long db = i < rank - b.size() ? 1 : b.get(i - (rank - b.size()));
      if (da != db && da != 1 && db != 1) {
        throw shapeError(node, "shapes " + a + " and " + b + " do not broadcast");
      }
      out.add(da == 1 ? db : da);
    }
    return out;
  }

  static long product(List<Long> dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  private static void requireRank(NodeProto node, TensorInfo t, int rank, String rule) {
    if (t.rank() != rank) {
      throw shapeError(node, rule + " (tensor '" + t.name() + "' has shape " + t.dims() + ")");
    }
  }

  private static InvalidModelException shapeError(NodeProto node, String message) {
    return new InvalidModelException(
        node.getOpType() + " node '" + node.getName() + "': " + message);
  }

  private static List<Long> ones(int n) {
    return java.util.Collections.nCopies(n, 1L);
  }

  private static List<Long> zeros(int n) {
    return java.util.Collections.nCopies(n, 0L);
  }
}

package io.bdt.optimizer.cost.layers;

import java.util.List;

/**
 * One DNN layer or block in the layer-spec language: it maps an input shape to an output shape and
 * counts the work per sample ({@link LayerCost}).
 *
 * <p>Counting rules (per sample; documented in {@code docs/cost-table.md}):
 *
 * <ul>
 *   <li>convolution: {@code MACs = Cin/groups * kh * kw * Cout * Hout * Wout}, FLOPs = 2 MACs, plus
 *       one FLOP per output element for the bias;
 *   <li>linear: {@code MACs = in * out}, FLOPs = 2 MACs, plus {@code out} for the bias;
 *   <li>batch norm (inference, folded to scale and shift): 2 FLOPs per element;
 *   <li>ReLU, ReLU6, square, sqrt, log, add-constant: 1 FLOP per element; softmax: 3 per element;
 *       residual add: 1 FLOP per output element;
 *   <li>pooling: kernel-window size per output element (comparisons or adds);
 *   <li>flatten and channel concatenation: 0 FLOPs (they move no arithmetic).
 * </ul>
 */
public sealed interface Layer {

  /** Shape and cost of this layer applied to one sample of shape {@code input}. */
  LayerCost apply(TensorShape input);

  /** Short name for labels and errors, e.g. {@code conv}. */
  String kind();

  /**
   * Convolution (2-D; a 1-D convolution is a 2-D one with a {@code 1 x k} window).
   *
   * @param outChannels {@code Cout}
   * @param window kernel, stride and padding
   * @param groups channel groups ({@code groups == Cin == Cout} is depth-wise)
   * @param bias whether the layer adds a learned bias per output channel
   */
  record Conv(int outChannels, Window window, int groups, boolean bias) implements Layer {

    public Conv {
      requireAtLeast("outChannels", outChannels, 1);
      requireAtLeast("groups", groups, 1);
    }

    @Override
    public String kind() {
      return "conv";
    }

    @Override
    public LayerCost apply(TensorShape in) {
      if (in.channels() % groups != 0 || outChannels % groups != 0) {
        throw new IllegalArgumentException(
            "conv: groups "
                + groups
                + " must divide input channels "
                + in.channels()
                + " and output channels "
                + outChannels);
      }
      TensorShape out = window.slide(kind(), in, outChannels);
      long weightsPerOutput = (in.channels() / groups) * window.size();
      long macs = weightsPerOutput * out.elements();
      long flops = 2 * macs + (bias ? out.elements() : 0);
      long parameters = weightsPerOutput * outChannels + (bias ? outChannels : 0);
      return new LayerCost(out, flops, macs, parameters);
    }
  }

  /** Batch normalization in inference form (per-channel scale and shift). */
  record BatchNorm() implements Layer {
    @Override
    public String kind() {
      return "batchnorm";
    }

    @Override
    public LayerCost apply(TensorShape in) {
      return new LayerCost(in, 2 * in.elements(), 0, 2L * in.channels());
    }
  }

  /**
   * An element-wise operation: an activation (ReLU, ReLU6), a square, a log, adding a constant, or
   * a softmax over a vector.
   *
   * @param name operation name, e.g. {@code relu}
   * @param flopsPerElement FLOPs per element: 1 for most; 3 for softmax (exp, sum, divide)
   */
  record Elementwise(String name, int flopsPerElement) implements Layer {

    public Elementwise {
      requireAtLeast("flopsPerElement", flopsPerElement, 0);
    }

    @Override
    public String kind() {
      return name;
    }

    @Override
    public LayerCost apply(TensorShape in) {
      return new LayerCost(in, flopsPerElement * in.elements(), 0, 0);
    }
  }

  /** Max or average pooling over a fixed window. */
  enum PoolKind {
    MAX,
    AVG
  }

  /**
   * Pooling with a fixed window.
   *
   * @param pool max or average
   * @param window kernel, stride and padding
   */
  record Pool(PoolKind pool, Window window) implements Layer {

    @Override
    public String kind() {
      return pool == PoolKind.MAX ? "maxpool" : "avgpool";
    }

    @Override
    public LayerCost apply(TensorShape in) {
      TensorShape out = window.slide(kind(), in, in.channels());
      return new LayerCost(out, out.elements() * window.size(), 0, 0);
    }
  }

  /**
   * Adaptive average pooling to a fixed output size; windows follow PyTorch ({@code start =
   * floor(i*in/out)}, {@code end = ceil((i+1)*in/out)}), each costing its size in FLOPs.
   *
   * @param outHeight output rows
   * @param outWidth output columns
   */
  record AdaptiveAvgPool(int outHeight, int outWidth) implements Layer {

    public AdaptiveAvgPool {
      requireAtLeast("output size", Math.min(outHeight, outWidth), 1);
    }

    @Override
    public String kind() {
      return "adaptiveavgpool";
    }

    @Override
    public LayerCost apply(TensorShape in) {
      TensorShape out = new TensorShape(in.channels(), outHeight, outWidth);
      long flops =
          in.channels() * windowSum(in.height(), outHeight) * windowSum(in.width(), outWidth);
      return new LayerCost(out, flops, 0, 0);
    }

    private static long windowSum(int in, int out) {
      long sum = 0;
      for (int i = 0; i < out; i++) {
        long start = Math.floorDiv((long) i * in, out);
        long end = -Math.floorDiv(-(long) (i + 1) * in, out);
        sum += end - start;
      }
      return sum;
    }
  }

  /**
   * Fully connected layer on a flat input.
   *
   * @param outFeatures output features
   * @param bias whether the layer adds a learned bias
   */
  record Linear(int outFeatures, boolean bias) implements Layer {

    public Linear {
      requireAtLeast("outFeatures", outFeatures, 1);
    }

    @Override
    public String kind() {
      return "linear";
    }

    @Override
    public LayerCost apply(TensorShape in) {
      if (!in.isFlat()) {
        throw new IllegalArgumentException(
            "linear: needs a flat input (add flatten before it), was " + in);
      }
      long macs = (long) in.channels() * outFeatures;
      long parameters = macs + (bias ? outFeatures : 0);
      return new LayerCost(
          TensorShape.vector(outFeatures), 2 * macs + (bias ? outFeatures : 0), macs, parameters);
    }
  }

  /** Reshapes {@code C x H x W} into a flat vector of {@code C*H*W} values; free. */
  record Flatten() implements Layer {
    @Override
    public String kind() {
      return "flatten";
    }

    @Override
    public LayerCost apply(TensorShape in) {
      return LayerCost.identity(TensorShape.vector(Math.toIntExact(in.elements())));
    }
  }

  /**
   * Layers applied one after another, as one block.
   *
   * @param layers the layers in order
   */
  record Sequence(List<Layer> layers) implements Layer {

    public Sequence {
      layers = List.copyOf(layers);
    }

    @Override
    public String kind() {
      return layers.isEmpty()
          ? "identity"
          : String.join("+", layers.stream().map(Layer::kind).toList());
    }

    @Override
    public LayerCost apply(TensorShape in) {
      LayerCost total = LayerCost.identity(in);
      for (Layer layer : layers) {
        total = total.then(layer.apply(total.output()));
      }
      return total;
    }
  }

  /**
   * A residual block: {@code body(x) + shortcut(x)}; an empty shortcut is the identity. Both paths
   * must produce the same shape.
   *
   * @param body the main path
   * @param shortcut the skip path (empty for identity)
   */
  record Residual(List<Layer> body, List<Layer> shortcut) implements Layer {

    public Residual {
      body = List.copyOf(body);
      shortcut = List.copyOf(shortcut);
    }

    @Override
    public String kind() {
      return "residual";
    }

    @Override
    public LayerCost apply(TensorShape in) {
      LayerCost main = new Sequence(body).apply(in);
      LayerCost skip = new Sequence(shortcut).apply(in);
      if (!main.output().equals(skip.output())) {
        throw new IllegalArgumentException(
            "residual: body output "
                + main.output()
                + " and shortcut output "
                + skip.output()
                + " must have the same shape");
      }
      LayerCost both =
          new LayerCost(
              main.output(),
              main.flops() + skip.flops(),
              main.macs() + skip.macs(),
              main.parameters() + skip.parameters());
      return both.plusFlops(main.output().elements(), main.output());
    }
  }

  /**
   * Parallel branches on the same input, concatenated along channels. Branch outputs must agree in
   * height and width.
   *
   * @param branches each branch's layers
   */
  record Concat(List<List<Layer>> branches) implements Layer {

    public Concat {
      branches = branches.stream().map(List::copyOf).toList();
      if (branches.isEmpty()) {
        throw new IllegalArgumentException("concat: needs at least one branch");
      }
    }

    @Override
    public String kind() {
      return "concat";
    }

    @Override
    public LayerCost apply(TensorShape in) {
      long flops = 0;
      long macs = 0;
      long parameters = 0;
      int channels = 0;
      TensorShape first = null;
      for (List<Layer> branch : branches) {
        LayerCost cost = new Sequence(branch).apply(in);
        TensorShape out = cost.output();
        if (first == null) {
          first = out;
        } else if (out.height() != first.height() || out.width() != first.width()) {
          throw new IllegalArgumentException(
              "concat: branch outputs must agree in height and width, got "
                  + first
                  + " and "
                  + out);
        }
        channels += out.channels();
        flops += cost.flops();
        macs += cost.macs();
        parameters += cost.parameters();
      }
      return new LayerCost(
          new TensorShape(channels, first.height(), first.width()), flops, macs, parameters);
    }
  }

  // ---- the layer-spec language -------------------------------------------------------------

  /** Square 2-D convolution with a bias (PyTorch's default). */
  static Layer conv2d(int out, int kernel, int stride, int padding) {
    return conv2d(out, kernel, stride, padding, 1, true);
  }

  /** Square 2-D convolution. */
  static Layer conv2d(int out, int kernel, int stride, int padding, int groups, boolean bias) {
    return new Conv(out, Window.square(kernel, stride, padding), groups, bias);
  }

  /** 1-D convolution along the width of a {@code C x 1 x L} signal, with a bias. */
  static Layer conv1d(int out, int kernel, int stride, int padding) {
    return new Conv(out, Window.alongWidth(kernel, stride, padding), 1, true);
  }

  /** Batch normalization. */
  static Layer batchnorm() {
    return new BatchNorm();
  }

  /** ReLU. */
  static Layer relu() {
    return new Elementwise("relu", 1);
  }

  /** ReLU6 (MobileNet). */
  static Layer relu6() {
    return new Elementwise("relu6", 1);
  }

  /** A one-FLOP-per-element operation such as {@code square}, {@code sqrt} or {@code log}. */
  static Layer elementwise(String name) {
    return new Elementwise(name, 1);
  }

  /** Softmax over a vector: exp, sum and divide, 3 FLOPs per element. */
  static Layer softmax() {
    return new Elementwise("softmax", 3);
  }

  /** Square max pooling. */
  static Layer maxpool(int kernel, int stride, int padding) {
    return new Pool(PoolKind.MAX, Window.square(kernel, stride, padding));
  }

  /** 1-D max pooling along the width of a signal. */
  static Layer maxpool1d(int kernel, int stride) {
    return new Pool(PoolKind.MAX, Window.alongWidth(kernel, stride, 0));
  }

  /** Square average pooling. */
  static Layer avgpool(int kernel, int stride, int padding) {
    return new Pool(PoolKind.AVG, Window.square(kernel, stride, padding));
  }

  /** Adaptive average pooling to {@code height x width}. */
  static Layer adaptiveAvgPool(int height, int width) {
    return new AdaptiveAvgPool(height, width);
  }

  /** Fully connected layer with a bias. */
  static Layer linear(int out) {
    return new Linear(out, true);
  }

  /** Matrix product with a fixed weight matrix and no bias (ONNX {@code MatMul}). */
  static Layer matmul(int out) {
    return new Linear(out, false);
  }

  /** Flatten to a vector. */
  static Layer flatten() {
    return new Flatten();
  }

  /** Layers in order, as one block. */
  static Layer sequence(Layer... layers) {
    return new Sequence(List.of(layers));
  }

  /** {@code body(x) + x}. */
  static Layer residual(List<Layer> body) {
    return new Residual(body, List.of());
  }

  /** {@code body(x) + shortcut(x)}. */
  static Layer residual(List<Layer> body, List<Layer> shortcut) {
    return new Residual(body, shortcut);
  }

  /** Branches concatenated along channels. */
  @SafeVarargs
  static Layer concat(List<Layer>... branches) {
    return new Concat(List.of(branches));
  }

  private static void requireAtLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + ": must be >= " + min + ", was " + value);
    }
  }
}

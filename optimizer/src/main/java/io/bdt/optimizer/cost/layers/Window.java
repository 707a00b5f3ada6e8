package io.bdt.optimizer.cost.layers;

/**
 * The sliding window of a convolution or pooling layer: kernel, stride and zero padding per axis,
 * and the output size it gives (PyTorch's floor rounding: {@code floor((in + 2p - k) / s) + 1}).
 *
 * @param kernelHeight kernel rows
 * @param kernelWidth kernel columns
 * @param strideHeight row stride
 * @param strideWidth column stride
 * @param padHeight zero padding on the top and on the bottom
 * @param padWidth zero padding on the left and on the right
 */
public record Window(
    int kernelHeight,
    int kernelWidth,
    int strideHeight,
    int strideWidth,
    int padHeight,
    int padWidth) {

  public Window {
    atLeast("kernel", Math.min(kernelHeight, kernelWidth), 1);
    atLeast("stride", Math.min(strideHeight, strideWidth), 1);
    atLeast("padding", Math.min(padHeight, padWidth), 0);
  }

  /** A {@code k x k} window with the same stride and padding on both axes. */
  public static Window square(int kernel, int stride, int padding) {
    return new Window(kernel, kernel, stride, stride, padding, padding);
  }

  /** A {@code 1 x k} window sliding along the width only (1-D signals). */
  public static Window alongWidth(int kernel, int stride, int padding) {
    return new Window(1, kernel, 1, stride, 0, padding);
  }

  /** Kernel elements: {@code kh * kw}. */
  public long size() {
    return (long) kernelHeight * kernelWidth;
  }

  /** The shape after sliding over {@code in}, with {@code channels} output channels. */
  TensorShape slide(String layer, TensorShape in, int channels) {
    return new TensorShape(
        channels,
        output(layer + " height", in.height(), kernelHeight, strideHeight, padHeight),
        output(layer + " width", in.width(), kernelWidth, strideWidth, padWidth));
  }

  private static int output(String what, int in, int kernel, int stride, int padding) {
    int span = in + 2 * padding - kernel;
    if (span < 0) {
      throw new IllegalArgumentException(
          what + ": kernel " + kernel + " is larger than the padded input " + (in + 2 * padding));
    }
    return span / stride + 1;
  }

  private static void atLeast(String field, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(field + ": must be >= " + min + ", was " + value);
    }
  }
}

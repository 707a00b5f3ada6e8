package io.bdt.optimizer.cost.layers;

/**
 * The shape of one sample's activation tensor, {@code channels x height x width} (batch dimension
 * left out: every cost is per sample).
 *
 * <p>A 1-D signal of {@code length} samples is {@code channels x 1 x length}; a flat feature vector
 * of {@code n} values is {@code n x 1 x 1}.
 */
public record TensorShape(int channels, int height, int width) {

  public TensorShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "tensor shape must be positive in every dimension, was "
              + describe(channels, height, width));
    }
  }

  /** An image tensor {@code channels x height x width}. */
  public static TensorShape image(int channels, int height, int width) {
    return new TensorShape(channels, height, width);
  }

  /** A 1-D signal tensor {@code channels x length}. */
  public static TensorShape signal(int channels, int length) {
    return new TensorShape(channels, 1, length);
  }

  /** A flat vector of {@code features} values. */
  public static TensorShape vector(int features) {
    return new TensorShape(features, 1, 1);
  }

  /** Number of values in the tensor. */
  public long elements() {
    return (long) channels * height * width;
  }

  /** Whether the tensor is a flat vector (what a linear layer takes). */
  public boolean isFlat() {
    return height == 1 && width == 1;
  }

  @Override
  public String toString() {
    return describe(channels, height, width);
  }

  private static String describe(int channels, int height, int width) {
    return channels + "x" + height + "x" + width;
  }
}

package io.bdt.dnn.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of float values in row-major order, with the encoding it travels (or travelled)
 * in on the wire.
 *
 * <p>The arrays are not copied (tensors are large and cross the codec on the hot path): callers
 * must not change them after handing them over.
 *
 * @param name the tensor's name in the model graph
 * @param encoding how its elements are (or were) sent
 * @param shape dimensions, each {@code >= 0}
 * @param values the elements, exactly as many as the shape's product
 */
public record Tensor(String name, Encoding encoding, int[] shape, float[] values) {

  public Tensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(values, "values");
    long count = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor " + name + ": shape " + Arrays.toString(shape) + " has a negative dimension");
      }
      count *= d;
    }
    if (count != values.length) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + ": shape "
              + Arrays.toString(shape)
              + " needs "
              + count
              + " values, got "
              + values.length);
    }
  }

  /** A float32 tensor. */
  public static Tensor of(String name, int[] shape, float[] values) {
    return new Tensor(name, Encoding.FLOAT32, shape, values);
  }

  /** The same values, to be sent in {@code other}. */
  public Tensor withEncoding(Encoding other) {
    return new Tensor(name, other, shape, values);
  }

  /** Number of elements. */
  public int elementCount() {
    return values.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && name.equals(t.name)
        && encoding == t.encoding
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, encoding, Arrays.hashCode(shape), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + encoding + ", " + Arrays.toString(shape) + "]";
  }
}

package io.bdt.optimizer.cost.layers;

/**
 * What one layer (or a block of layers) does to one sample: the shape it produces and what it
 * costs.
 *
 * @param output shape of the tensor the layer produces
 * @param flops floating-point operations per sample (a multiply-add counts as 2), FLOPs
 * @param macs multiply-accumulates per sample in convolutions and linear layers only (the figure
 *     model zoos publish)
 * @param parameters learned parameters (weights, biases, batch-norm scale and shift)
 */
public record LayerCost(TensorShape output, long flops, long macs, long parameters) {

  /** A layer that changes nothing and costs nothing. */
  static LayerCost identity(TensorShape shape) {
    return new LayerCost(shape, 0, 0, 0);
  }

  /** This cost followed by {@code next} (which already carries its own output shape). */
  LayerCost then(LayerCost next) {
    return new LayerCost(
        next.output, flops + next.flops, macs + next.macs, parameters + next.parameters);
  }

  /** This cost plus {@code extraFlops} of element-wise work, output shape {@code output}. */
  LayerCost plusFlops(long extraFlops, TensorShape output) {
    return new LayerCost(output, flops + extraFlops, macs, parameters);
  }
}

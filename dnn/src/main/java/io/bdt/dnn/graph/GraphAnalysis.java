package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.optimizer.cost.CostTable;
import java.util.List;
import java.util.Map;

/**
 * The result of analysing one ONNX model: inferred tensor shapes, per-node FLOPs, and the cut
 * table.
 *
 * @param model the analysed model
 * @param name the graph's name
 * @param batch dim 0 of the first graph input; per-sample numbers divide by it
 * @param layers compute nodes (the ones that read a graph input's data) in the order the cuts refer
 *     to ({@link CutPoint#position()})
 * @param constantNodes Constant nodes and the nodes computed from constants alone (topological
 *     order), which travel with whichever side uses their outputs
 * @param tensors every non-initializer tensor's inferred type and shape, by name, and the {@link
 *     Fp32Carrier}s of the cuts
 * @param inputs the graph inputs (initializers excluded), with their resolved shapes
 * @param outputs the graph outputs, with their inferred shapes
 * @param dynamicInput whether any graph input declared a symbolic or unknown dim
 * @param cuts the cut table, ids 0..K
 */
public record GraphAnalysis(
    ModelProto model,
    String name,
    long batch,
    List<Layer> layers,
    List<NodeProto> constantNodes,
    Map<String, TensorInfo> tensors,
    List<TensorInfo> inputs,
    List<TensorInfo> outputs,
    boolean dynamicInput,
    List<CutPoint> cuts) {

  public GraphAnalysis {
    layers = List.copyOf(layers);
    constantNodes = List.copyOf(constantNodes);
    tensors = Map.copyOf(tensors);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    cuts = List.copyOf(cuts);
  }

  /** Total FLOPs per sample. */
  public long totalFlops() {
    return cuts.get(0).tailFlops();
  }

  /** {@code d_0}: bits of one input sample. */
  public long inputBits() {
    return inputs.stream().mapToLong(TensorInfo::bits).sum() / batch;
  }

  /** {@code d_out}: bits of one result sample. */
  public long outputBits() {
    return outputs.stream().mapToLong(TensorInfo::bits).sum() / batch;
  }

  /**
   * The optimizer's cost table of this model ({@code headFlops}, {@code tailFlops}, {@code bits}
   * per sample, for every cut), named {@code model}: the one table the gateway's heads and the
   * access point's tails both give the optimizer.
   */
  public CostTable costTable(String model) {
    return new CostTable(
        model,
        inputBits(),
        outputBits(),
        cuts.stream()
            .map(
                cut ->
                    new CostTable.Cut(
                        cut.id(),
                        cut.label(),
                        cut.headFlops(),
                        cut.tailFlops(),
                        (double) cut.bits()))
            .toList());
  }

  /** The cut with id {@code id}, or an error naming the valid range. */
  public CutPoint cut(int id) {
    if (id < 0 || id >= cuts.size()) {
      throw new IllegalArgumentException(
          "cut " + id + " does not exist: this model's cuts are 0.." + (cuts.size() - 1));
    }
    return cuts.get(id);
  }
}

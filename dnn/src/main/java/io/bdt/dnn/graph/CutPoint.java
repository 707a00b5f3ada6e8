package io.bdt.dnn.graph;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One place where a model can be cut: the head runs the first {@code position} nodes, the tail the
 * rest, and {@code tensors} cross between them.
 *
 * @param id {@code k}: 0 is full offload (the inputs cross), the last id is fully local
 * @param position number of compute nodes (in analysis order) in the head
 * @param tensors the tensors that cross the cut (for the last cut: the model's outputs); a 16-bit
 *     float tensor of an inner cut crosses as its {@link Fp32Carrier}
 * @param headFlops {@code c_k^head}: FLOPs per sample in the head
 * @param tailFlops {@code c_k^tail}: FLOPs per sample in the tail
 * @param bits {@code d_k}: bits per sample crossing the cut; 0 for the fully local cut, where the
 *     outputs stay on the gateway
 */
public record CutPoint(
    int id, int position, List<TensorInfo> tensors, long headFlops, long tailFlops, long bits) {

  public CutPoint {
    tensors = List.copyOf(tensors);
  }

  /** The crossing tensors' names joined with {@code +}, for tables and labels. */
  public String label() {
    return tensors.stream().map(TensorInfo::name).collect(Collectors.joining("+"));
  }

  /** The crossing tensors' names. */
  public List<String> tensorNames() {
    return tensors.stream().map(TensorInfo::name).toList();
  }
}

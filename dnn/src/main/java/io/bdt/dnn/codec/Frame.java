package io.bdt.dnn.codec;

import java.util.List;
import java.util.Objects;

/**
 * The tensors that cross one cut of one model for one inference: what a gateway sends an access
 * point.
 *
 * @param modelId the model's name (UTF-8, at most {@link FrameCodec#MAX_MODEL_ID_BYTES} bytes), for
 *     messages and logs
 * @param modelHash which model exactly the tensors belong to: its identity (weights and seed
 *     included)
 * @param cut the cut id {@code k} the tensors cross, {@code >= 0}
 * @param tensors the tensors, at most {@link FrameCodec#MAX_TENSORS}
 */
public record Frame(String modelId, ModelHash modelHash, int cut, List<Tensor> tensors) {

  public Frame {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(modelHash, "modelHash");
    if (cut < 0) {
      throw new IllegalArgumentException("cut must be >= 0, got " + cut);
    }
    tensors = List.copyOf(tensors);
  }

  /** The same frame with every tensor sent in {@code encoding}. */
  public Frame withEncoding(Encoding encoding) {
    return new Frame(
        modelId, modelHash, cut, tensors.stream().map(t -> t.withEncoding(encoding)).toList());
  }
}

package io.bdt.dnn.graph;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.bdt.dnn.onnx.OrtTensors;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Learns the type and shape of tensors the analyser's own rules cannot tell by running the model
 * once in ONNX Runtime with those tensors exposed as extra graph outputs.
 *
 * <p>Inputs are the caller's sample values where given, else sample values of the resolved input
 * shapes ({@link OrtTensors#sample}, seed fixed so the probe is repeatable). Graph optimizations
 * are off: the exposed tensors are the model's own, not fused replacements.
 */
final class ShapeProbe {

  private static final long SEED = 0x5eed;

  private ShapeProbe() {}

  /**
   * Types and shapes of {@code names} (tensors a node of {@code model} produces) on {@code inputs}.
   * A value that is not a tensor (a sequence, map or optional) maps to {@link
   * TensorInfo#notATensor}; a name the run did not produce is absent.
   */
  static Map<String, TensorInfo> run(
      ModelProto model,
      List<TensorInfo> inputs,
      Collection<String> names,
      Map<String, TensorProto> samples)
      throws OrtException {
    GraphProto.Builder graph = model.getGraph().toBuilder();
    Set<String> outputs = new HashSet<>();
    for (ValueInfoProto vi : graph.getOutputList()) {
      outputs.add(vi.getName());
    }
    for (String name : names) {
      if (outputs.add(name)) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name));
      }
    }
    byte[] bytes = model.toBuilder().setGraph(graph).build().toByteArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> feed = new LinkedHashMap<>();
    SplittableRandom random = new SplittableRandom(SEED);
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      for (TensorInfo in : inputs) {
        TensorProto given = samples.get(in.name());
        feed.put(
            in.name(),
            given != null
                ? OrtTensors.fromProto(env, given)
                : OrtTensors.sample(
                    env,
                    in.elemType(),
                    in.dims().stream().mapToLong(Long::longValue).toArray(),
                    random));
      }
      try (OrtSession session = env.createSession(bytes, options);
          OrtSession.Result result = session.run(feed)) {
        Map<String, TensorInfo> found = new HashMap<>();
        for (String name : names) {
          Optional<OnnxValue> value = result.get(name);
          if (value.isEmpty()) {
            continue;
          }
          if (value.get() instanceof OnnxTensor t) {
            long[] shape = t.getInfo().getShape();
            found.put(
                name,
                new TensorInfo(
                    name, elemType(t.getInfo().onnxType), Arrays.stream(shape).boxed().toList()));
          } else {
            found.put(name, TensorInfo.notATensor(name));
          }
        }
        return found;
      }
    } finally {
      feed.values().forEach(OnnxTensor::close);
    }
  }

  /** The ONNX {@code TensorProto.DataType} number (the Java enum's own numbers differ). */
  static int elemType(ai.onnxruntime.TensorInfo.OnnxTensorType type) {
    String name = type.name().substring("ONNX_TENSOR_ELEMENT_DATA_TYPE_".length());
    try {
      return TensorProto.DataType.valueOf(name).getNumber();
    } catch (IllegalArgumentException e) {
      return TensorProto.DataType.UNDEFINED_VALUE;
    }
  }
}

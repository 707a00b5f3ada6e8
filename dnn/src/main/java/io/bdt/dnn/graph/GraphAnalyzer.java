package io.bdt.dnn.graph;

import ai.onnxruntime.OrtException;
import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Infers shapes and FLOPs of an ONNX model and finds its cut points.
 *
 * <p>Cut search: the compute nodes are put in a topological order (the model's own node order,
 * which exporters emit in execution order, or Kahn's order if the file's order is not topological).
 * A cut at position {@code p} runs nodes {@code [0, p)} in the head; the tensors that cross it are
 * those produced in the head (or graph inputs) and consumed in the tail or returned as graph
 * outputs. Initializers, Constant outputs and the outputs of nodes computed from constants alone
 * ({@link ConstantSubgraphs}) never cross: they go with each side that uses them. Position 0 (full
 * offload) and position N (fully local) are always cuts; another position is a cut when at most
 * {@code maxCutTensors} tensors cross it. Positions with the same crossing set as an earlier one
 * are dropped.
 */
public final class GraphAnalyzer {

  /** Cuts inside a residual or squeeze-and-excitation block cross 2 tensors; 2 keeps those. */
  public static final int DEFAULT_MAX_CUT_TENSORS = 2;

  private GraphAnalyzer() {}

  /** Analyses {@code model} with the default cut-size limit. */
  public static GraphAnalysis analyze(ModelProto model, Map<String, List<Long>> inputShapes) {
    return analyze(model, inputShapes, DEFAULT_MAX_CUT_TENSORS);
  }

  /**
   * Analyses {@code model}. {@code inputShapes} gives the shape of graph inputs by name; it is
   * required for inputs with symbolic or unknown dims and overrides declared shapes otherwise.
   */
  public static GraphAnalysis analyze(
      ModelProto model, Map<String, List<Long>> inputShapes, int maxCutTensors) {
    return analyze(model, inputShapes, maxCutTensors, Map.of());
  }

  /**
   * Analyses {@code model}, running it (when shapes must be learnt from ONNX Runtime) on {@code
   * samples}' values for the inputs they name: inputs whose values decide shapes (a Reshape target,
   * a trip count) need them. Inputs without a sample are resolved from {@code inputShapes} or their
   * declared dims, and named samples fix those inputs' shapes.
   */
  public static GraphAnalysis analyze(
      ModelProto model,
      Map<String, List<Long>> inputShapes,
      int maxCutTensors,
      Map<String, TensorProto> samples) {
    if (maxCutTensors < 1) {
      throw new IllegalArgumentException("maxCutTensors must be at least 1, was " + maxCutTensors);
    }
    model = GraphInputs.withOverriddenInputs(model, inputShapes);
    GraphProto graph = model.getGraph();
    int opset = GraphInputs.defaultOpset(model);

    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    Map<String, long[]> constants = new HashMap<>();
    Set<String> initializers = new HashSet<>();
    for (TensorProto init : graph.getInitializerList()) {
      initializers.add(init.getName());
      tensors.put(init.getName(), ConstantTensors.tensorOf(init.getName(), init));
      ConstantTensors.captureInt64(init, constants);
    }

    Map<String, List<Long>> shapes = new LinkedHashMap<>(inputShapes);
    samples.forEach((name, value) -> shapes.putIfAbsent(name, value.getDimsList()));
    List<TensorInfo> inputs = new ArrayList<>();
    boolean dynamic = false;
    Set<String> inputNames = new HashSet<>();
    for (ValueInfoProto vi : graph.getInputList()) {
      if (initializers.contains(vi.getName())) {
        continue;
      }
      inputNames.add(vi.getName());
      boolean isDynamic = !GraphInputs.isStatic(vi);
      dynamic |= isDynamic;
      TensorInfo info = GraphInputs.resolveInput(vi, shapes.get(vi.getName()), isDynamic);
      inputs.add(info);
      tensors.put(info.name(), info);
    }
    for (String name : shapes.keySet()) {
      if (!inputNames.contains(name)) {
        throw new InvalidModelException(
            "--input "
                + name
                + ": the model has no graph input of that name; its inputs are "
                + inputNames);
      }
    }

    List<NodeProto> constantNodes = new ArrayList<>();
    List<NodeProto> compute = new ArrayList<>();
    for (NodeProto node : graph.getNodeList()) {
      if (node.getOpType().equals("Constant") && isDefaultDomain(node.getDomain())) {
        constantNodes.add(node);
        TensorProto value = ConstantTensors.constantValue(node);
        tensors.put(node.getOutput(0), ConstantTensors.tensorOf(node.getOutput(0), value));
        ConstantTensors.captureInt64(
            value.toBuilder().setName(node.getOutput(0)).build(), constants);
      } else {
        compute.add(node);
      }
    }

    List<NodeProto> order = CutSearch.topologicalOrder(compute, tensors.keySet());
    List<String> unresolved = new ArrayList<>();
    InvalidModelException ruleError = null;
    for (NodeProto node : order) {
      try {
        if (!inferByRule(node, tensors, constants, opset)) {
          unresolvedOutputs(node, unresolved);
        }
      } catch (InvalidModelException e) {
        ruleError = ruleError == null ? e : ruleError;
        unresolvedOutputs(node, unresolved);
      }
    }
    if (!unresolved.isEmpty()) {
      tensors.putAll(probe(model, inputs, unresolved, samples, ruleError));
    }
    Set<String> fixed = new HashSet<>(initializers);
    for (NodeProto c : constantNodes) {
      fixed.add(c.getOutput(0));
    }
    Set<String> graphOutputs = new HashSet<>();
    for (ValueInfoProto vi : graph.getOutputList()) {
      graphOutputs.add(vi.getName());
    }
    List<NodeProto> folded = ConstantSubgraphs.extract(order, fixed, graphOutputs);
    Set<NodeProto> foldedSet = Collections.newSetFromMap(new IdentityHashMap<>());
    foldedSet.addAll(folded);
    constantNodes.addAll(folded);
    List<Layer> layers = new ArrayList<>();
    for (NodeProto node : order) {
      if (foldedSet.contains(node)) {
        continue;
      }
      List<TensorInfo> in = new ArrayList<>();
      for (String name : node.getInputList()) {
        in.add(name.isEmpty() ? null : tensors.get(name));
      }
      List<TensorInfo> out = new ArrayList<>();
      for (String name : node.getOutputList()) {
        out.add(name.isEmpty() ? null : tensors.get(name));
      }
      layers.add(new Layer(node, nodeFlops(node, in, out)));
    }

    List<TensorInfo> outputs = new ArrayList<>();
    for (ValueInfoProto vi : graph.getOutputList()) {
      TensorInfo info = tensors.get(vi.getName());
      if (info == null) {
        throw new InvalidModelException(
            "graph output '" + vi.getName() + "' is not produced by any node");
      }
      if (info.crossable()) {
        GraphInputs.checkDeclared(vi, info);
      }
      outputs.add(info);
    }

    long batch =
        inputs.isEmpty() || inputs.get(0).rank() == 0 ? 1 : Math.max(1, inputs.get(0).dim(0));
    List<CutPoint> cuts =
        CutSearch.findCuts(layers, inputs, outputs, tensors, fixed, batch, maxCutTensors);
    Map<String, TensorInfo> activations = new LinkedHashMap<>(tensors);
    activations.keySet().removeAll(initializers);
    for (CutPoint cut : cuts) {
      for (TensorInfo t : cut.tensors()) {
        activations.putIfAbsent(t.name(), t);
      }
    }
    return new GraphAnalysis(
        model,
        graph.getName(),
        batch,
        layers,
        constantNodes,
        activations,
        inputs,
        outputs,
        dynamic,
        cuts);
  }

  /**
   * Applies {@link OpRules} to {@code node} when it has a rule and all its inputs are known
   * tensors; records the outputs and returns true, or returns false to leave them to the probe.
   */
  private static boolean inferByRule(
      NodeProto node, Map<String, TensorInfo> tensors, Map<String, long[]> constants, int opset) {
    if (!isDefaultDomain(node.getDomain()) || !OpRules.SUPPORTED.contains(node.getOpType())) {
      return false;
    }
    List<TensorInfo> in = new ArrayList<>();
    for (String name : node.getInputList()) {
      TensorInfo t = name.isEmpty() ? null : tensors.get(name);
      if (!name.isEmpty() && (t == null || !t.crossable())) {
        return false;
      }
      in.add(t);
    }
    if (in.isEmpty() || in.get(0) == null) {
      return false;
    }
    OpRules.Inferred inferred = OpRules.infer(node, in, constants, opset);
    for (int i = 0; i < node.getOutputCount(); i++) {
      if (!node.getOutput(i).isEmpty() && i >= inferred.outputDims().size()) {
        return false;
      }
    }
    int elemType = in.get(0).elemType();
    for (int i = 0; i < node.getOutputCount(); i++) {
      String out = node.getOutput(i);
      if (!out.isEmpty()) {
        tensors.put(out, new TensorInfo(out, elemType, inferred.outputDims().get(i)));
      }
    }
    return true;
  }

  private static void unresolvedOutputs(NodeProto node, List<String> unresolved) {
    for (String out : node.getOutputList()) {
      if (!out.isEmpty()) {
        unresolved.add(out);
      }
    }
  }

  /** Shapes of {@code names} from one ONNX Runtime run; errors name what ORT said. */
  private static Map<String, TensorInfo> probe(
      ModelProto model,
      List<TensorInfo> inputs,
      List<String> names,
      Map<String, TensorProto> samples,
      InvalidModelException ruleError) {
    Map<String, TensorInfo> found;
    try {
      found = ShapeProbe.run(model, inputs, names, samples);
    } catch (OrtException | RuntimeException e) {
      String ort = e.getMessage() == null ? e.toString() : e.getMessage().strip();
      if (ruleError != null) {
        throw new InvalidModelException(ruleError.getMessage() + " (ONNX Runtime: " + ort + ")");
      }
      throw new InvalidModelException(
          "ONNX Runtime cannot run the model to learn the shapes of "
              + names.size()
              + " tensors (first: '"
              + names.get(0)
              + "'): "
              + ort);
    }
    return found;
  }

  /** FLOPs of a node whose shapes are known; a node with an unknown shape costs 0. */
  private static long nodeFlops(NodeProto node, List<TensorInfo> in, List<TensorInfo> out) {
    for (TensorInfo t : in) {
      if (t != null && !t.crossable()) {
        return 0;
      }
    }
    try {
      return OpCosts.flops(node, in, out);
    } catch (RuntimeException e) {
      // a rule that needs an input this node omitted or a rank it lacks: fall back to outputs
      TensorInfo first = out.isEmpty() ? null : out.get(0);
      return first != null && first.crossable() ? first.elements() : 0;
    }
  }

  private static boolean isDefaultDomain(String domain) {
    return domain.isEmpty() || domain.equals("ai.onnx");
  }
}

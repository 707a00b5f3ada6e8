package io.bdt.dnn.graph;

import ai.onnxruntime.OrtException;
import io.bdt.dnn.onnx.InvalidModelException;
import io.bdt.dnn.onnx.proto.Onnx.AttributeProto;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.OperatorSetIdProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorShapeProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * outputs. Initializers and Constant outputs never cross: they go with each side that uses them.
 * Position 0 (full offload) and position N (fully local) are always cuts; another position is a cut
 * when at most {@code maxCutTensors} tensors cross it. Positions with the same crossing set as an
 * earlier one are dropped.
 */
public final class GraphAnalyzer {

  /** Cuts inside a residual or squeeze-and-excitation block cross 2 tensors; 2 keeps those. */
  public static final int DEFAULT_MAX_CUT_TENSORS = 2;

  private static final int MAX_CONSTANT_ELEMENTS = 64;

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
    model = withOverriddenInputs(model, inputShapes);
    GraphProto graph = model.getGraph();
    int opset = defaultOpset(model);

    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    Map<String, long[]> constants = new HashMap<>();
    Set<String> initializers = new HashSet<>();
    for (TensorProto init : graph.getInitializerList()) {
      initializers.add(init.getName());
      tensors.put(init.getName(), tensorOf(init.getName(), init));
      captureInt64(init, constants);
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
      boolean isDynamic = !isStatic(vi);
      dynamic |= isDynamic;
      TensorInfo info = resolveInput(vi, shapes.get(vi.getName()), isDynamic);
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
        TensorProto value = constantValue(node);
        tensors.put(node.getOutput(0), tensorOf(node.getOutput(0), value));
        captureInt64(value.toBuilder().setName(node.getOutput(0)).build(), constants);
      } else {
        compute.add(node);
      }
    }

    List<NodeProto> order = topologicalOrder(compute, tensors.keySet());
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
    List<Layer> layers = new ArrayList<>();
    for (NodeProto node : order) {
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
        checkDeclared(vi, info);
      }
      outputs.add(info);
    }

    long batch =
        inputs.isEmpty() || inputs.get(0).rank() == 0 ? 1 : Math.max(1, inputs.get(0).dim(0));
    Set<String> fixed = new HashSet<>(initializers);
    for (NodeProto c : constantNodes) {
      fixed.add(c.getOutput(0));
    }
    List<CutPoint> cuts = findCuts(layers, inputs, outputs, tensors, fixed, batch, maxCutTensors);
    Map<String, TensorInfo> activations = new LinkedHashMap<>(tensors);
    activations.keySet().removeAll(initializers);
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

  /**
   * {@code model} with the static input dims that {@code inputShapes} overrides (a 1024x1024
   * segmentation model run at 256x256) replaced, so ONNX Runtime accepts the new shape; the
   * declared output shapes and value_info, which were for the old input, are dropped.
   */
  private static ModelProto withOverriddenInputs(
      ModelProto model, Map<String, List<Long>> inputShapes) {
    GraphProto graph = model.getGraph();
    boolean overrides = false;
    for (ValueInfoProto vi : graph.getInputList()) {
      List<Long> given = inputShapes.get(vi.getName());
      if (given != null && isStatic(vi)) {
        List<Long> declared = new ArrayList<>();
        vi.getType()
            .getTensorType()
            .getShape()
            .getDimList()
            .forEach(d -> declared.add(d.getDimValue()));
        overrides |= !declared.equals(given);
      }
    }
    if (!overrides) {
      return model;
    }
    GraphProto.Builder g = graph.toBuilder().clearValueInfo();
    for (int i = 0; i < g.getInputCount(); i++) {
      List<Long> given = inputShapes.get(g.getInput(i).getName());
      if (given != null && g.getInput(i).getType().hasTensorType()) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        given.forEach(d -> shape.addDimBuilder().setDimValue(d));
        ValueInfoProto.Builder vi = g.getInput(i).toBuilder();
        vi.getTypeBuilder().getTensorTypeBuilder().setShape(shape);
        g.setInput(i, vi);
      }
    }
    for (int i = 0; i < g.getOutputCount(); i++) {
      ValueInfoProto.Builder vi = g.getOutput(i).toBuilder();
      if (vi.getType().hasTensorType()) {
        vi.getTypeBuilder().getTensorTypeBuilder().clearShape();
      }
      g.setOutput(i, vi);
    }
    return model.toBuilder().setGraph(g).build();
  }

  private static boolean isDefaultDomain(String domain) {
    return domain.isEmpty() || domain.equals("ai.onnx");
  }

  private static List<CutPoint> findCuts(
      List<Layer> layers,
      List<TensorInfo> inputs,
      List<TensorInfo> outputs,
      Map<String, TensorInfo> tensors,
      Set<String> fixed,
      long batch,
      int maxCutTensors) {
    int n = layers.size();
    Map<String, Integer> lastUse = new HashMap<>();
    for (int p = 0; p < n; p++) {
      for (String in : NodeInputs.of(layers.get(p).node())) {
        if (!fixed.contains(in)) {
          lastUse.put(in, p);
        }
      }
    }
    for (TensorInfo out : outputs) {
      lastUse.put(out.name(), n);
    }
    long[] prefix = new long[n + 1];
    for (int p = 0; p < n; p++) {
      prefix[p + 1] = prefix[p] + layers.get(p).flops();
    }

    LinkedHashSet<String> live = new LinkedHashSet<>();
    for (TensorInfo in : inputs) {
      if (lastUse.containsKey(in.name())) {
        live.add(in.name());
      }
    }
    List<CutPoint> cuts = new ArrayList<>();
    Set<Set<String>> seen = new HashSet<>();
    for (int p = 0; p <= n; p++) {
      boolean boundary = p == 0 || p == n;
      if ((boundary || (live.size() <= maxCutTensors && allCrossable(live, tensors)))
          && seen.add(Set.copyOf(live))) {
        List<TensorInfo> crossing = live.stream().map(tensors::get).toList();
        long bits =
            p == n
                ? 0
                : crossing.stream().filter(TensorInfo::crossable).mapToLong(TensorInfo::bits).sum()
                    / batch;
        cuts.add(
            new CutPoint(
                cuts.size(),
                p,
                crossing,
                prefix[p] / batch,
                (prefix[n] - prefix[p]) / batch,
                bits));
      }
      if (p == n) {
        break;
      }
      NodeProto node = layers.get(p).node();
      for (String in : NodeInputs.of(node)) {
        Integer last = lastUse.get(in);
        if (last != null && last == p) {
          live.remove(in);
        }
      }
      for (String out : node.getOutputList()) {
        Integer last = lastUse.get(out);
        if (last != null && last > p) {
          live.add(out);
        }
      }
    }
    return cuts;
  }

  private static boolean allCrossable(Set<String> live, Map<String, TensorInfo> tensors) {
    for (String name : live) {
      TensorInfo t = tensors.get(name);
      if (t == null || !t.crossable()) {
        return false;
      }
    }
    return true;
  }

  /** The file's node order if it is topological, else Kahn's order; rejects cycles. */
  private static List<NodeProto> topologicalOrder(List<NodeProto> nodes, Set<String> available) {
    Set<String> known = new HashSet<>(available);
    boolean inOrder = true;
    for (NodeProto node : nodes) {
      for (String in : NodeInputs.of(node)) {
        if (!known.contains(in)) {
          inOrder = false;
        }
      }
      known.addAll(node.getOutputList());
    }
    if (inOrder) {
      return nodes;
    }
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).getOutputList()) {
        producer.put(out, i);
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> consumers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      consumers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : NodeInputs.of(nodes.get(i))) {
        if (available.contains(in)) {
          continue;
        }
        Integer from = producer.get(in);
        if (from == null) {
          throw new InvalidModelException(
              "node '"
                  + nodes.get(i).getName()
                  + "' uses tensor '"
                  + in
                  + "', which no node, input or initializer defines");
        }
        pending[i]++;
        consumers.get(from).add(i);
      }
    }
    ArrayDeque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<NodeProto> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(nodes.get(i));
      for (int c : consumers.get(i)) {
        if (--pending[c] == 0) {
          ready.add(c);
        }
      }
    }
    if (order.size() != nodes.size()) {
      throw new InvalidModelException("the graph has a cycle: it is not a DAG");
    }
    return order;
  }

  private static int defaultOpset(ModelProto model) {
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        return (int) id.getVersion();
      }
    }
    return 0; // only other domains (e.g. ai.onnx.ml): no default-domain rule applies
  }

  private static boolean isStatic(ValueInfoProto vi) {
    if (!vi.getType().hasTensorType() || !vi.getType().getTensorType().hasShape()) {
      return false;
    }
    for (TensorShapeProto.Dimension d : vi.getType().getTensorType().getShape().getDimList()) {
      if (!d.hasDimValue() || d.getDimValue() <= 0) {
        return false;
      }
    }
    return true;
  }

  private static TensorInfo resolveInput(ValueInfoProto vi, List<Long> given, boolean dynamic) {
    String name = vi.getName();
    if (!vi.getType().hasTensorType()) {
      throw new InvalidModelException("graph input '" + name + "' is not a tensor");
    }
    int elemType = vi.getType().getTensorType().getElemType();
    List<TensorShapeProto.Dimension> declared =
        vi.getType().getTensorType().getShape().getDimList();
    if (given != null) {
      if (vi.getType().getTensorType().hasShape() && declared.size() != given.size()) {
        throw new InvalidModelException(
            "--input "
                + name
                + ": gives "
                + given.size()
                + " dims but the model declares rank "
                + declared.size());
      }
      for (Long d : given) {
        if (d == null || d < 0) {
          throw new InvalidModelException("--input " + name + ": dims must be positive: " + given);
        }
      }
      return new TensorInfo(name, elemType, given);
    }
    if (dynamic) {
      List<String> shown = new ArrayList<>();
      for (TensorShapeProto.Dimension d : declared) {
        shown.add(
            d.hasDimValue()
                ? Long.toString(d.getDimValue())
                : d.getDimParam().isEmpty() ? "?" : d.getDimParam());
      }
      throw new InvalidModelException(
          "missing shape: graph input '"
              + name
              + "' has dynamic shape "
              + shown
              + "; give it with --input "
              + name
              + "=DIMS (e.g. 1x3x224x224)");
    }
    List<Long> dims = new ArrayList<>();
    for (TensorShapeProto.Dimension d : declared) {
      dims.add(d.getDimValue());
    }
    return new TensorInfo(name, elemType, dims);
  }

  private static void checkDeclared(ValueInfoProto vi, TensorInfo inferred) {
    if (!vi.getType().hasTensorType() || !vi.getType().getTensorType().hasShape()) {
      return;
    }
    List<TensorShapeProto.Dimension> declared =
        vi.getType().getTensorType().getShape().getDimList();
    boolean mismatch = declared.size() != inferred.rank();
    for (int i = 0; !mismatch && i < declared.size(); i++) {
      TensorShapeProto.Dimension d = declared.get(i);
      mismatch = d.hasDimValue() && d.getDimValue() > 0 && d.getDimValue() != inferred.dim(i);
    }
    if (mismatch) {
      throw new InvalidModelException(
          "graph output '"
              + vi.getName()
              + "' is declared with shape "
              + declared.stream()
                  .map(d -> d.hasDimValue() ? Long.toString(d.getDimValue()) : d.getDimParam())
                  .toList()
              + " but the graph computes "
              + inferred.dims());
    }
  }

  private static TensorInfo tensorOf(String name, TensorProto t) {
    return new TensorInfo(name, t.getDataType(), t.getDimsList());
  }

  private static TensorProto constantValue(NodeProto node) {
    for (AttributeProto a : node.getAttributeList()) {
      switch (a.getName()) {
        case "value" -> {
          return a.getT();
        }
        case "value_int" -> {
          return TensorProto.newBuilder()
              .setDataType(TensorProto.DataType.INT64_VALUE)
              .addInt64Data(a.getI())
              .build();
        }
        case "value_ints" -> {
          return TensorProto.newBuilder()
              .setDataType(TensorProto.DataType.INT64_VALUE)
              .addDims(a.getIntsCount())
              .addAllInt64Data(a.getIntsList())
              .build();
        }
        case "value_float" -> {
          return TensorProto.newBuilder()
              .setDataType(TensorProto.DataType.FLOAT_VALUE)
              .addFloatData(a.getF())
              .build();
        }
        case "value_floats" -> {
          return TensorProto.newBuilder()
              .setDataType(TensorProto.DataType.FLOAT_VALUE)
              .addDims(a.getFloatsCount())
              .addAllFloatData(a.getFloatsList())
              .build();
        }
        default -> {}
      }
    }
    throw new InvalidModelException(
        "Constant node '" + node.getName() + "' has no value attribute this analyser reads");
  }

  /** Keeps the values of small int64 tensors, which Reshape/Squeeze/Pad read as shapes. */
  private static void captureInt64(TensorProto t, Map<String, long[]> constants) {
    if (t.getDataType() != TensorProto.DataType.INT64_VALUE) {
      return;
    }
    long count = 1;
    for (long d : t.getDimsList()) {
      count *= d;
    }
    if (count > MAX_CONSTANT_ELEMENTS) {
      return;
    }
    long[] values;
    if (!t.getRawData().isEmpty()) {
      ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      values = new long[raw.remaining() / Long.BYTES];
      raw.asLongBuffer().get(values);
    } else {
      values = t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }
    constants.put(t.getName(), values);
  }
}

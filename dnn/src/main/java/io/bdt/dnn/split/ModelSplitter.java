package io.bdt.dnn.split;

import io.bdt.dnn.graph.CutPoint;
import io.bdt.dnn.graph.Fp32Carrier;
import io.bdt.dnn.graph.GraphAnalysis;
import io.bdt.dnn.graph.Layer;
import io.bdt.dnn.graph.NodeInputs;
import io.bdt.dnn.graph.TensorInfo;
import io.bdt.dnn.onnx.proto.Onnx.AttributeProto;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.ModelProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorShapeProto;
import io.bdt.dnn.onnx.proto.Onnx.TypeProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits an analysed model at a cut into a head model and a tail model.
 *
 * <p>The head holds the compute nodes before the cut and returns the cut's tensors; the tail takes
 * them as inputs and returns the model's outputs. Each side carries only the initializers, Constant
 * nodes and nodes computed from constants alone its own nodes use (a shared one is copied into
 * both), and both keep the model's IR version, opset imports and producer. Cut tensors are declared
 * with their inferred static shape, or with rank only when the model's inputs were dynamic, so the
 * halves stay usable with other batch sizes.
 *
 * <p>Both sides list their nodes (Constant nodes included) and initializers in the model file's own
 * order, whatever order the analysis walked them in, so the cut-0 tail is node for node the
 * original graph and every side is the original's sub-sequence. ONNX Runtime's graph optimizations
 * depend on node order: on the fp16 IS-Net model, the whole graph with only its nodes reordered
 * (Constant nodes first, then Kahn's order) differs from the file's order by 2.7e-3 with the
 * default optimizations and is bit-identical with them disabled. The file's order need not be
 * topological (float16 converters append their Casts at the end); ONNX Runtime sorts nodes itself.
 * Intermediate {@code value_info} is not carried: it changed no output in that comparison, and its
 * declared shapes would contradict inputs resized with {@code --input}.
 */
public final class ModelSplitter {

  private static final String CAST = "Cast";

  /** Name prefix of the Casts onto and off a {@link Fp32Carrier}. */
  private static final String CARRIER_CAST = "bdt_carrier_cast:";

  private ModelSplitter() {}

  /** Splits {@code analysis}'s model at cut {@code cutId}. */
  public static SplitModel split(GraphAnalysis analysis, int cutId) {
    CutPoint cut = analysis.cut(cutId);
    ModelProto model = analysis.model();
    GraphProto graph = model.getGraph();
    List<Layer> layers = analysis.layers();
    List<NodeProto> headNodes =
        new ArrayList<>(inFileOrder(graph, layers.subList(0, cut.position())));
    List<NodeProto> tailNodes = new ArrayList<>();
    for (TensorInfo t : cut.tensors()) {
      if (Fp32Carrier.isCarrier(t.name())) {
        String carried = Fp32Carrier.carried(t.name());
        headNodes.add(
            cast(carrierSource(analysis, carried), t.name(), TensorProto.DataType.FLOAT_VALUE));
        tailNodes.add(cast(t.name(), carried, analysis.tensors().get(carried).elemType()));
      }
    }
    tailNodes.addAll(inFileOrder(graph, layers.subList(cut.position(), layers.size())));

    List<ValueInfoProto> cutValues = new ArrayList<>();
    for (TensorInfo t : cut.tensors()) {
      cutValues.add(valueInfo(t, analysis.dynamicInput()));
    }

    Map<String, ValueInfoProto> graphInputs = new HashMap<>();
    for (ValueInfoProto vi : graph.getInputList()) {
      graphInputs.put(vi.getName(), vi);
    }
    Set<String> headUses = uses(headNodes);
    List<ValueInfoProto> headInputs = new ArrayList<>();
    for (TensorInfo in : analysis.inputs()) {
      if (headUses.contains(in.name()) || cut.tensorNames().contains(in.name())) {
        headInputs.add(graphInputs.get(in.name()));
      }
    }
    GraphProto head =
        side(graph, graph.getName() + "_head", headNodes, analysis, headInputs, cutValues);
    GraphProto tail =
        side(
            graph,
            graph.getName() + "_tail",
            tailNodes,
            analysis,
            cutValues,
            graph.getOutputList());
    return new SplitModel(
        cut, model.toBuilder().setGraph(head).build(), model.toBuilder().setGraph(tail).build());
  }

  private static GraphProto side(
      GraphProto graph,
      String name,
      List<NodeProto> nodes,
      GraphAnalysis analysis,
      List<ValueInfoProto> inputs,
      List<ValueInfoProto> outputs) {
    Set<String> used = uses(nodes);
    GraphProto.Builder side = GraphProto.newBuilder().setName(name);
    Set<NodeProto> taken = Collections.newSetFromMap(new IdentityHashMap<>());
    taken.addAll(nodes);
    taken.addAll(constantsUsed(analysis.constantNodes(), used));
    List<NodeProto> carriersIn = new ArrayList<>();
    List<NodeProto> carriersOut = new ArrayList<>();
    for (NodeProto node : nodes) {
      if (node.getOpType().equals(CAST) && node.getName().startsWith(CARRIER_CAST)) {
        (Fp32Carrier.isCarrier(node.getOutput(0)) ? carriersOut : carriersIn).add(node);
      }
    }
    side.addAllNode(carriersIn);
    Map<String, String> carriedBy = new HashMap<>();
    for (NodeProto in : carriersIn) {
      carriedBy.put(in.getOutput(0), in.getInput(0));
    }
    for (NodeProto node : graph.getNodeList()) {
      if (taken.contains(node)) {
        side.addNode(castFromCarrier(node, carriedBy));
      }
    }
    side.addAllNode(carriersOut);
    Set<String> initializers = new HashSet<>();
    for (TensorProto init : graph.getInitializerList()) {
      if (used.contains(init.getName())) {
        side.addInitializer(init);
        initializers.add(init.getName());
      }
    }
    side.addAllInput(inputs);
    // IR < 4 models list initializers among the inputs; keep that for the ones this side uses.
    for (ValueInfoProto vi : graph.getInputList()) {
      if (initializers.contains(vi.getName())) {
        side.addInput(vi);
      }
    }
    side.addAllOutput(outputs);
    return side.build();
  }

  /**
   * {@code layers}' nodes as the very instances of {@code graph}'s node list, in that list's order.
   */
  private static List<NodeProto> inFileOrder(GraphProto graph, List<Layer> layers) {
    Map<NodeProto, NodeProto> fileNodes = new HashMap<>();
    for (NodeProto node : graph.getNodeList()) {
      fileNodes.put(node, node);
    }
    Set<NodeProto> wanted = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Layer layer : layers) {
      NodeProto node = fileNodes.get(layer.node());
      if (node == null) {
        throw new IllegalArgumentException(
            "node '" + layer.name() + "' of the analysis is not in the analysed model's graph");
      }
      wanted.add(node);
    }
    return graph.getNodeList().stream().filter(wanted::contains).toList();
  }

  /**
   * What the head puts on the carrier of {@code tensor}: the tensor itself, or, when an explicit
   * {@code Cast} made it from a float32 tensor, that float32 tensor. ONNX Runtime removes such a
   * Cast together with the one it inserts before the next float32 kernel, so the whole model never
   * rounds there either (measured on the fp16 IS-Net's input cast: carrying the Cast's output was
   * 5.7e-3 off, its input exact).
   */
  private static String carrierSource(GraphAnalysis analysis, String tensor) {
    for (Layer layer : analysis.layers()) {
      NodeProto node = layer.node();
      if (node.getOutputCount() == 1 && node.getOutput(0).equals(tensor)) {
        if (node.getOpType().equals(CAST) && node.getDomain().isEmpty()) {
          TensorInfo from = analysis.tensors().get(node.getInput(0));
          if (from != null && from.elemType() == TensorProto.DataType.FLOAT_VALUE) {
            return node.getInput(0);
          }
        }
        return tensor;
      }
    }
    return tensor;
  }

  /**
   * {@code node}, or, when it is an explicit Cast to float32 of a carried tensor, the same Cast
   * reading the carrier. ONNX Runtime keeps two explicit Casts in a row (the tail's Cast off the
   * carrier, then this one) and would round the value to float16 between them, while in the whole
   * model it removes this Cast with the one it inserted after the producing kernel.
   */
  private static NodeProto castFromCarrier(NodeProto node, Map<String, String> carriedBy) {
    if (!node.getOpType().equals(CAST)
        || !node.getDomain().isEmpty()
        || node.getInputCount() != 1
        || !carriedBy.containsKey(node.getInput(0))) {
      return node;
    }
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals("to") && a.getI() == TensorProto.DataType.FLOAT_VALUE) {
        return node.toBuilder().setInput(0, carriedBy.get(node.getInput(0))).build();
      }
    }
    return node;
  }

  /** A Cast that moves a 16-bit float tensor onto or off its {@link Fp32Carrier}. */
  private static NodeProto cast(String from, String to, int elemType) {
    return NodeProto.newBuilder()
        .setOpType(CAST)
        .setName(CARRIER_CAST + to)
        .addInput(from)
        .addOutput(to)
        .addAttribute(
            AttributeProto.newBuilder()
                .setName("to")
                .setType(AttributeProto.AttributeType.INT)
                .setI(elemType))
        .build();
  }

  /**
   * The constant nodes (in topological order) whose outputs {@code used} names, and transitively
   * the ones they read; {@code used} grows by their inputs, so their initializers come along.
   */
  private static List<NodeProto> constantsUsed(List<NodeProto> constants, Set<String> used) {
    List<NodeProto> taken = new ArrayList<>();
    for (NodeProto node : constants.reversed()) {
      for (String out : node.getOutputList()) {
        if (used.contains(out)) {
          taken.add(node);
          used.addAll(NodeInputs.of(node));
          break;
        }
      }
    }
    return taken;
  }

  private static Set<String> uses(List<NodeProto> nodes) {
    Set<String> used = new HashSet<>();
    for (NodeProto n : nodes) {
      used.addAll(NodeInputs.of(n));
    }
    return used;
  }

  private static ValueInfoProto valueInfo(TensorInfo t, boolean dynamic) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : t.dims()) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (!dynamic) {
        dim.setDimValue(d);
      }
      shape.addDim(dim);
    }
    return ValueInfoProto.newBuilder()
        .setName(t.name())
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(t.elemType()).setShape(shape)))
        .build();
  }
}

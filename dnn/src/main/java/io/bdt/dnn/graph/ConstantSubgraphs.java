package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Nodes that compute only from constants: every input is an initializer, a Constant node's output
 * or another such node's output. Exporters and quantizers emit many of them (an Identity sharing a
 * folded BatchNorm bias, a Reshape of a Conv bias, a DequantizeLinear of int8 weights); they depend
 * on no sample, so like initializers they are copied into each side that uses them and never cross
 * a cut. Left as compute nodes, each of their outputs would stay live from the top of the graph to
 * its last use and cross every cut in between.
 *
 * <p>Not folded: nodes with a subgraph (control flow stays one unit), random ops (their value
 * differs per run), nodes without inputs other than Constant, and nodes producing a graph output (a
 * side returns graph outputs only from its own compute nodes).
 */
final class ConstantSubgraphs {

  private static final Set<String> NONDETERMINISTIC =
      Set.of(
          "RandomNormal",
          "RandomUniform",
          "RandomNormalLike",
          "RandomUniformLike",
          "Multinomial",
          "Bernoulli");

  private ConstantSubgraphs() {}

  /**
   * The nodes of {@code order} (topological) that compute only from {@code fixed} tensors or from
   * other such nodes, in {@code order}'s order; their outputs are added to {@code fixed}.
   */
  static List<NodeProto> extract(
      List<NodeProto> order, Set<String> fixed, Set<String> graphOutputs) {
    List<NodeProto> folded = new ArrayList<>();
    for (NodeProto node : order) {
      if (foldable(node, fixed, graphOutputs)) {
        folded.add(node);
        fixed.addAll(node.getOutputList());
      }
    }
    return folded;
  }

  private static boolean foldable(NodeProto node, Set<String> fixed, Set<String> graphOutputs) {
    if (NONDETERMINISTIC.contains(node.getOpType()) || NodeInputs.hasSubgraph(node)) {
      return false;
    }
    List<String> inputs = NodeInputs.of(node);
    if (inputs.isEmpty() || !fixed.containsAll(inputs)) {
      return false;
    }
    for (String out : node.getOutputList()) {
      if (graphOutputs.contains(out)) {
        return false;
      }
    }
    return true;
  }
}

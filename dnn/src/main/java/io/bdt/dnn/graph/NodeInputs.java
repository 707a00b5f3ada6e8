package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.proto.Onnx.AttributeProto;
import io.bdt.dnn.onnx.proto.Onnx.GraphProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import io.bdt.dnn.onnx.proto.Onnx.TensorProto;
import io.bdt.dnn.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tensors a node reads from its graph: its named inputs plus, for control flow (If, Loop, Scan
 * and any node with a graph attribute), the outer-scope tensors its subgraphs read.
 *
 * <p>Subgraph bodies refer to tensors of the enclosing graph by name without listing them as node
 * inputs; a cut or a split that ignored them would cut the body off from its data. The node as a
 * whole is one unit: no cut falls inside a subgraph.
 */
public final class NodeInputs {

  private NodeInputs() {}

  /** The non-empty names {@code node} reads: its inputs, then its subgraphs' outer references. */
  public static List<String> of(NodeProto node) {
    boolean hasGraph = false;
    for (AttributeProto a : node.getAttributeList()) {
      hasGraph |= a.hasG() || a.getGraphsCount() > 0;
    }
    if (!hasGraph) {
      if (!node.getInputList().contains("")) {
        return node.getInputList();
      }
      return node.getInputList().stream().filter(s -> !s.isEmpty()).toList();
    }
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (String in : node.getInputList()) {
      if (!in.isEmpty()) {
        names.add(in);
      }
    }
    for (AttributeProto a : node.getAttributeList()) {
      if (a.hasG()) {
        names.addAll(outerReferences(a.getG()));
      }
      for (GraphProto g : a.getGraphsList()) {
        names.addAll(outerReferences(g));
      }
    }
    return new ArrayList<>(names);
  }

  /** Whether {@code node} carries a subgraph (If, Loop, Scan, ...). */
  public static boolean hasSubgraph(NodeProto node) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.hasG() || a.getGraphsCount() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Names {@code graph} (and its nested subgraphs) read but do not define. */
  static Set<String> outerReferences(GraphProto graph) {
    Set<String> defined = new HashSet<>();
    for (ValueInfoProto vi : graph.getInputList()) {
      defined.add(vi.getName());
    }
    for (TensorProto t : graph.getInitializerList()) {
      defined.add(t.getName());
    }
    for (var t : graph.getSparseInitializerList()) {
      defined.add(t.getValues().getName());
    }
    for (NodeProto n : graph.getNodeList()) {
      defined.addAll(n.getOutputList());
    }
    Set<String> outer = new LinkedHashSet<>();
    for (NodeProto n : graph.getNodeList()) {
      for (String in : of(n)) {
        if (!defined.contains(in)) {
          outer.add(in);
        }
      }
    }
    for (ValueInfoProto out : graph.getOutputList()) {
      if (!defined.contains(out.getName())) {
        outer.add(out.getName());
      }
    }
    return outer;
  }
}

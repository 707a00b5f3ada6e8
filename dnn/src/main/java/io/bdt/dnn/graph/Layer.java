package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.proto.Onnx.NodeProto;

/**
 * One compute node of an analysed graph.
 *
 * @param node the ONNX node
 * @param flops FLOPs of this node for the whole batch (see {@link OpRules} for the rules)
 */
public record Layer(NodeProto node, long flops) {

  /** The node's name, or its first output when the node is unnamed. */
  public String name() {
    return node.getName().isEmpty() ? node.getOutput(0) : node.getName();
  }

  /** The node's operator type. */
  public String opType() {
    return node.getOpType();
  }
}

package io.bdt.dnn.graph;

import io.bdt.dnn.onnx.proto.Onnx.AttributeProto;
import io.bdt.dnn.onnx.proto.Onnx.NodeProto;
import java.util.List;
import java.util.Optional;

/** Typed read access to one node's attributes, with the defaults the ONNX operator spec gives. */
record NodeAttributes(NodeProto node) {

  Optional<AttributeProto> find(String name) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  long getInt(String name, long fallback) {
    return find(name).map(AttributeProto::getI).orElse(fallback);
  }

  float getFloat(String name, float fallback) {
    return find(name).map(AttributeProto::getF).orElse(fallback);
  }

  String getString(String name, String fallback) {
    return find(name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
  }

  /** The INTS attribute {@code name}, or {@code fallback} (which may be null) when absent. */
  List<Long> getInts(String name, List<Long> fallback) {
    return find(name).map(a -> (List<Long>) List.copyOf(a.getIntsList())).orElse(fallback);
  }
}

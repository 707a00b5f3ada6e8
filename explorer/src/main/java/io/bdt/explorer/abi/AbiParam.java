package io.bdt.explorer.abi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One parameter of a Solidity ABI entry: its name, type ({@code uint64}, {@code bytes32[]}, {@code
 * tuple}...), tuple components, and whether an event indexes it.
 */
public record AbiParam(String name, String type, List<AbiParam> components, boolean indexed) {

  public AbiParam {
    components = List.copyOf(components);
  }

  /** The parameters in an ABI JSON {@code inputs} or {@code outputs} array. */
  public static List<AbiParam> list(JsonNode array) {
    List<AbiParam> out = new ArrayList<>();
    for (JsonNode p : array) {
      out.add(
          new AbiParam(
              p.path("name").asText(""),
              p.path("type").asText(),
              list(p.path("components")),
              p.path("indexed").asBoolean(false)));
    }
    return out;
  }

  /** The canonical type as it appears in a signature: tuples spelled out as (a,b). */
  public String canonical() {
    if (type.startsWith("tuple")) {
      StringBuilder s = new StringBuilder("(");
      for (int i = 0; i < components.size(); i++) {
        s.append(i == 0 ? "" : ",").append(components.get(i).canonical());
      }
      return s.append(")").append(type.substring("tuple".length())).toString();
    }
    return type;
  }

  /** Whether this is an array type ({@code T[]} or {@code T[k]}). */
  public boolean isArray() {
    return type.endsWith("]");
  }

  /** The element of an array type. */
  public AbiParam element() {
    return new AbiParam(name, type.substring(0, type.lastIndexOf('[')), components, false);
  }

  /** The length of a fixed-size array type, or -1 for {@code T[]}. */
  public int fixedLength() {
    String inside = type.substring(type.lastIndexOf('[') + 1, type.length() - 1);
    return inside.isEmpty() ? -1 : Integer.parseInt(inside);
  }

  /** Whether the value is encoded in the tail (ABI "dynamic" types). */
  public boolean isDynamic() {
    if (isArray()) {
      return fixedLength() < 0 || element().isDynamic();
    }
    if (type.equals("tuple")) {
      return components.stream().anyMatch(AbiParam::isDynamic);
    }
    return type.equals("bytes") || type.equals("string");
  }

  /** Bytes the value takes in the head of its enclosing tuple. */
  public int headSize() {
    if (isDynamic()) {
      return 32;
    }
    if (isArray()) {
      return fixedLength() * element().headSize();
    }
    if (type.equals("tuple")) {
      return components.stream().mapToInt(AbiParam::headSize).sum();
    }
    return 32;
  }
}

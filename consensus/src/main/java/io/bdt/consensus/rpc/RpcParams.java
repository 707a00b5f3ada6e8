package io.bdt.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.horizen.evm.Address;
import java.math.BigInteger;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;

/**
 * Reading JSON-RPC parameters (a bad one is {@code -32602} naming its position) and writing
 * Ethereum quantities ({@code 0x}-prefixed hex without leading zeros).
 */
final class RpcParams {
  private RpcParams() {}

  static String string(ArrayNode p, int index, String name) {
    JsonNode n = p.path(index);
    if (!n.isTextual()) {
      throw RpcException.invalidParams(
          "params[" + index + "] (" + name + "): expected a hex string");
    }
    return n.asText();
  }

  static Bytes bytes(ArrayNode p, int index, String name) {
    return Bytes.fromHexString(string(p, index, name));
  }

  static Bytes32 hash(ArrayNode p, int index, String name) {
    Bytes b = bytes(p, index, name);
    if (b.size() != 32) {
      throw RpcException.invalidParams("params[" + index + "] (" + name + "): expected 32 bytes");
    }
    return Bytes32.wrap(b);
  }

  static Address address(ArrayNode p, int index) {
    Bytes b = bytes(p, index, "address");
    if (b.size() != 20) {
      throw RpcException.invalidParams("params[" + index + "] (address): expected 20 bytes");
    }
    return new Address(b.toArrayUnsafe());
  }

  /** Whether the block parameter at {@code tagIndex} is {@code pending}. */
  static boolean isPending(ArrayNode p, int tagIndex) {
    return "pending".equals(p.path(tagIndex).asText());
  }

  static TextNode text(String s) {
    return TextNode.valueOf(s);
  }

  static TextNode quantity(long v) {
    return text(hexQ(v));
  }

  static TextNode quantity(BigInteger v) {
    return text(hexQ(v));
  }

  static String hexQ(long v) {
    return "0x" + Long.toHexString(v);
  }

  static String hexQ(BigInteger v) {
    return "0x" + v.toString(16);
  }
}

package io.bdt.explorer.abi;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Solidity ABI-encoded values into plain JSON-friendly values: addresses and byte strings
 * as 0x hex, integers as decimal strings (they exceed 2^53), booleans, text, lists for arrays and
 * name-keyed maps for tuples. Pure: no I/O.
 */
public final class AbiCodec {
  private static final HexFormat HEX = HexFormat.of();

  private AbiCodec() {}

  /** Decodes {@code params} encoded as one tuple in {@code data} from offset 0. */
  public static Map<String, Object> decode(List<AbiParam> params, byte[] data) {
    return tuple(params, data, 0);
  }

  /** Decodes one static value (an indexed event topic) from its 32 bytes. */
  public static Object decodeWord(AbiParam param, byte[] word) {
    if (param.isDynamic() || param.isArray() || param.type().equals("tuple")) {
      // indexed dynamic values are only their keccak256 in the topic
      return "0x" + HEX.formatHex(word);
    }
    return value(param, word, 0);
  }

  private static Map<String, Object> tuple(List<AbiParam> params, byte[] data, int base) {
    Map<String, Object> out = new LinkedHashMap<>();
    int head = base;
    for (int i = 0; i < params.size(); i++) {
      AbiParam p = params.get(i);
      Object v = p.isDynamic() ? value(p, data, base + offset(data, head)) : value(p, data, head);
      out.put(p.name().isEmpty() ? Integer.toString(i) : p.name(), v);
      head += p.headSize();
    }
    return out;
  }

  private static Object value(AbiParam p, byte[] data, int pos) {
    if (p.isArray()) {
      int n = p.fixedLength();
      int start = pos;
      if (n < 0) {
        n = offset(data, pos);
        start = pos + 32;
      }
      AbiParam e = p.element();
      List<AbiParam> elements = new ArrayList<>(java.util.Collections.nCopies(n, e));
      return new ArrayList<>(tuple(elements, data, start).values());
    }
    if (p.type().equals("tuple")) {
      return tuple(p.components(), data, pos);
    }
    String t = p.type();
    if (t.equals("bytes") || t.equals("string")) {
      int len = offset(data, pos);
      byte[] b = slice(data, pos + 32, len);
      return t.equals("string") ? new String(b, StandardCharsets.UTF_8) : "0x" + HEX.formatHex(b);
    }
    byte[] word = slice(data, pos, 32);
    if (t.equals("address")) {
      return "0x" + HEX.formatHex(word, 12, 32);
    }
    if (t.equals("bool")) {
      return word[31] != 0;
    }
    if (t.startsWith("uint")) {
      return new BigInteger(1, word).toString();
    }
    if (t.startsWith("int")) {
      return new BigInteger(word).toString();
    }
    if (t.startsWith("bytes")) {
      int n = Integer.parseInt(t.substring(5));
      return "0x" + HEX.formatHex(word, 0, n);
    }
    throw new IllegalArgumentException(p.name() + ": unsupported ABI type " + t);
  }

  private static int offset(byte[] data, int pos) {
    BigInteger v = new BigInteger(1, slice(data, pos, 32));
    if (v.bitLength() > 31) {
      throw new IllegalArgumentException(
          "ABI offset or length " + v + " at " + pos + " is too big");
    }
    return v.intValueExact();
  }

  private static byte[] slice(byte[] data, int from, int len) {
    if (from < 0 || len < 0 || from + len > data.length) {
      throw new IllegalArgumentException(
          "ABI data too short: needs bytes " + from + ".." + (from + len) + " of " + data.length);
    }
    return Arrays.copyOfRange(data, from, from + len);
  }
}

package io.bdt.consensus.block;

import java.math.BigInteger;
import java.util.List;
import org.apache.tuweni.bytes.Bytes;
import org.apache.tuweni.bytes.Bytes32;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

/**
 * Reads typed fields out of decoded RLP items, naming the field when the item has the wrong shape.
 */
public final class Rlp {
  private Rlp() {}

  /**
   * RLP encoding of a list of {@code items} in time linear in the output. Web3j's {@code
   * RlpEncoder} re-copies the encoded prefix for every item, which for a block of a thousand
   * transactions or receipts costs more than executing them.
   */
  public static byte[] encodeList(List<? extends RlpType> items) {
    byte[][] encoded = new byte[items.size()][];
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = RlpEncoder.encode(items.get(i));
    }
    return wrapList(encoded);
  }

  /** RLP list of items that are already RLP-encoded. */
  public static byte[] wrapList(byte[]... encodedItems) {
    int length = 0;
    for (byte[] e : encodedItems) {
      length += e.length;
    }
    byte[] header;
    if (length < 56) {
      header = new byte[] {(byte) (0xc0 + length)};
    } else {
      byte[] size = BigInteger.valueOf(length).toByteArray();
      int skip = size[0] == 0 ? 1 : 0;
      header = new byte[1 + size.length - skip];
      header[0] = (byte) (0xf7 + size.length - skip);
      System.arraycopy(size, skip, header, 1, size.length - skip);
    }
    byte[] out = new byte[header.length + length];
    System.arraycopy(header, 0, out, 0, header.length);
    int at = header.length;
    for (byte[] e : encodedItems) {
      System.arraycopy(e, 0, out, at, e.length);
      at += e.length;
    }
    return out;
  }

  /** The item at {@code index} of {@code list} as a byte string. */
  public static Bytes bytes(List<RlpType> list, int index, String field) {
    if (index >= list.size() || !(list.get(index) instanceof RlpString s)) {
      throw new IllegalArgumentException(field + ": expected an RLP byte string at index " + index);
    }
    return Bytes.wrap(s.getBytes());
  }

  /** A 32-byte hash field. */
  public static Bytes32 hash(List<RlpType> list, int index, String field) {
    Bytes b = bytes(list, index, field);
    if (b.size() != 32) {
      throw new IllegalArgumentException(field + ": expected 32 bytes, got " + b.size());
    }
    return Bytes32.wrap(b);
  }

  /** An unsigned scalar field (minimal big-endian bytes). */
  public static BigInteger scalar(List<RlpType> list, int index, String field) {
    Bytes b = bytes(list, index, field);
    return b.isEmpty() ? BigInteger.ZERO : new BigInteger(1, b.toArrayUnsafe());
  }

  /** An unsigned scalar field that fits in a long. */
  public static long longScalar(List<RlpType> list, int index, String field) {
    BigInteger v = scalar(list, index, field);
    if (v.bitLength() > 63) {
      throw new IllegalArgumentException(field + ": value does not fit in 63 bits");
    }
    return v.longValueExact();
  }

  /** The item at {@code index} as a list. */
  public static List<RlpType> list(List<RlpType> list, int index, String field) {
    if (index >= list.size() || !(list.get(index) instanceof RlpList l)) {
      throw new IllegalArgumentException(field + ": expected an RLP list at index " + index);
    }
    return l.getValues();
  }

  /** RLP string of raw bytes. */
  public static RlpString of(Bytes b) {
    return RlpString.create(b.toArrayUnsafe());
  }

  /** RLP string of an unsigned scalar in minimal form. */
  public static RlpString of(BigInteger v) {
    return RlpString.create(v);
  }

  /** RLP string of an unsigned scalar in minimal form. */
  public static RlpString of(long v) {
    return RlpString.create(BigInteger.valueOf(v));
  }
}

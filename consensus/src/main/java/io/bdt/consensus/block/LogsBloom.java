package io.bdt.consensus.block;

import java.util.Collection;
import org.apache.tuweni.bytes.Bytes;

/** Ethereum's 2048-bit logs bloom: three bits per log address and topic, taken from Keccak-256. */
public final class LogsBloom {
  /** Size in bytes. */
  public static final int SIZE = 256;

  private LogsBloom() {}

  /** The bloom of all addresses and topics of {@code logs}. */
  public static Bytes of(Collection<Log> logs) {
    byte[] bloom = new byte[SIZE];
    for (Log log : logs) {
      add(bloom, log.address());
      log.topics().forEach(t -> add(bloom, t));
    }
    return Bytes.wrap(bloom);
  }

  /** Bitwise OR of blooms (a block's bloom is the OR of its receipts' blooms). */
  public static Bytes or(Collection<Bytes> blooms) {
    byte[] out = new byte[SIZE];
    for (Bytes b : blooms) {
      for (int i = 0; i < SIZE; i++) {
        out[i] |= b.get(i);
      }
    }
    return Bytes.wrap(out);
  }

  /** Whether {@code bloom} may contain {@code value} (false means certainly not). */
  public static boolean mayContain(Bytes bloom, Bytes value) {
    byte[] probe = new byte[SIZE];
    add(probe, value);
    for (int i = 0; i < SIZE; i++) {
      if ((bloom.get(i) & probe[i]) != probe[i]) {
        return false;
      }
    }
    return true;
  }

  private static void add(byte[] bloom, Bytes value) {
    byte[] h = Keccak.of(value).toArrayUnsafe();
    for (int i = 0; i < 6; i += 2) {
      int bit = ((h[i] & 0xff) << 8 | (h[i + 1] & 0xff)) & 2047;
      bloom[SIZE - 1 - bit / 8] |= (byte) (1 << (bit % 8));
    }
  }
}

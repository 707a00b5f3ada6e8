package io.bdt.consensus.pow;

import java.math.BigInteger;
import org.apache.tuweni.bytes.Bytes32;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * The PoW puzzle: {@code digest = Keccak-256(powHash || nonce)} (nonce as 8 big-endian bytes) must
 * be at most {@code 2^256 / difficulty}, so a difficulty of D takes D hashes on average.
 */
public final class ProofOfWork {
  private static final BigInteger TWO_256 = BigInteger.ONE.shiftLeft(256);

  private ProofOfWork() {}

  /** The largest digest a block of {@code difficulty} may have. */
  public static BigInteger target(BigInteger difficulty) {
    return TWO_256.divide(difficulty);
  }

  /** The PoW digest of {@code nonce} over {@code powHash}. */
  public static Bytes32 digest(Bytes32 powHash, long nonce) {
    KeccakDigest k = new KeccakDigest(256);
    byte[] out = new byte[32];
    byte[] input = input(powHash);
    putNonce(input, nonce);
    k.update(input, 0, input.length);
    k.doFinal(out, 0);
    return Bytes32.wrap(out);
  }

  /** Whether {@code digest} meets {@code target}. */
  public static boolean meets(Bytes32 digest, BigInteger target) {
    return digest.toUnsignedBigInteger().compareTo(target) <= 0;
  }

  static byte[] input(Bytes32 powHash) {
    byte[] input = new byte[40];
    System.arraycopy(powHash.toArrayUnsafe(), 0, input, 0, 32);
    return input;
  }

  static void putNonce(byte[] input, long nonce) {
    for (int i = 0; i < 8; i++) {
      input[39 - i] = (byte) (nonce >>> (8 * i));
    }
  }
}

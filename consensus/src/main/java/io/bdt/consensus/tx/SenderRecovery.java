package io.bdt.consensus.tx;

import fr.acinq.secp256k1.Secp256k1;
import java.math.BigInteger;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * secp256k1 public-key recovery from (hash, r, s, recovery id), giving the signer's 20-byte
 * address. Recovery is the dominant cost of accepting a transaction, so it runs in libsecp256k1
 * (Bitcoin Core's C library, through ACINQ's JNI binding: about 40-80 microseconds against 220-560
 * for BouncyCastle on this machine). Where the native library cannot load, the same recovery runs
 * in BouncyCastle: Web3j's {@code Sign.signedMessageHashToKey} without its check that R has order n
 * (a full scalar multiplication that cannot fail on secp256k1, whose cofactor is 1).
 */
final class SenderRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(SenderRecovery.class);
  private static final Secp256k1 NATIVE = loadNative();
  private static final X9ECParameters CURVE = Sign.CURVE_PARAMS;
  private static final BigInteger N = CURVE.getN();
  private static final BigInteger P = CURVE.getCurve().getField().getCharacteristic();

  private SenderRecovery() {}

  private static Secp256k1 loadNative() {
    try {
      return Secp256k1.get();
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("libsecp256k1 unavailable ({}); recovering senders with BouncyCastle", e.toString());
      return null;
    }
  }

  /** Whether recovery runs in libsecp256k1 (else in BouncyCastle). */
  static boolean isNative() {
    return NATIVE != null;
  }

  /** The address that signed {@code hash}, or empty if no point matches (r, s, recId). */
  static Optional<Bytes> address(byte[] hash, BigInteger r, BigInteger s, int recId) {
    if (recId < 0 || recId > 3 || r.signum() <= 0 || s.signum() <= 0) {
      return Optional.empty();
    }
    return NATIVE != null ? nativeAddress(hash, r, s, recId) : javaAddress(hash, r, s, recId);
  }

  private static Optional<Bytes> nativeAddress(byte[] hash, BigInteger r, BigInteger s, int recId) {
    if (r.bitLength() > 256 || s.bitLength() > 256) {
      return Optional.empty();
    }
    byte[] signature = new byte[64];
    put32(r, signature, 0);
    put32(s, signature, 32);
    byte[] pub;
    try {
      pub = NATIVE.ecdsaRecover(signature, hash, recId);
    } catch (RuntimeException e) {
      // libsecp256k1 refuses r or s >= n, an x with no curve point, and the point at infinity
      return Optional.empty();
    }
    byte[] h = Hash.sha3(pub, 1, 64);
    return Optional.of(Bytes.wrap(h, 12, 20));
  }

  private static void put32(BigInteger v, byte[] out, int offset) {
    byte[] b = v.toByteArray();
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, offset + 32 - len, len);
  }

  static Optional<Bytes> javaAddress(byte[] hash, BigInteger r, BigInteger s, int recId) {
    BigInteger x = recId >= 2 ? r.add(N) : r;
    if (x.compareTo(P) >= 0) {
      return Optional.empty();
    }
    byte[] compressed = new byte[33];
    compressed[0] = (byte) ((recId & 1) == 1 ? 0x03 : 0x02);
    byte[] xb = x.toByteArray();
    int len = Math.min(xb.length, 32);
    System.arraycopy(xb, xb.length - len, compressed, 33 - len, len);
    ECPoint point;
    try {
      point = CURVE.getCurve().decodePoint(compressed);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    BigInteger e = new BigInteger(1, hash);
    BigInteger rInv = r.modInverse(N);
    BigInteger srInv = rInv.multiply(s).mod(N);
    BigInteger eInvrInv = rInv.multiply(e.negate().mod(N)).mod(N);
    ECPoint q = ECAlgorithms.sumOfTwoMultiplies(CURVE.getG(), eInvrInv, point, srInv).normalize();
    if (q.isInfinity()) {
      return Optional.empty();
    }
    byte[] pub = q.getEncoded(false);
    byte[] h = Hash.sha3(pub, 1, 64);
    return Optional.of(Bytes.wrap(h, 12, 20));
  }
}

package io.bdt.consensus.tx;

import java.math.BigInteger;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * secp256k1 public-key recovery from (hash, r, s, recovery id), giving the signer's 20-byte
 * address. Same result as Web3j's {@code Sign.signedMessageHashToKey}, without its check that R has
 * order n (a full scalar multiplication that cannot fail on secp256k1, whose cofactor is 1):
 * recovery is the dominant cost of accepting a transaction.
 */
final class SenderRecovery {
  private static final X9ECParameters CURVE = Sign.CURVE_PARAMS;
  private static final BigInteger N = CURVE.getN();
  private static final BigInteger P = CURVE.getCurve().getField().getCharacteristic();

  private SenderRecovery() {}

  /** The address that signed {@code hash}, or empty if no point matches (r, s, recId). */
  static Optional<Bytes> address(byte[] hash, BigInteger r, BigInteger s, int recId) {
    if (recId < 0 || recId > 3 || r.signum() <= 0 || s.signum() <= 0) {
      return Optional.empty();
    }
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

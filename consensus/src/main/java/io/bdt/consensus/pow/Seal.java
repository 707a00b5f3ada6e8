package io.bdt.consensus.pow;

import io.bdt.consensus.block.BlockHeader;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * The miner's secp256k1 signature over the sealed header ({@link BlockHeader#signingHash()}),
 * carried as 65 bytes (r, s, v) in extraData.
 */
public final class Seal {
  /** Signature length in bytes. */
  public static final int SIZE = 65;

  private Seal() {}

  /** {@code header} (PoW solved) signed by {@code key}. */
  public static BlockHeader sign(BlockHeader header, ECKeyPair key) {
    Sign.SignatureData sig = Sign.signMessage(header.signingHash().toArrayUnsafe(), key, false);
    return header.withExtraData(
        Bytes.concatenate(Bytes.wrap(sig.getR()), Bytes.wrap(sig.getS()), Bytes.wrap(sig.getV())));
  }

  /** The address that signed {@code header}, if its extraData holds a valid signature. */
  public static Optional<Bytes> signer(BlockHeader header) {
    Bytes seal = header.extraData();
    if (seal.size() != SIZE) {
      return Optional.empty();
    }
    byte[] b = seal.toArrayUnsafe();
    Sign.SignatureData sig =
        new Sign.SignatureData(b[64], Arrays.copyOfRange(b, 0, 32), Arrays.copyOfRange(b, 32, 64));
    try {
      BigInteger publicKey = Sign.signedMessageHashToKey(header.signingHash().toArrayUnsafe(), sig);
      return Optional.of(Bytes.fromHexString(Keys.getAddress(publicKey)));
    } catch (SignatureException | RuntimeException e) {
      return Optional.empty();
    }
  }
}

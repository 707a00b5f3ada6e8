package io.bdt.consensus.p2p;

import io.bdt.consensus.block.Keccak;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.Optional;
import org.apache.tuweni.bytes.Bytes;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * A peer message: type, request id (0 for gossip; a response carries its request's id), payload,
 * the sender's listening URL, and the sender node key's secp256k1 signature over {@code
 * Keccak-256(type ":" id ":" listen ":" payload)}.
 */
public record Envelope(String type, long id, String payload, String listen, String signature) {

  /** Signs a message with {@code key}. */
  public static Envelope sign(String type, long id, String payload, String listen, ECKeyPair key) {
    Sign.SignatureData s = Sign.signMessage(digest(type, id, payload, listen), key, false);
    String sig =
        Bytes.concatenate(Bytes.wrap(s.getR()), Bytes.wrap(s.getS()), Bytes.wrap(s.getV()))
            .toHexString();
    return new Envelope(type, id, payload, listen, sig);
  }

  /** The node address that signed this message, if the signature is valid. */
  public Optional<Bytes> signer() {
    try {
      byte[] b = Bytes.fromHexString(signature).toArrayUnsafe();
      if (b.length != 65) {
        return Optional.empty();
      }
      Sign.SignatureData s =
          new Sign.SignatureData(
              b[64], Arrays.copyOfRange(b, 0, 32), Arrays.copyOfRange(b, 32, 64));
      return Optional.of(
          Bytes.fromHexString(
              Keys.getAddress(Sign.signedMessageHashToKey(digest(type, id, payload, listen), s))));
    } catch (SignatureException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static byte[] digest(String type, long id, String payload, String listen) {
    return Keccak.of(
            (type + ":" + id + ":" + listen + ":" + payload).getBytes(StandardCharsets.UTF_8))
        .toArrayUnsafe();
  }
}

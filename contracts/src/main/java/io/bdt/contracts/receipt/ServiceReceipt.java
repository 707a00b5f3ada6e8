package io.bdt.contracts.receipt;

import io.bdt.contracts.generated.ReputationLedger;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * The statement, signed by gateway {@code gateway} and co-signed by AP {@code ap}, that the AP
 * served the gateway's task {@code taskId} in slot {@code slot}: the record ReputationLedger
 * counts, with its EIP-712 digest. Both parties sign the same digest ({@link #sign}); the ledger
 * counts the receipt only with both signatures.
 *
 * @param taskId 32-byte task id, unique across the network (the ledger counts each id once)
 * @param ap the serving AP's address (0x-prefixed hex)
 * @param gateway the gateway whose task it was (0x-prefixed hex)
 * @param flopsServed FLOPs the AP computed for the task
 * @param latencyMicros end-to-end latency of the task (microseconds)
 * @param slot the slot the task was served in, on the ledger's {@link
 *     io.bdt.contracts.reputation.SlotClock}
 */
public record ServiceReceipt(
    byte[] taskId,
    String ap,
    String gateway,
    BigInteger flopsServed,
    long latencyMicros,
    long slot) {

  /** keccak256 of the EIP-712 type string, as ReputationLedger.RECEIPT_TYPEHASH. */
  public static final byte[] TYPE_HASH =
      keccak(
          "Receipt(bytes32 taskId,address ap,address gateway,uint256 flopsServed,uint64"
              + " latencyMicros,uint64 slot)");

  private static final byte[] DOMAIN_TYPE_HASH =
      keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  private static final byte[] NAME_HASH = keccak("B-DT ReputationLedger");
  private static final byte[] VERSION_HASH = keccak("2");

  public ServiceReceipt {
    if (taskId.length != 32) {
      throw new IllegalArgumentException("taskId: must be 32 bytes, got " + taskId.length);
    }
    taskId = taskId.clone();
    if (Numeric.hexStringToByteArray(ap).length != 20) {
      throw new IllegalArgumentException("ap: must be a 20-byte address, got " + ap);
    }
    if (Numeric.hexStringToByteArray(gateway).length != 20) {
      throw new IllegalArgumentException("gateway: must be a 20-byte address, got " + gateway);
    }
    if (flopsServed.signum() <= 0) {
      throw new IllegalArgumentException("flopsServed: must be > 0, got " + flopsServed);
    }
    if (latencyMicros < 0) {
      throw new IllegalArgumentException("latencyMicros: must be >= 0, got " + latencyMicros);
    }
  }

  @Override
  public byte[] taskId() {
    return taskId.clone();
  }

  /** The EIP-712 domain separator of the ledger at {@code ledger} on chain {@code chainId}. */
  public static byte[] domainSeparator(long chainId, String ledger) {
    return keccak(
        concat(
            DOMAIN_TYPE_HASH,
            NAME_HASH,
            VERSION_HASH,
            word(BigInteger.valueOf(chainId)),
            address(ledger)));
  }

  /** The digest the gateway signs: keccak256(0x1901 || domainSeparator || structHash). */
  public byte[] digest(long chainId, String ledger) {
    byte[] structHash =
        keccak(
            concat(
                TYPE_HASH,
                taskId,
                address(ap),
                address(gateway),
                word(flopsServed),
                word(unsigned(latencyMicros)),
                word(unsigned(slot))));
    return keccak(concat(new byte[] {0x19, 0x01}, domainSeparator(chainId, ledger), structHash));
  }

  /**
   * A 65-byte signature (r || s || v, v in {27, 28}) of {@link #digest} by {@code signer}: the
   * gateway's signature or the AP's co-signature (both sign the same digest).
   */
  public byte[] sign(long chainId, String ledger, ECKeyPair signer) {
    Sign.SignatureData s = Sign.signMessage(digest(chainId, ledger), signer, false);
    return concat(s.getR(), s.getS(), s.getV());
  }

  /** The address that signed {@code signature} over this receipt's digest. */
  public String signer(long chainId, String ledger, byte[] signature) {
    if (signature.length != 65) {
      throw new IllegalArgumentException("signature: must be 65 bytes, got " + signature.length);
    }
    Sign.SignatureData s =
        new Sign.SignatureData(
            signature[64],
            Arrays.copyOfRange(signature, 0, 32),
            Arrays.copyOfRange(signature, 32, 64));
    try {
      BigInteger key = Sign.signedMessageHashToKey(digest(chainId, ledger), s);
      return "0x" + Keys.getAddress(key);
    } catch (java.security.SignatureException e) {
      throw new IllegalArgumentException("signature: not recoverable: " + e.getMessage(), e);
    }
  }

  /** The generated wrapper's struct for this receipt. */
  public ReputationLedger.Receipt toContract() {
    return new ReputationLedger.Receipt(
        taskId.clone(), ap, gateway, flopsServed, unsigned(latencyMicros), unsigned(slot));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceReceipt r
        && Arrays.equals(taskId, r.taskId)
        && ap.equalsIgnoreCase(r.ap)
        && gateway.equalsIgnoreCase(r.gateway)
        && flopsServed.equals(r.flopsServed)
        && latencyMicros == r.latencyMicros
        && slot == r.slot;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(taskId) * 31 + Long.hashCode(slot);
  }

  @Override
  public String toString() {
    return "ServiceReceipt[taskId="
        + Numeric.toHexString(taskId)
        + ", ap="
        + ap
        + ", gateway="
        + gateway
        + ", flopsServed="
        + flopsServed
        + ", latencyMicros="
        + latencyMicros
        + ", slot="
        + slot
        + "]";
  }

  private static BigInteger unsigned(long v) {
    return new BigInteger(Long.toUnsignedString(v));
  }

  private static byte[] word(BigInteger v) {
    return Numeric.toBytesPadded(v, 32);
  }

  private static byte[] address(String a) {
    return word(Numeric.toBigInt(a));
  }

  private static byte[] keccak(String s) {
    return Hash.sha3(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] keccak(byte[] b) {
    return Hash.sha3(b);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}

package io.bdt.ap.receipt;

import io.bdt.contracts.receipt.ServiceReceipt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.web3j.utils.Numeric;

/**
 * The receipts this AP holds until they are on chain: checks each one's EIP-712 signature
 * (ServiceReceipt of the contracts module), keeps one per task id, and hands out batches to submit.
 *
 * <p>Only what the ledger would accept is held: the receipt must name this AP and be signed by the
 * gateway it claims (and, if a gateway list is configured, by one of those), so a bad receipt is
 * refused at the door with a reason rather than reverting a whole batch on chain later.
 */
public final class ReceiptBook {

  /** A checked receipt with its signature. */
  public record Signed(ServiceReceipt receipt, byte[] signature, String gateway) {}

  private final String self;
  private final long chainId;
  private final String ledger;
  private final Optional<Set<String>> gateways;
  private final Map<String, Signed> pending = new LinkedHashMap<>();
  private final Map<String, Boolean> submitted = new LinkedHashMap<>();
  private long recorded;
  private long accepted;
  private double latencySum;

  /**
   * @param self this AP's address
   * @param ledger the ReputationLedger address (part of the signed digest)
   * @param gateways lower-case addresses of the gateways whose receipts are held, or empty to hold
   *     any correctly signed one (the ledger still checks registration)
   */
  public ReceiptBook(String self, long chainId, String ledger, Optional<Set<String>> gateways) {
    this.self = self;
    this.chainId = chainId;
    this.ledger = ledger;
    this.gateways = gateways;
  }

  /**
   * Checks and holds {@code m}; a task id already held or submitted is accepted again without a
   * second copy.
   *
   * @throws IllegalArgumentException naming the field and rule when the receipt cannot count
   */
  public synchronized Signed accept(ReceiptMessage m) {
    if (m.taskId() == null || m.ap() == null || m.flopsServed() == null || m.signature() == null) {
      throw new IllegalArgumentException(
          "receipt: taskId, ap, flopsServed and signature are required");
    }
    if (!m.ap().equalsIgnoreCase(self)) {
      throw new IllegalArgumentException(
          "ap: the receipt names " + m.ap() + ", this AP is " + self);
    }
    BigInteger flops;
    try {
      flops = new BigInteger(m.flopsServed());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "flopsServed: must be a decimal integer, got " + m.flopsServed());
    }
    ServiceReceipt r =
        new ServiceReceipt(hex(m.taskId(), "taskId"), m.ap(), flops, m.latencyMicros(), m.slot());
    byte[] signature = hex(m.signature(), "signature");
    String signer = r.signer(chainId, ledger, signature);
    if (m.gateway() != null && !m.gateway().equalsIgnoreCase(signer)) {
      throw new IllegalArgumentException(
          "signature: signed by " + signer + ", not by the gateway " + m.gateway());
    }
    if (gateways.isPresent() && !gateways.get().contains(signer.toLowerCase())) {
      throw new IllegalArgumentException("signature: " + signer + " is not a known gateway");
    }
    String key = Numeric.toHexString(r.taskId());
    Signed signed = new Signed(r, signature, signer);
    if (!submitted.containsKey(key) && pending.putIfAbsent(key, signed) == null) {
      accepted++;
      latencySum += m.latencyMicros();
    }
    return signed;
  }

  /** Up to {@code max} held receipts, oldest first, still held until {@link #recorded}. */
  public synchronized List<Signed> batch(int max) {
    return new ArrayList<>(pending.values()).subList(0, Math.min(max, pending.size()));
  }

  /** Marks {@code batch} as recorded on chain. */
  public synchronized void recorded(List<Signed> batch) {
    for (Signed s : batch) {
      String key = Numeric.toHexString(s.receipt().taskId());
      if (pending.remove(key) != null) {
        recorded++;
      }
      submitted.put(key, true);
    }
  }

  /** Drops {@code s} (the ledger refused it for good, e.g. already counted). */
  public synchronized void drop(Signed s) {
    String key = Numeric.toHexString(s.receipt().taskId());
    pending.remove(key);
    submitted.put(key, false);
  }

  /** Mean end-to-end latency (microseconds) the gateways signed in the receipts held so far. */
  public synchronized double meanLatencyMicros() {
    return accepted == 0 ? 0 : latencySum / accepted;
  }

  /** Receipts waiting for submission. */
  public synchronized int pendingCount() {
    return pending.size();
  }

  /** Receipts recorded on chain since start. */
  public synchronized long recordedCount() {
    return recorded;
  }

  private static byte[] hex(String s, String field) {
    try {
      return Numeric.hexStringToByteArray(s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + ": must be 0x-prefixed hex, got " + s);
    }
  }
}

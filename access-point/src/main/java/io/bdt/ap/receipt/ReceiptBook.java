package io.bdt.ap.receipt;

import io.bdt.ap.offload.ShareClaims;
import io.bdt.contracts.receipt.ServiceReceipt;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.web3j.utils.Numeric;

/**
 * The receipts this AP co-signs and holds until they are on chain: remembers each task it served
 * (for which gateway, how many FLOPs), checks each gateway receipt against that record and its
 * EIP-712 signature (ServiceReceipt of the contracts module), keeps one per task id, and hands out
 * batches to submit.
 *
 * <p>Only what the ledger would accept, and only what this AP really did, is held: the receipt must
 * name this AP and a task it served for the gateway that signed it, with the FLOPs the AP computed,
 * and the signer must be a registered gateway (on chain by default). A bad receipt is refused at
 * the door with a reason, and counted, rather than reverting a whole batch on chain later; the AP
 * co-signs only receipts that pass, so a gateway cannot mint reputation for work this AP did not
 * do.
 */
public final class ReceiptBook {

  /**
   * A receipt that disagrees with what this AP served (another AP, other FLOPs, another slot):
   * {@code reason} says which.
   */
  public static final class Mismatch extends IllegalArgumentException {
    private final ShareClaims.Reason reason;

    Mismatch(ShareClaims.Reason reason, String message) {
      super(message);
      this.reason = reason;
    }

    public ShareClaims.Reason reason() {
      return reason;
    }
  }

  /** A checked receipt with the gateway's signature. */
  public record Signed(ServiceReceipt receipt, byte[] signature, String gateway) {}

  /** Served tasks remembered for their receipts (the oldest are forgotten beyond this). */
  public static final int SERVED_KEPT = 100_000;

  private final String self;
  private final long chainId;
  private final String ledger;
  private final Predicate<String> registeredGateway;
  private final ServedTasks served;
  private final Map<String, Signed> pending = new LinkedHashMap<>();
  private final Map<String, Boolean> submitted = new LinkedHashMap<>();
  private long recorded;
  private long accepted;
  private long refused;
  private long dropped;
  private double latencySum;

  /**
   * @param self this AP's address
   * @param ledger the ReputationLedger address (part of the signed digest)
   * @param registeredGateway whether an address (lower case) is a registered gateway: the ledger's
   *     {@code isGateway} by default, or a configured list
   */
  public ReceiptBook(
      String self, long chainId, String ledger, Predicate<String> registeredGateway) {
    this(self, chainId, ledger, registeredGateway, ServedTasks.inMemory(SERVED_KEPT));
  }

  /** A book whose record of served tasks is {@code served} (file-backed in the service). */
  public ReceiptBook(
      String self,
      long chainId,
      String ledger,
      Predicate<String> registeredGateway,
      ServedTasks served) {
    this.served = served;
    this.self = self;
    this.chainId = chainId;
    this.ledger = ledger;
    this.registeredGateway = registeredGateway;
  }

  /** {@link #served(String, String, long, long)} with no slot recorded. */
  public void served(String taskId, String gateway, long flops) {
    served(taskId, gateway, flops, -1);
  }

  /**
   * Remembers that this AP served task {@code taskId} (hex) for {@code gateway} with {@code flops}
   * FLOPs in {@code slot} ({@code -1}: unknown), so the gateway's receipt for it can be co-signed.
   */
  public synchronized void served(String taskId, String gateway, long flops, long slot) {
    if (taskId == null || taskId.isEmpty() || gateway == null || gateway.isEmpty()) {
      return; // no receipt can name it
    }
    served.add(taskId.toLowerCase(), gateway, BigInteger.valueOf(flops), slot);
  }

  /**
   * Checks and holds {@code m}; a task id already held or submitted is accepted again without a
   * second copy.
   *
   * @throws IllegalArgumentException naming the field and rule when the receipt cannot count
   */
  public synchronized Signed accept(ReceiptMessage m) {
    try {
      return check(m);
    } catch (IllegalArgumentException e) {
      refused++;
      throw e;
    }
  }

  private Signed check(ReceiptMessage m) {
    if (m.taskId() == null
        || m.ap() == null
        || m.gateway() == null
        || m.flopsServed() == null
        || m.signature() == null) {
      throw new IllegalArgumentException(
          "receipt: taskId, ap, gateway, flopsServed and signature are required");
    }
    if (!m.ap().equalsIgnoreCase(self)) {
      throw new Mismatch(
          ShareClaims.Reason.RECEIPT_AP_MISMATCH,
          "ap: the receipt names " + m.ap() + ", this AP is " + self);
    }
    BigInteger flops;
    try {
      flops = new BigInteger(m.flopsServed());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "flopsServed: must be a decimal integer, got " + m.flopsServed());
    }
    byte[] taskId = hex(m.taskId(), "taskId");
    String key = Numeric.toHexString(taskId).toLowerCase();
    ServedTasks.Served task =
        served
            .get(key)
            .orElseThrow(
                () -> new IllegalArgumentException("taskId: this AP served no task " + key));
    if (!task.gateway().equalsIgnoreCase(m.gateway())) {
      throw new IllegalArgumentException(
          "gateway: task " + key + " was served for " + task.gateway() + ", not " + m.gateway());
    }
    if (!task.flops().equals(flops)) {
      throw new Mismatch(
          ShareClaims.Reason.RECEIPT_SHARE_MISMATCH,
          "flopsServed: this AP served "
              + task.flops()
              + " FLOPs for task "
              + key
              + ", the receipt says "
              + flops);
    }
    if (task.slot() >= 0 && task.slot() != m.slot()) {
      throw new Mismatch(
          ShareClaims.Reason.RECEIPT_SLOT_MISMATCH,
          "slot: this AP served task "
              + key
              + " in slot "
              + task.slot()
              + ", the receipt says "
              + m.slot());
    }
    ServiceReceipt r =
        new ServiceReceipt(taskId, m.ap(), m.gateway(), flops, m.latencyMicros(), m.slot());
    byte[] signature = hex(m.signature(), "signature");
    String signer = r.signer(chainId, ledger, signature);
    if (!m.gateway().equalsIgnoreCase(signer)) {
      throw new IllegalArgumentException(
          "signature: signed by " + signer + ", not by the gateway " + m.gateway());
    }
    if (!registeredGateway.test(signer.toLowerCase())) {
      throw new IllegalArgumentException("signature: " + signer + " is not a registered gateway");
    }
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
      String key = Numeric.toHexString(s.receipt().taskId()).toLowerCase();
      if (pending.remove(key) != null) {
        recorded++;
      }
      submitted.put(key, true);
    }
  }

  /** Drops {@code s} (the ledger refused it for good, e.g. its slot is closed); counted. */
  public synchronized void drop(Signed s) {
    String key = Numeric.toHexString(s.receipt().taskId()).toLowerCase();
    if (pending.remove(key) != null) {
      dropped++;
    }
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

  /** Receipts refused at the door since start (each with its reason to the gateway). */
  public synchronized long refusedCount() {
    return refused;
  }

  /** Held receipts the ledger refused since start. */
  public synchronized long droppedCount() {
    return dropped;
  }

  private static byte[] hex(String s, String field) {
    try {
      return Numeric.hexStringToByteArray(s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + ": must be 0x-prefixed hex, got " + s);
    }
  }
}

package io.bdt.contracts.reputation;

import java.math.BigInteger;

/**
 * The Java twin of ReputationLedger's per-AP rule: given the same receipts in the same order it
 * ends in the same state as the contract. Per slot t the contribution is {@code x = min(1, FLOPs
 * served in t / capacity)}; closing slot t sets {@code R <- (1 - omega) R + omega x}; the k empty
 * slots before the next slot with receipts multiply R by {@code (1 - omega)^k}. All values are
 * fixed point ({@link FixedPoint#ONE} = 1.0) except FLOPs and slot numbers.
 *
 * @param capacityFlopsPerSlot F_m (FLOPs per slot)
 * @param reputation R_m as of the last closed slot
 * @param started whether a receipt has opened a slot
 * @param openSlot the slot receipts currently add to
 * @param openSlotFlops FLOPs served so far in {@code openSlot}
 */
public record ApReputation(
    BigInteger capacityFlopsPerSlot,
    BigInteger reputation,
    boolean started,
    long openSlot,
    BigInteger openSlotFlops) {

  public ApReputation {
    if (capacityFlopsPerSlot.signum() <= 0) {
      throw new IllegalArgumentException("capacityFlopsPerSlot: must be > 0");
    }
    if (reputation.signum() < 0 || reputation.compareTo(FixedPoint.ONE) > 0) {
      throw new IllegalArgumentException("reputation: must be in [0, 1e18], got " + reputation);
    }
  }

  /** A newly registered AP. */
  public static ApReputation registered(BigInteger capacityFlopsPerSlot, BigInteger reputation) {
    return new ApReputation(capacityFlopsPerSlot, reputation, false, 0, BigInteger.ZERO);
  }

  /** x = min(1, flops / capacity), rounded down. */
  public static BigInteger contribution(BigInteger flops, BigInteger capacity) {
    if (flops.compareTo(capacity) >= 0) {
      return FixedPoint.ONE;
    }
    return flops.multiply(FixedPoint.ONE).divide(capacity);
  }

  /**
   * The state after a receipt of {@code flops} in {@code slot}.
   *
   * @throws IllegalArgumentException if {@code slot} is already closed (the contract reverts)
   */
  public ApReputation withReceipt(BigInteger flops, long slot, BigInteger omega) {
    if (!started) {
      return new ApReputation(capacityFlopsPerSlot, reputation, true, slot, flops);
    }
    if (Long.compareUnsigned(slot, openSlot) < 0) {
      throw new IllegalArgumentException("slot: " + slot + " is already closed");
    }
    ApReputation open = slot == openSlot ? this : closedUntil(slot, omega);
    return new ApReputation(
        capacityFlopsPerSlot, open.reputation, true, slot, open.openSlotFlops.add(flops));
  }

  /** The state after closing the open slot and the empty slots before {@code nextSlot}. */
  public ApReputation closedUntil(long nextSlot, BigInteger omega) {
    if (!started || Long.compareUnsigned(nextSlot, openSlot) <= 0) {
      throw new IllegalArgumentException("nextSlot: must be after the open slot " + openSlot);
    }
    BigInteger keep = FixedPoint.ONE.subtract(omega);
    BigInteger x = contribution(openSlotFlops, capacityFlopsPerSlot);
    BigInteger r = FixedPoint.mulDown(keep, reputation).add(FixedPoint.mulDown(omega, x));
    long empty = nextSlot - openSlot - 1;
    if (empty != 0) {
      r = FixedPoint.mulDown(r, FixedPoint.powDown(keep, empty));
    }
    return new ApReputation(capacityFlopsPerSlot, r, true, nextSlot, BigInteger.ZERO);
  }
}

package io.bdt.contracts.reputation;

import java.math.BigInteger;

/**
 * The Java twin of ReputationLedger's per-AP rule: given the same receipts in the same order and
 * the same settlements it ends in the same state as the contract. Per slot t the contribution is
 * {@code x = min(1, FLOPs served in t / capacity)}; closing slot t sets {@code R <- (1 - omega) R +
 * omega x}; the k empty slots before the next open slot multiply R by {@code (1 - omega)^k}. All
 * values are fixed point ({@link FixedPoint#ONE} = 1.0) except FLOPs and slot numbers.
 *
 * @param capacityFlopsPerSlot F_m (FLOPs per slot)
 * @param reputation R_m as of the last closed slot
 * @param openSlot the slot receipts currently add to (earlier slots are closed)
 * @param openSlotFlops FLOPs served so far in {@code openSlot}
 */
public record ApReputation(
    BigInteger capacityFlopsPerSlot,
    BigInteger reputation,
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

  /** An AP registered while {@code slot} was the ledger's current slot (that slot is open). */
  public static ApReputation registered(
      BigInteger capacityFlopsPerSlot, BigInteger reputation, long slot) {
    return new ApReputation(capacityFlopsPerSlot, reputation, slot, BigInteger.ZERO);
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
    if (Long.compareUnsigned(slot, openSlot) < 0) {
      throw new IllegalArgumentException("slot: " + slot + " is already closed");
    }
    ApReputation open = slot == openSlot ? this : closedUntil(slot, omega);
    return new ApReputation(
        capacityFlopsPerSlot, open.reputation, slot, open.openSlotFlops.add(flops));
  }

  /**
   * The state after closing the open slot and the empty slots before {@code nextSlot}; unchanged
   * when {@code nextSlot} is not after the open slot (as the contract's {@code settle}).
   */
  public ApReputation closedUntil(long nextSlot, BigInteger omega) {
    if (Long.compareUnsigned(nextSlot, openSlot) <= 0) {
      return this;
    }
    BigInteger keep = FixedPoint.ONE.subtract(omega);
    BigInteger x = contribution(openSlotFlops, capacityFlopsPerSlot);
    BigInteger r = FixedPoint.mulDown(keep, reputation).add(FixedPoint.mulDown(omega, x));
    long empty = nextSlot - openSlot - 1;
    if (empty != 0) {
      r = FixedPoint.mulDown(r, FixedPoint.powDown(keep, empty));
    }
    return new ApReputation(capacityFlopsPerSlot, r, nextSlot, BigInteger.ZERO);
  }
}

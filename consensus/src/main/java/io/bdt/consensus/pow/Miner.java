package io.bdt.consensus.pow;

import java.math.BigInteger;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.tuweni.bytes.Bytes32;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Searches PoW nonces with the configured {@link MiningShare} and measures the hash rate (hashes
 * per second of search time, duty-cycle pauses included).
 */
public final class Miner {
  /** A nonce and its digest that meet the target. */
  public record Solution(long nonce, Bytes32 digest) {}

  private final MiningShare share;
  private final AtomicLong totalHashes = new AtomicLong();
  private final AtomicLong searchNanos = new AtomicLong();

  public Miner(MiningShare share) {
    this.share = share;
  }

  /** Hashes computed since start. */
  public long totalHashes() {
    return totalHashes.get();
  }

  /**
   * Hash rate while searching (hashes per second): all hashes over all time spent in searches,
   * duty-cycle pauses included, idle time between blocks excluded.
   */
  public double hashRate() {
    long nanos = searchNanos.get();
    return nanos == 0 ? 0 : totalHashes.get() / (nanos / 1e9);
  }

  /** The configured compute share. */
  public MiningShare share() {
    return share;
  }

  /**
   * Searches nonces from {@code startNonce} until one meets {@code difficulty} or {@code stop}
   * answers true (checked every few thousand hashes).
   */
  public Optional<Solution> solve(
      Bytes32 powHash, BigInteger difficulty, long startNonce, BooleanSupplier stop) {
    BigInteger target = ProofOfWork.target(difficulty);
    AtomicReference<Solution> found = new AtomicReference<>();
    int n = share.threads();
    Thread[] workers = new Thread[n];
    long begin = System.nanoTime();
    for (int t = 0; t < n; t++) {
      long first = startNonce + t;
      workers[t] =
          Thread.ofPlatform()
              .name("pow-" + t)
              .daemon()
              .start(() -> search(powHash, target, first, n, found, stop));
    }
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        // the workers stop by themselves once stop() answers true; keep the interrupt for the
        // caller
        Thread.currentThread().interrupt();
        break;
      }
    }
    searchNanos.addAndGet(System.nanoTime() - begin);
    return Optional.ofNullable(found.get());
  }

  private void search(
      Bytes32 powHash,
      BigInteger target,
      long first,
      int stride,
      AtomicReference<Solution> found,
      BooleanSupplier stop) {
    KeccakDigest k = new KeccakDigest(256);
    byte[] input = ProofOfWork.input(powHash);
    byte[] out = new byte[32];
    long nonce = first;
    long busyNanos = share.periodMillis() * 1_000_000L;
    long workNanos = (long) (busyNanos * share.dutyCycle());
    long sleepMillis = share.periodMillis() - workNanos / 1_000_000L;
    while (true) {
      long sliceEnd = System.nanoTime() + workNanos;
      int done = 0;
      while (System.nanoTime() < sliceEnd) {
        for (int i = 0; i < 1024; i++) {
          ProofOfWork.putNonce(input, nonce);
          k.update(input, 0, 40);
          k.doFinal(out, 0);
          done++;
          if (new BigInteger(1, out).compareTo(target) <= 0) {
            totalHashes.addAndGet(done);
            found.compareAndSet(null, new Solution(nonce, Bytes32.wrap(out.clone())));
            return;
          }
          nonce += stride;
        }
        if (found.get() != null || stop.getAsBoolean()) {
          totalHashes.addAndGet(done);
          return;
        }
      }
      totalHashes.addAndGet(done);
      if (share.dutyCycle() < 1 && sleepMillis > 0) {
        try {
          Thread.sleep(sleepMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}

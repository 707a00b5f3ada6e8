package io.bdt.consensus.pow;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.tuweni.bytes.Bytes32;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Searches PoW nonces with a {@link MiningShare} that may change while it searches, and measures
 * the hash rate (hashes per second of search time, duty-cycle pauses included).
 *
 * <p>{@link #setShare} takes effect live: the thread count is reconciled within {@link
 * #RECONCILE_MILLIS} (extra workers stop after their current chunk of {@link #CHUNK} nonces, new
 * ones start), and each worker reads the duty cycle and period at the start of its next duty
 * period. Workers take nonces in chunks from one counter, so any number of them never hash the same
 * nonce twice.
 */
public final class Miner {
  /** A nonce and its digest that meet the target. */
  public record Solution(long nonce, Bytes32 digest) {}

  /** Most threads a share may ask for. */
  public static final int MAX_THREADS = 256;

  /** Nonces a worker takes at once (and hashes between checks of stop, result and share). */
  static final int CHUNK = 1024;

  /** How often a search reconciles its workers with the share and samples the hash rate (ms). */
  static final long RECONCILE_MILLIS = 20;

  /** The search time {@link #hashRate()} averages over, nanoseconds. */
  static final long RATE_WINDOW_NANOS = 2_000_000_000L;

  private final AtomicReference<MiningShare> share = new AtomicReference<>();
  private final AtomicLong totalHashes = new AtomicLong();
  private final AtomicLong searchNanos = new AtomicLong();
  private final AtomicInteger activeThreads = new AtomicInteger();
  private final AtomicLong shareChanges = new AtomicLong();
  private final Object signal = new Object();

  /** (search nanos, total hashes) samples, oldest first, spanning about one rate window. */
  private final List<long[]> samples = new ArrayList<>();

  public Miner(MiningShare share) {
    this.share.set(checked(share));
  }

  /** Hashes computed since start. */
  public long totalHashes() {
    return totalHashes.get();
  }

  /**
   * Hash rate while searching (hashes per second) over about the last {@link #RATE_WINDOW_NANOS} of
   * search time: duty-cycle pauses included, idle time between blocks excluded. Follows a {@link
   * #setShare} within that window.
   */
  public double hashRate() {
    synchronized (samples) {
      if (samples.size() >= 2) {
        long[] first = samples.getFirst();
        long[] last = samples.getLast();
        long nanos = last[0] - first[0];
        if (nanos > 0) {
          return (last[1] - first[1]) / (nanos / 1e9);
        }
      }
    }
    long nanos = searchNanos.get();
    return nanos == 0 ? 0 : totalHashes.get() / (nanos / 1e9);
  }

  /** The compute share in force. */
  public MiningShare share() {
    return share.get();
  }

  /**
   * Sets the compute share while mining (thread-safe): the thread count follows within {@link
   * #RECONCILE_MILLIS}, the duty cycle and period from each worker's next duty period.
   *
   * @return the share it replaced
   * @throws IllegalArgumentException if {@code next} is null or asks for more than {@link
   *     #MAX_THREADS} threads (its own constructor checks the rest)
   */
  public MiningShare setShare(MiningShare next) {
    MiningShare previous = share.getAndSet(checked(next));
    if (!previous.equals(next)) {
      shareChanges.incrementAndGet();
    }
    synchronized (signal) {
      signal.notifyAll();
    }
    return previous;
  }

  /** Times {@link #setShare} changed the share since start. */
  public long shareChanges() {
    return shareChanges.get();
  }

  /** Mining threads hashing now (0 between searches). */
  public int activeThreads() {
    return activeThreads.get();
  }

  private static MiningShare checked(MiningShare s) {
    if (s == null) {
      throw new IllegalArgumentException("miningShare: must not be null");
    }
    if (s.threads() > MAX_THREADS) {
      throw new IllegalArgumentException(
          "miningShare.threads must be <= " + MAX_THREADS + ", got " + s.threads());
    }
    return s;
  }

  /**
   * Searches nonces from {@code startNonce} until one meets {@code difficulty} or {@code stop}
   * answers true (checked every {@link #CHUNK} hashes per worker).
   */
  public Optional<Solution> solve(
      Bytes32 powHash, BigInteger difficulty, long startNonce, BooleanSupplier stop) {
    Search search = new Search(powHash, ProofOfWork.target(difficulty), startNonce, stop);
    List<Thread> workers = new ArrayList<>();
    long begin = System.nanoTime();
    long searchedBefore = searchNanos.get();
    sample(searchedBefore);
    try {
      synchronized (signal) {
        while (!search.over()) {
          int want = share.get().threads();
          for (int t = 0; t < want; t++) {
            if (t == workers.size()) {
              workers.add(null);
            }
            Thread w = workers.get(t);
            if (w == null || !w.isAlive()) {
              int index = t;
              workers.set(
                  t,
                  Thread.ofPlatform().name("pow-" + t).daemon().start(() -> work(search, index)));
            }
          }
          sample(searchedBefore + System.nanoTime() - begin);
          signal.wait(RECONCILE_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      // keep the interrupt for the caller; the workers stop once told the search is over
      Thread.currentThread().interrupt();
    } finally {
      search.cancelled = true;
      for (Thread w : workers) {
        if (w != null) {
          w.interrupt(); // cuts a duty-cycle pause short
        }
      }
      for (Thread w : workers) {
        joinQuietly(w);
      }
      long spent = System.nanoTime() - begin;
      searchNanos.addAndGet(spent);
      sample(searchedBefore + spent);
    }
    return Optional.ofNullable(search.found.get());
  }

  private static void joinQuietly(Thread w) {
    if (w == null) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        w.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void sample(long searchedNanos) {
    synchronized (samples) {
      samples.addLast(new long[] {searchedNanos, totalHashes.get()});
      while (samples.size() > 2 && searchedNanos - samples.get(1)[0] >= RATE_WINDOW_NANOS) {
        samples.removeFirst();
      }
    }
  }

  /** One call of {@link #solve}: its puzzle, nonce counter and result. */
  private static final class Search {
    final Bytes32 powHash;
    final BigInteger target;
    final AtomicLong nextNonce;
    final BooleanSupplier stop;
    final AtomicReference<Solution> found = new AtomicReference<>();
    volatile boolean cancelled;

    Search(Bytes32 powHash, BigInteger target, long startNonce, BooleanSupplier stop) {
      this.powHash = powHash;
      this.target = target;
      this.nextNonce = new AtomicLong(startNonce);
      this.stop = stop;
    }

    boolean over() {
      return cancelled || found.get() != null || stop.getAsBoolean();
    }
  }

  /** Worker {@code index}: hashes chunks while the share has more than {@code index} threads. */
  private void work(Search search, int index) {
    activeThreads.incrementAndGet();
    try {
      KeccakDigest k = new KeccakDigest(256);
      byte[] input = ProofOfWork.input(search.powHash);
      byte[] out = new byte[32];
      while (true) {
        MiningShare s = share.get();
        if (index >= s.threads()) {
          return;
        }
        long periodNanos = s.periodMillis() * 1_000_000L;
        long workNanos = (long) (periodNanos * s.dutyCycle());
        long periodStart = System.nanoTime();
        long sliceEnd = periodStart + workNanos;
        do {
          if (search.over() || index >= share.get().threads()) {
            return;
          }
          long nonce = search.nextNonce.getAndAdd(CHUNK);
          for (int i = 0; i < CHUNK; i++, nonce++) {
            ProofOfWork.putNonce(input, nonce);
            k.update(input, 0, 40);
            k.doFinal(out, 0);
            if (new BigInteger(1, out).compareTo(search.target) <= 0) {
              totalHashes.addAndGet(i + 1);
              search.found.compareAndSet(null, new Solution(nonce, Bytes32.wrap(out.clone())));
              synchronized (signal) {
                signal.notifyAll();
              }
              return;
            }
          }
          totalHashes.addAndGet(CHUNK);
        } while (System.nanoTime() < sliceEnd);
        long pauseNanos = periodStart + periodNanos - System.nanoTime();
        if (s.dutyCycle() < 1 && pauseNanos > 0) {
          try {
            Thread.sleep(pauseNanos / 1_000_000L, (int) (pauseNanos % 1_000_000L));
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    } finally {
      activeThreads.decrementAndGet();
    }
  }
}

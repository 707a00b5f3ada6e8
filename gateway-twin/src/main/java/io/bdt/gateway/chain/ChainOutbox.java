package io.bdt.gateway.chain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.web3j.protocol.exceptions.TransactionException;

/**
 * The gateway's chain writes, in order, on one thread: each write is attempted after its local
 * record is already on disk; a write that fails stays at the head of the queue and is retried every
 * {@code retrySeconds} (forever while the node is unreachable, up to 5 times for other errors); a
 * write the chain reverted is dropped. Every failure is logged and counted in {@code
 * bdt_chain_errors_total{op, kind}}.
 */
public final class ChainOutbox implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ChainOutbox.class);

  /** One chain write; {@code op} (metric tag) and {@code subject} name it in logs. */
  public record Write(String op, String subject, Call call) {}

  /** The transaction(s) of one write. */
  @FunctionalInterface
  public interface Call {
    void send() throws Exception;
  }

  /** A write that fails this often for another reason than an unreachable node is dropped. */
  private static final int MAX_FAILED_ATTEMPTS = 5;

  private final BlockingDeque<Write> queue = new LinkedBlockingDeque<>();
  private final MeterRegistry registry;
  private final long retryMillis;
  private final Thread worker;
  private volatile boolean closed;

  /** Starts the writer thread; failed writes are retried every {@code retrySeconds}. */
  public ChainOutbox(MeterRegistry registry, double retrySeconds) {
    if (!(retrySeconds > 0)) {
      throw new IllegalArgumentException("retrySeconds must be > 0, got " + retrySeconds);
    }
    this.registry = registry;
    this.retryMillis = Math.round(retrySeconds * 1000);
    this.worker = new Thread(this::run, "chain-outbox");
    worker.setDaemon(true);
    worker.start();
  }

  /** Queues {@code write} behind every earlier one. */
  public void submit(Write write) {
    queue.addLast(write);
  }

  /** Writes not yet accepted by the chain. */
  public int pending() {
    return queue.size();
  }

  private void run() {
    int attempts = 0;
    while (!closed) {
      Write w;
      try {
        w = queue.takeFirst();
      } catch (InterruptedException e) {
        return;
      }
      // back at the head until the chain took it, so pending() counts the write in flight
      queue.addFirst(w);
      try {
        w.call().send();
        queue.pollFirst();
        attempts = 0;
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        boolean unreachable = isUnreachable(e);
        boolean rejected =
            (e instanceof TransactionException t && t.getTransactionReceipt().isPresent())
                || (!unreachable && ++attempts >= MAX_FAILED_ATTEMPTS);
        count(w, unreachable ? "unreachable" : rejected ? "rejected" : "failed");
        if (rejected) {
          queue.pollFirst();
          attempts = 0;
          LOG.warnf("chain %s of %s rejected, dropped: %s", w.op(), w.subject(), e.toString());
          continue;
        }
        LOG.warnf(
            "chain %s of %s failed (%s), retrying in %d ms",
            w.op(), w.subject(), e.toString(), retryMillis);
        try {
          TimeUnit.MILLISECONDS.sleep(retryMillis);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Whether {@code e} says the node could not be reached (retried forever, not dropped). */
  private static boolean isUnreachable(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof java.io.IOException) {
        return true;
      }
    }
    return false;
  }

  private void count(Write w, String kind) {
    Counter.builder("bdt.chain.errors")
        .description("chain writes that failed (retried when unreachable, dropped when rejected)")
        .tag("op", w.op())
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
  }
}

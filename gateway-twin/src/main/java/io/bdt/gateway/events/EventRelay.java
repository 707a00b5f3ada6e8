package io.bdt.gateway.events;

import io.cloudevents.kafka.KafkaMessageFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.jboss.logging.Logger;

/**
 * Delivers the {@link EventOutbox}'s events to Kafka on its own thread, at least once and in the
 * outbox's order: it reads a batch from the delivered position, sends each event as a
 * structured-mode CloudEvent through the CloudEvents Kafka binding ({@link KafkaMessageFactory},
 * key = thing id, so one thing's events share a partition), waits for every acknowledgement, and
 * only then moves the delivered position past the batch. While Kafka is unreachable the producer
 * retries what it holds until Kafka is back (no delivery timeout, see {@link KafkaProducers}); the
 * wait is logged after {@code stallWarning}. When a send fails (the producer could not get metadata
 * in time, or Kafka answered with an error), the producer is closed at once, from its own callback,
 * so it sends nothing after the failed record; the relay starts again from the delivered position
 * with a new producer, after a pause that doubles from {@code minBackoff} up to {@code maxBackoff}.
 * So Kafka may see an event twice (consumers drop duplicates by event id), a thing's events never
 * out of order, none lost. An event Kafka refuses for good (too large, invalid topic) is logged,
 * counted as {@link #rejected()} and passed over, so it cannot hold up the others.
 */
public final class EventRelay implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EventRelay.class);

  /**
   * @param batchEvents events sent before waiting for their acknowledgements
   * @param minBackoff pause after the first failed send
   * @param maxBackoff longest pause between attempts
   * @param stallWarning how long a batch may wait for acknowledgements before a warning
   */
  public record Options(
      int batchEvents, Duration minBackoff, Duration maxBackoff, Duration stallWarning) {
    /** 1000 events a batch, 250 ms doubling to 5 s, a warning after 15 s without acks. */
    public static Options defaults() {
      return new Options(
          1000, Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(15));
    }
  }

  private final EventOutbox outbox;
  private final Supplier<Producer<String, byte[]>> producers;
  private final Options options;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopped;
  private Producer<String, byte[]> producer;
  private long failingSince = -1;

  /** A relay from {@code outbox} through producers made by {@code producers} (one at a time). */
  public EventRelay(
      EventOutbox outbox, Supplier<Producer<String, byte[]>> producers, Options options) {
    this.outbox = outbox;
    this.producers = producers;
    this.options = options;
    this.thread = Thread.ofPlatform().daemon().name("kafka-event-relay").unstarted(this::run);
  }

  /** Starts delivering. */
  public void start() {
    thread.start();
  }

  /** Events Kafka acknowledged. */
  public long sent() {
    return sent.get();
  }

  /** Events whose send failed, per attempt (each is sent again). */
  public long failed() {
    return failed.get();
  }

  /** Events Kafka refused for good (too large, invalid topic), passed over. */
  public long rejected() {
    return rejected.get();
  }

  private void run() {
    long backoff = options.minBackoff().toNanos();
    while (!stopped) {
      long from = outbox.delivered();
      EventOutbox.Batch batch;
      try {
        batch = outbox.read(from, options.batchEvents());
      } catch (IOException e) {
        LOG.errorf(e, "reading the event outbox failed; retrying");
        pause(options.maxBackoff().toNanos());
        continue;
      }
      if (batch.events().isEmpty()) {
        if (batch.next() != from) {
          outbox.markDelivered(batch.next(), 0); // a segment's end, or damage skipped
        } else {
          outbox.awaitAppend(from, Duration.ofMillis(200));
        }
        continue;
      }
      try {
        send(batch.events());
        outbox.markDelivered(batch.next(), batch.events().size());
        backoff = options.minBackoff().toNanos();
        if (failingSince >= 0) {
          LOG.infof(
              "Kafka takes events again after %.1f s of failed sends; %d events wait in the outbox",
              (System.nanoTime() - failingSince) / 1e9, outbox.stats().backlog());
          failingSince = -1;
        }
      } catch (RuntimeException | ExecutionException | InterruptedException e) {
        if (stopped) {
          break;
        }
        failed.addAndGet(batch.events().size());
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (failingSince < 0) {
          failingSince = System.nanoTime();
          LOG.warnf(
              "sending events to Kafka failed (%s: %s); they stay in the outbox (%d waiting) and"
                  + " are sent again from the last acknowledged one",
              cause.getClass().getSimpleName(), cause.getMessage(), outbox.stats().backlog());
        } else {
          LOG.debugf("sending events to Kafka failed again: %s", cause.getMessage());
        }
        closeProducer();
        pause(backoff);
        backoff = Math.min(backoff * 2, options.maxBackoff().toNanos());
      }
    }
    closeProducer();
  }

  /** Sends {@code events} and waits for all; throws if any failed and may succeed later. */
  private void send(List<EventOutbox.Event> events)
      throws ExecutionException, InterruptedException {
    if (producer == null) {
      producer = producers.get();
    }
    Producer<String, byte[]> p = producer;
    List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
    boolean[] refused = new boolean[events.size()];
    for (int i = 0; i < events.size(); i++) {
      EventOutbox.Event e = events.get(i);
      ProducerRecord<String, byte[]> record =
          KafkaMessageFactory.createWriter(e.topic(), e.key())
              .setEvent(CloudEvents.FORMAT, e.value());
      try {
        acks.add(p.send(record, (metadata, error) -> stopAfterFailure(p, error)));
      } catch (RecordTooLargeException tooLarge) {
        refused[i] = true;
        acks.add(null);
        reject(e, tooLarge);
      } catch (RuntimeException failed) {
        p.close(Duration.ZERO); // nothing after this record may reach Kafka from this producer
        throw failed;
      }
    }
    waitFor(acks);
    int good = 0;
    ExecutionException retry = null;
    for (int i = 0; i < acks.size(); i++) {
      if (refused[i]) {
        continue;
      }
      try {
        acks.get(i).get();
        good++;
      } catch (ExecutionException e) {
        if (permanent(e.getCause())) {
          reject(events.get(i), e.getCause());
        } else if (retry == null) {
          retry = e;
        }
      }
    }
    if (retry != null) {
      throw retry;
    }
    sent.addAndGet(good);
  }

  /**
   * Closes {@code p} from its callback on a failed record: an idempotent producer that went on
   * after it could write a thing's later events before the failed one is sent again.
   */
  private static void stopAfterFailure(Producer<String, byte[]> p, Exception error) {
    if (error != null && !permanent(error)) {
      p.close(Duration.ZERO);
    }
  }

  private static boolean permanent(Throwable error) {
    return error instanceof RecordTooLargeException
        || error instanceof RecordBatchTooLargeException
        || error instanceof InvalidTopicException;
  }

  private void reject(EventOutbox.Event e, Throwable why) {
    rejected.incrementAndGet();
    LOG.errorf(
        "Kafka refused an event for %s on %s for good (%s); it is passed over",
        e.key(), e.topic(), why.getMessage());
  }

  /** Waits until every send completed, warning once when Kafka takes longer than it should. */
  private void waitFor(List<Future<RecordMetadata>> acks) throws InterruptedException {
    long start = System.nanoTime();
    boolean warned = false;
    for (Future<RecordMetadata> f : acks) {
      while (f != null && !f.isDone()) {
        if (stopped) {
          throw new IllegalStateException("the relay is stopping");
        }
        if (!warned && System.nanoTime() - start > options.stallWarning().toNanos()) {
          warned = true;
          LOG.warnf(
              "Kafka has acknowledged nothing for %d s; the producer retries until it does (%d"
                  + " events wait in the outbox)",
              options.stallWarning().toSeconds(), outbox.stats().backlog());
        }
        try {
          f.get(200, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // checked by the caller / not yet
        }
      }
    }
    if (warned) {
      LOG.infof("Kafka acknowledged again after %.1f s", (System.nanoTime() - start) / 1e9);
    }
  }

  private void closeProducer() {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debugf("closing the Kafka producer: %s", e.getMessage());
      }
      producer = null;
    }
  }

  private void pause(long nanos) {
    long until = System.nanoTime() + nanos;
    while (!stopped && System.nanoTime() < until) {
      LockSupport.parkNanos(this, until - System.nanoTime());
    }
  }

  /** Stops the thread and closes its producer; unacknowledged events stay in the outbox. */
  @Override
  public void close() {
    stopped = true;
    LockSupport.unpark(thread);
    try {
      thread.join(KafkaProducers.MAX_BLOCK_MS + 5_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.bdt.gateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.inference.TaskResult;
import io.bdt.gateway.twin.TwinEvent;
import io.bdt.gateway.twin.TwinRules;
import io.bdt.gateway.twin.TwinUpdate;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay from the outbox to a real Kafka 4 broker (KRaft, in-process) read back by a real
 * consumer: structured CloudEvents keyed by thing id, a 60 s Kafka outage while events keep coming,
 * and a gateway restart with undelivered events. An outage is Kafka unreachable for the gateway:
 * every connection to it closed and new ones refused ({@link TestKafka#cut()}).
 */
class EventRelayTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "bdt.inference-results";

  @TempDir Path tmp;

  private EventRelay relay(EventOutbox outbox, TestKafka kafka) {
    String servers = kafka.bootstrap();
    EventRelay relay =
        new EventRelay(
            outbox, () -> KafkaProducers.create(servers, "test"), EventRelay.Options.defaults());
    relay.start();
    return relay;
  }

  /** Thing {@code thing}'s result of slot {@code slot}: its id is unique per thing and slot. */
  private static EventOutbox.Event result(int thing, long slot) {
    String thingId = "bdt:t" + thing;
    TaskResult r =
        new TaskResult(
            String.format("%s-%08d", thingId, slot),
            thingId,
            slot,
            1,
            "normal",
            new double[] {1, 0, 0, 0},
            0.01,
            0.02);
    return CloudEvents.toOutbox(TOPIC, CloudEvents.result("gw1", r, Instant.now()));
  }

  private static void await(String what, Duration max, BooleanSupplier done)
      throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(100);
    }
  }

  /** The slots each thing's events arrived with, in partition order. */
  private static Map<String, List<Long>> slotsByThing(List<ConsumerRecord<String, byte[]>> records)
      throws Exception {
    Map<String, List<Long>> out = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      CloudEvent event = KafkaMessageFactory.createReader(r).toEvent();
      JsonNode data = JSON.readTree(event.getData().toBytes());
      assertThat(r.key()).isEqualTo(event.getSubject()).isEqualTo(data.get("thingId").asText());
      out.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(data.get("slot").asLong());
    }
    return out;
  }

  /**
   * Checks that every thing got every slot below {@code perThing} in order (a repeat of an earlier
   * slot is a duplicate, allowed by at-least-once); returns the number of duplicates.
   */
  private static long assertAllInOrder(Map<String, List<Long>> slots, int things, long perThing) {
    assertThat(slots).hasSize(things);
    long duplicates = 0;
    for (Map.Entry<String, List<Long>> e : slots.entrySet()) {
      List<Long> firsts = new ArrayList<>();
      long next = 0;
      for (long slot : e.getValue()) {
        if (slot < next) {
          duplicates++; // sent again after a rewind
        } else {
          firsts.add(slot);
          next = slot + 1;
        }
      }
      List<Long> expected = new ArrayList<>();
      for (long s = 0; s < perThing; s++) {
        expected.add(s);
      }
      assertThat(firsts).as("%s's slots, first arrivals", e.getKey()).isEqualTo(expected);
    }
    return duplicates;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twinEventsArriveAsStructuredCloudEventsKeyedByThingId() throws Exception {
    var created =
        TwinRules.apply(
            null,
            "bdt:pump-1",
            new TwinUpdate.Replace(JSON.readTree("{\"attributes\":{\"line\":2}}")),
            Instant.parse("2026-11-24T10:00:00Z"));
    try (TestKafka kafka = new TestKafka(tmp.resolve("kafka"));
        EventOutbox outbox =
            EventOutbox.open(tmp.resolve("outbox"), EventOutbox.Options.of(1 << 20));
        EventRelay relay = relay(outbox, kafka)) {
      outbox.append(
          CloudEvents.toOutbox(
              "bdt.twin-events", CloudEvents.twinEvent("gw1", new TwinEvent.Created(created))));
      List<ConsumerRecord<String, byte[]>> records =
          kafka.readAll("bdt.twin-events", 1, Duration.ofSeconds(60));
      assertThat(records).hasSize(1);
      ConsumerRecord<String, byte[]> record = records.get(0);
      assertThat(record.key()).isEqualTo("bdt:pump-1");
      assertThat(
              new String(
                  record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
          .isEqualTo("application/cloudevents+json");
      JsonNode event = JSON.readTree(record.value());
      assertThat(event.get("specversion").asText()).isEqualTo("1.0");
      assertThat(event.get("type").asText()).isEqualTo("io.bdt.twin.created");
      assertThat(event.get("source").asText()).isEqualTo("/bdt/gateways/gw1");
      assertThat(event.get("subject").asText()).isEqualTo("bdt:pump-1");
      assertThat(event.get("id").asText())
          .isEqualTo(
              java.util
                  .UUID
                  .nameUUIDFromBytes("io.bdt.twin.created/bdt:pump-1@1".getBytes())
                  .toString());
      assertThat(Instant.parse(event.get("time").asText()))
          .isEqualTo(Instant.parse("2026-11-24T10:00:00Z"));
      assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
      assertThat(event.at("/data/twin/attributes/line").asInt()).isEqualTo(2);
      await("the delivered position on disk", Duration.ofSeconds(10), () -> delivered(outbox));
      assertThat(relay.sent()).isEqualTo(1);
    }
  }

  private static boolean delivered(EventOutbox outbox) {
    return outbox.stats().backlog() == 0 && Files.exists(outbox.directory().resolve("delivered"));
  }

  @Test
  void theProducerIsIdempotentWithAcksAllAndWaitsBounded() {
    Map<String, Object> s = KafkaProducers.settings("127.0.0.1:1", "test");
    assertThat(s)
        .containsEntry("enable.idempotence", true)
        .containsEntry("acks", "all")
        .containsEntry("max.in.flight.requests.per.connection", 5)
        .containsEntry("max.block.ms", KafkaProducers.MAX_BLOCK_MS);
    assertThat(KafkaProducers.MAX_BLOCK_MS).isLessThan(60_000);
  }

  /**
   * Kafka is unreachable for 60 s while 5 things keep sending (one event each every 50 ms): appends
   * go on while it is down, and once it is back every event arrives, none lost, each thing's in
   * order.
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void kafkaDownForSixtySecondsLosesNoEventAndKeepsEachThingsOrder() throws Exception {
    int things = 5;
    AtomicLong slots = new AtomicLong();
    AtomicBoolean producing = new AtomicBoolean(true);
    try (TestKafka kafka = new TestKafka(tmp.resolve("kafka"));
        EventOutbox outbox =
            EventOutbox.open(tmp.resolve("outbox"), EventOutbox.Options.of(64 << 20));
        EventRelay relay = relay(outbox, kafka)) {
      Thread ingest =
          Thread.ofPlatform()
              .name("test-ingest")
              .start(
                  () -> {
                    while (producing.get()) {
                      long slot = slots.get();
                      for (int t = 0; t < things; t++) {
                        assertThat(outbox.append(result(t, slot))).isTrue();
                      }
                      slots.incrementAndGet();
                      try {
                        Thread.sleep(50);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
      await("events reaching Kafka", Duration.ofSeconds(60), () -> relay.sent() >= 50);
      kafka.cut();
      long slotsAtOutage = slots.get();
      long sentAtOutage = relay.sent();
      Thread.sleep(60_000);
      long slotsDuringOutage = slots.get() - slotsAtOutage;
      kafka.heal();
      long recovered = System.nanoTime();
      long appendedAtHeal = things * slots.get();
      await(
          "the events appended before Kafka came back delivered",
          Duration.ofSeconds(120),
          () -> relay.sent() >= appendedAtHeal);
      double drainSeconds = (System.nanoTime() - recovered) / 1e9;
      Thread.sleep(2_000); // and a little more while it keeps up again
      producing.set(false);
      ingest.join();
      long perThing = slots.get();
      await("the outbox drained", Duration.ofSeconds(120), () -> outbox.stats().backlog() == 0);
      List<ConsumerRecord<String, byte[]>> records =
          kafka.readAll(TOPIC, (int) (things * perThing), Duration.ofSeconds(60));
      long duplicates = assertAllInOrder(slotsByThing(records), things, perThing);
      System.out.printf(
          "kafka unreachable 60 s: %d events appended (%d during the outage), %d records read, %d"
              + " duplicates, %d failed sends, the events appended until Kafka came back delivered %.1f s after%n",
          things * perThing,
          things * slotsDuringOutage,
          records.size(),
          duplicates,
          relay.failed(),
          drainSeconds);
      assertThat(slotsDuringOutage).as("ingest went on while Kafka was down").isGreaterThan(100);
      assertThat(relay.sent()).isGreaterThan(sentAtOutage);
      assertThat(outbox.stats().lost()).isZero();
      assertThat(outbox.stats().dropped()).isZero();
      assertThat(records).hasSize((int) (things * perThing + duplicates));
    }
  }

  /**
   * A gateway stops with events Kafka has not acknowledged (Kafka unreachable); a new one opened on
   * the same data directory while Kafka is still away fails its first sends (no metadata), rewinds
   * and retries, and once Kafka is back delivers exactly those, after the ones delivered before.
   */
  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void undeliveredEventsAreDeliveredAfterTheGatewayReopensItsDataDirectory() throws Exception {
    Path dir = tmp.resolve("data").resolve(KafkaEvents.OUTBOX_DIR);
    int things = 3;
    try (TestKafka kafka = new TestKafka(tmp.resolve("kafka"))) {
      try (EventOutbox outbox = EventOutbox.open(dir, EventOutbox.Options.of(64 << 20));
          EventRelay relay = relay(outbox, kafka)) {
        for (long slot = 0; slot < 20; slot++) {
          for (int t = 0; t < things; t++) {
            outbox.append(result(t, slot));
          }
        }
        await("the first 60 events delivered", Duration.ofSeconds(60), () -> delivered(outbox));
        kafka.cut();
        for (long slot = 20; slot < 50; slot++) {
          for (int t = 0; t < things; t++) {
            outbox.append(result(t, slot));
          }
        }
        assertThat(outbox.stats().backlog()).isEqualTo(90);
      }
      try (EventOutbox reopened = EventOutbox.open(dir, EventOutbox.Options.of(64 << 20))) {
        assertThat(reopened.stats().backlog()).isEqualTo(90);
        try (EventRelay relay = relay(reopened, kafka)) {
          await(
              "a failed send while Kafka is away",
              Duration.ofSeconds(60),
              () -> relay.failed() > 0);
          assertThat(reopened.stats().backlog()).isEqualTo(90);
          kafka.heal();
          await("the 90 kept events delivered", Duration.ofSeconds(90), () -> delivered(reopened));
          assertThat(relay.sent()).isEqualTo(90);
        }
      }
      List<ConsumerRecord<String, byte[]>> records =
          kafka.readAll(TOPIC, things * 50, Duration.ofSeconds(60));
      long duplicates = assertAllInOrder(slotsByThing(records), things, 50);
      assertThat(duplicates).isZero();
      assertThat(records).hasSize(things * 50);
    }
  }
}

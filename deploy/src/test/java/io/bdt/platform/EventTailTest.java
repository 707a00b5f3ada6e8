package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The platform's embedded Kafka and the event readers on it, with real records. */
@Timeout(180)
class EventTailTest {
  static KafkaBroker kafka;
  static KafkaProducer<String, String> producer;

  @BeforeAll
  static void start() {
    kafka = new KafkaBroker();
    Properties p = new Properties();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  static void send(String topic, String value) throws Exception {
    producer.send(new ProducerRecord<>(topic, "k", value)).get(60, TimeUnit.SECONDS);
  }

  static String event(String type, String subject) {
    return "{\"specversion\":\"1.0\",\"type\":\"" + type + "\",\"subject\":\"" + subject + "\"}";
  }

  @Test
  void storedEventsOfTheSelectedTypesAreReadAndRecordsThatAreNotEventsSkipped() throws Exception {
    send("bdt.twin-events", event("io.bdt.twin.modified", "stored-1"));
    send("bdt.inference-results", event("io.bdt.inference.result", "stored-2"));
    send("bdt.twin-events", "not json at all");
    send("other.topic", event("io.bdt.twin.modified", "elsewhere"));
    List<JsonNode> got = new CopyOnWriteArrayList<>();
    try (EventTail tail = new EventTail(kafka.bootstrapServers(), List.of("io.bdt.twin"))) {
      tail.stored(got::add, () -> false);
      assertThat(got).extracting(e -> e.path("subject").asText()).contains("stored-1");
      assertThat(got)
          .extracting(e -> e.path("subject").asText())
          .doesNotContain("stored-2", "elsewhere");
      assertThat(tail.malformed()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void followReceivesEventsPublishedAfterItStartedIncludingOnNewTopics() throws Exception {
    List<JsonNode> got = new CopyOnWriteArrayList<>();
    try (EventCounter counter = new EventCounter(kafka.bootstrapServers());
        EventTail tail = new EventTail(kafka.bootstrapServers(), List.of())) {
      Thread follower =
          Thread.ofPlatform()
              .start(
                  () -> tail.follow(got::add, () -> got.stream().anyMatch(EventTailTest::isLast)));
      // keep publishing until the follower (and the counter) saw events: no fixed sleep
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      int n = 0;
      while ((got.stream().noneMatch(e -> e.path("subject").asText().startsWith("live-"))
              || counter.count() == 0)
          && System.nanoTime() < end) {
        send(
            n % 2 == 0 ? "bdt.twin-events" : "bdt.fresh-topic",
            event("io.bdt.twin.modified", "live-" + n++));
        Thread.sleep(200);
      }
      send("bdt.twin-events", event("io.bdt.test.last", "last"));
      follower.join(60_000);
      assertThat(follower.isAlive()).isFalse();
      assertThat(got).extracting(e -> e.path("subject").asText()).doesNotContain("stored-1");
      assertThat(counter.count()).isPositive();
    }
  }

  static boolean isLast(JsonNode e) {
    return e.path("type").asText().equals("io.bdt.test.last");
  }

  @Test
  void eventsCommandPrintsOneJsonLinePerSelectedEventAndStopsAtTheLimit(@TempDir Path data)
      throws Exception {
    send("bdt.inference-results", event("io.bdt.inference.result", "cmd-1"));
    send("bdt.inference-results", event("io.bdt.inference.result", "cmd-2"));
    Files.writeString(data.resolve(EventsCommand.BOOTSTRAP_FILE), kafka.bootstrapServers() + "\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventsCommand cmd = new EventsCommand();
    cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    int exit =
        new picocli.CommandLine(cmd)
            .execute(
                "--data", data.toString(), "--type", "io.bdt.inference.result", "--limit", "2");
    assertThat(exit).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines).allMatch(l -> l.contains("\"type\":\"io.bdt.inference.result\""));
  }

  @Test
  void eventsCommandWithoutARunningPlatformSaysWhereItLooked(@TempDir Path data) {
    int exit = new picocli.CommandLine(new EventsCommand()).execute("--data", data.toString());
    assertThat(exit).isEqualTo(2);
  }
}

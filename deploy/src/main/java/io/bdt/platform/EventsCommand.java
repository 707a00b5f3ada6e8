package io.bdt.platform;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./bdt events}: the platform's CloudEvents as a consumer sees them, one JSON per line. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the platform's CloudEvents (twin events, inference results) from its Kafka, one JSON"
          + " event per line: the stored ones, or with --follow the ones arriving from now on"
          + " until Ctrl-C.",
      "Without --bootstrap it reads the address the running ./bdt platform wrote into its data"
          + " directory."
    })
public final class EventsCommand implements Callable<Integer> {
  static {
    // Kafka's client logs through SLF4J: Logback with the launcher's configuration (errors only)
    Platform.useLogback();
  }

  /** The file in the data directory that holds a running platform's Kafka bootstrap address. */
  static final String BOOTSTRAP_FILE = "kafka.bootstrap";

  @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: the platform's)")
  String bootstrap;

  @Option(
      names = "--data",
      description = "the platform's data directory (default: as ./bdt platform's)")
  Path data;

  @Option(names = "--follow", description = "wait for new events instead of printing stored ones")
  boolean follow;

  @Option(
      names = "--type",
      description =
          "only events of this type or its subtypes, e.g. io.bdt.inference.result or io.bdt.twin"
              + " (repeatable)")
  List<String> types = new ArrayList<>();

  @Option(names = "--limit", description = "stop after this many events")
  Long limit;

  PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    String servers = bootstrap != null ? bootstrap : platformBootstrap();
    if (servers == null) {
      return 2;
    }
    AtomicLong printed = new AtomicLong();
    java.util.function.BooleanSupplier done =
        () -> limit != null && printed.get() >= limit || Thread.currentThread().isInterrupted();
    java.util.function.Consumer<JsonNode> print =
        e -> {
          if (!done.getAsBoolean()) {
            out.println(e.toString());
            printed.incrementAndGet();
          }
        };
    try (EventTail tail = new EventTail(servers, types)) {
      if (follow) {
        tail.follow(print, done);
      } else {
        tail.stored(print, done);
      }
      if (tail.malformed() > 0) {
        System.err.println(
            "events: skipped " + tail.malformed() + " record(s) that were not events");
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      System.err.println("events: Kafka at " + servers + ": " + e.getMessage());
      return 1;
    }
    return 0;
  }

  private String platformBootstrap() throws java.io.IOException {
    Path dir = DataDirectory.orDefault(data);
    Path file = dir.resolve(BOOTSTRAP_FILE);
    if (!Files.exists(file)) {
      System.err.println(
          "events: no running ./bdt platform with its embedded Kafka in "
              + dir
              + " (no "
              + BOOTSTRAP_FILE
              + "); start one, or give --data DIR or --bootstrap SERVERS");
      return null;
    }
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }
}

package io.bdt.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bdt.gateway.twin.Feature;
import io.bdt.gateway.twin.Twin;
import io.bdt.gateway.twin.TwinCodec;
import io.bdt.gateway.twin.TwinEvent;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the history sweep pays per expired event to learn its thing id: decoding the whole event
 * ({@link TwinCodec#eventFromBytes}, what the sweep did) against streaming up to the id ({@link
 * TwinCodec#thingIdOf}, what it does). The event is a telemetry update of a twin shaped like {@link
 * TwinStoreScaleBenchmark}'s (two attributes, a vibration feature with two properties).
 */
@State(Scope.Benchmark)
public class EventThingIdBenchmark {

  private byte[] event;

  @Setup
  public void encode() {
    ObjectMapper json = new ObjectMapper();
    Instant at = Instant.parse("2026-12-04T07:00:00Z");
    Twin twin =
        new Twin(
            "bench:m0000017",
            json.createObjectNode().put("site", "site-17").put("model", "vib-3"),
            Map.of(
                "vibration",
                new Feature(
                    json.createObjectNode().put("rms", 0.4321).put("n", 17),
                    json.createObjectNode())),
            42,
            at,
            at);
    event = TwinCodec.toBytes(new TwinEvent.Modified(twin, "telemetry"));
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String fullDecode() throws IOException {
    return TwinCodec.eventFromBytes(event).thingId();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public String streamedId() throws IOException {
    return TwinCodec.thingIdOf(event);
  }
}

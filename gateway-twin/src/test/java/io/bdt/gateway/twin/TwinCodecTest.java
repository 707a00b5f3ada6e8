package io.bdt.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event codec: its one-pass encoding of an event and its twin, and its streaming read of an
 * event's thing id (what the history sweep needs).
 */
@Timeout(10)
class TwinCodecTest {

  private static final Instant T0 = Instant.parse("2026-12-04T07:00:00Z");

  private static Twin twin(String id) {
    var attributes = JsonNodeFactory.instance.objectNode().put("thingId", "bdt:not-this-one");
    var properties = JsonNodeFactory.instance.objectNode().put("thingId", "bdt:nor-this");
    return new Twin(
        id,
        attributes,
        Map.of("f", new Feature(properties, JsonNodeFactory.instance.objectNode())),
        3,
        T0,
        T0);
  }

  @Test
  void readsTheThingIdOfEveryEventKindAsTheFullDecodeDoes() throws IOException {
    for (TwinEvent event :
        new TwinEvent[] {
          new TwinEvent.Created(twin("bdt:a")),
          new TwinEvent.Modified(twin("bdt:b"), "telemetry"),
          new TwinEvent.Deleted("bdt:c", 4, T0)
        }) {
      byte[] bytes = TwinCodec.toBytes(event);
      assertThat(TwinCodec.thingIdOf(bytes))
          .isEqualTo(event.thingId())
          .isEqualTo(TwinCodec.eventFromBytes(bytes).thingId());
    }
  }

  @Test
  void findsTheTwinsIdWhateverFieldsComeBeforeIt() throws IOException {
    String json =
        "{\"type\":\"modified\",\"extra\":{\"thingId\":\"bdt:nested\",\"twin\":{}},"
            + "\"twin\":{\"attributes\":{\"thingId\":\"bdt:attr\"},\"thingId\":\"bdt:real\"}}";
    assertThat(TwinCodec.thingIdOf(json.getBytes(StandardCharsets.UTF_8))).isEqualTo("bdt:real");
  }

  @Test
  void rejectsAnEventWithoutAThingId() {
    for (String json : new String[] {"{\"type\":\"created\",\"twin\":{}}", "[1]", "{}"}) {
      assertThatThrownBy(() -> TwinCodec.thingIdOf(json.getBytes(StandardCharsets.UTF_8)))
          .isInstanceOf(IOException.class);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static Twin twinWithTwoFeaturesAndNesting() {
    var attributes = JsonNodeFactory.instance.objectNode().put("site", "hall \"3\" \u00e9");
    attributes.putObject("nested").putArray("a").add(1).add(2.5).addNull();
    return new Twin(
        "bdt:x",
        attributes,
        Map.of(
            "zeta",
            new Feature(
                JsonNodeFactory.instance.objectNode().put("t", 21.5),
                JsonNodeFactory.instance.objectNode().put("t", 20)),
            "alpha",
            new Feature(
                JsonNodeFactory.instance.objectNode().put("on", true),
                JsonNodeFactory.instance.objectNode())),
        7,
        T0,
        T0.plusMillis(1234));
  }

  @Test
  void encodesEveryEventKindAsTheJsonTreeOfTheEventAndItsTwinWritesIt() throws IOException {
    Twin twin = twinWithTwoFeaturesAndNesting();
    for (TwinEvent event :
        new TwinEvent[] {
          new TwinEvent.Created(twin),
          new TwinEvent.Modified(twin, "report:\"telemetry\""),
          new TwinEvent.Deleted("bdt:c", 4, T0)
        }) {
      TwinCodec.Encoded encoded = TwinCodec.encode(event);
      assertThat(new String(encoded.event(), StandardCharsets.UTF_8))
          .isEqualTo(JSON.writeValueAsString(TwinCodec.toJson(event)));
      if (event instanceof TwinEvent.Deleted) {
        assertThat(encoded.twin()).isNull();
      } else {
        assertThat(new String(encoded.twin(), StandardCharsets.UTF_8))
            .isEqualTo(JSON.writeValueAsString(twin.toJson()));
        assertThat(TwinCodec.twinBytes(twin)).isEqualTo(encoded.twin());
      }
      assertThat(TwinCodec.eventFromBytes(encoded.event())).isEqualTo(event);
    }
  }
}

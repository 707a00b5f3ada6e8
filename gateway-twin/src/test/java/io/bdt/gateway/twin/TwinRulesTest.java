package io.bdt.gateway.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TwinRulesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  private static Twin created() throws IOException {
    return TwinRules.apply(
        null,
        "bdt:pump",
        new TwinUpdate.Replace(
            json(
                "{\"attributes\":{\"location\":\"hall-1\",\"vendor\":\"acme\"},"
                    + "\"features\":{\"health\":{\"properties\":{\"label\":\"normal\"},"
                    + "\"desiredProperties\":{\"sampleRate\":10000}}}}")),
        T0);
  }

  @Test
  void replaceCreatesRevisionOneWithCreatedEqualToModified() throws IOException {
    Twin twin = created();
    assertThat(twin.revision()).isEqualTo(1);
    assertThat(twin.created()).isEqualTo(T0).isEqualTo(twin.modified());
    assertThat(twin.features().get("health").desiredProperties().get("sampleRate").asInt())
        .isEqualTo(10000);
  }

  @Test
  void mergePatchRemovesNullMembersAndKeepsTheRest() throws IOException {
    Twin next =
        TwinRules.apply(
            created(),
            "bdt:pump",
            new TwinUpdate.MergePatch(
                json(
                    "{\"attributes\":{\"vendor\":null,\"line\":3},\"features\":{\"health\":{\"properties\":{\"label\":\"imbalance\"}}}}")),
            T0.plusSeconds(5));
    assertThat(next.revision()).isEqualTo(2);
    assertThat(next.created()).isEqualTo(T0);
    assertThat(next.modified()).isEqualTo(T0.plusSeconds(5));
    assertThat(next.attributes().has("vendor")).isFalse();
    assertThat(next.attributes().get("line").asInt()).isEqualTo(3);
    assertThat(next.attributes().get("location").asText()).isEqualTo("hall-1");
    assertThat(next.features().get("health").properties().get("label").asText())
        .isEqualTo("imbalance");
    assertThat(next.features().get("health").desiredProperties().get("sampleRate").asInt())
        .isEqualTo(10000);
  }

  @Test
  void rejectsAThingIdWithoutNamespace() {
    assertThatThrownBy(() -> TwinRules.apply(null, "pump", new TwinUpdate.Replace(json("{}")), T0))
        .isInstanceOf(InvalidTwinException.class)
        .hasMessageContaining("thingId");
  }

  @Test
  void rejectsAttributesThatAreNotAnObject() {
    assertThatThrownBy(
            () ->
                TwinRules.apply(
                    null, "bdt:p", new TwinUpdate.Replace(json("{\"attributes\":[1,2]}")), T0))
        .isInstanceOf(InvalidTwinException.class)
        .hasMessageContaining("attributes must be a JSON object");
  }

  @Test
  void rejectsUnknownMembersInAFeature() {
    assertThatThrownBy(
            () ->
                TwinRules.apply(
                    null,
                    "bdt:p",
                    new TwinUpdate.Replace(json("{\"features\":{\"f\":{\"props\":{}}}}")),
                    T0))
        .isInstanceOf(InvalidTwinException.class)
        .hasMessageContaining("features.f.props");
  }

  @Test
  void rejectsPatchingRevisionOrIds() throws IOException {
    Twin twin = created();
    assertThatThrownBy(
            () ->
                TwinRules.apply(
                    twin, "bdt:pump", new TwinUpdate.MergePatch(json("{\"revision\":99}")), T0))
        .isInstanceOf(InvalidTwinException.class)
        .hasMessageContaining("patch.revision");
  }

  @Test
  void rejectsPatchOfAMissingTwin() {
    assertThatThrownBy(
            () -> TwinRules.apply(null, "bdt:none", new TwinUpdate.MergePatch(json("{}")), T0))
        .isInstanceOf(InvalidTwinException.class)
        .hasMessageContaining("names no twin");
  }

  @Test
  void aReportToAnExistingTwinStillChecksANewFeatureIdAndAnIdOtherThanTheTwins()
      throws IOException {
    Twin pump = created();
    var values = (com.fasterxml.jackson.databind.node.ObjectNode) json("{\"p\":1}");
    assertThatThrownBy(
            () ->
                TwinRules.apply(
                    pump, "bdt:pump", new TwinUpdate.ReportProperties("no/slash", values), T0))
        .isInstanceOf(InvalidTwinException.class)
        .hasMessageContaining("feature id");
    assertThatThrownBy(
            () ->
                TwinRules.apply(
                    pump, "no-namespace", new TwinUpdate.ReportProperties("health", values), T0))
        .isInstanceOf(InvalidTwinException.class)
        .hasMessageContaining("namespace:name");
  }

  @Test
  void reportMergesIntoPropertiesAndLeavesDesiredPropertiesAlone() throws IOException {
    Twin next =
        TwinRules.apply(
            created(),
            "bdt:pump",
            new TwinUpdate.ReportProperties(
                "health", (com.fasterxml.jackson.databind.node.ObjectNode) json("{\"p\":0.9}")),
            T0.plusSeconds(1));
    assertThat(next.features().get("health").properties().get("label").asText())
        .isEqualTo("normal");
    assertThat(next.features().get("health").properties().get("p").asDouble()).isEqualTo(0.9);
    assertThat(next.features().get("health").desiredProperties().size()).isEqualTo(1);
  }

  @Test
  void jsonRoundTripKeepsTheTwin() throws IOException {
    Twin twin = created();
    Twin back = TwinCodec.twinFromJson(twin.toJson());
    assertThat(back.toJson()).isEqualTo(twin.toJson());
  }
}

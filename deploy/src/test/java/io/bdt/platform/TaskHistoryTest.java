package io.bdt.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A twin's history gives each task once, and only the tasks whose window closed in the range. */
@Timeout(10)
class TaskHistoryTest {

  private static String event(String taskId, String closedAt, int cut, double measured) {
    return """
        {"type": "modified", "cause": "telemetry", "twin": {"thingId": "bdt:cam-2", "features":
          {"health": {"properties": {"label": "x", "cut": %d, "slot": 7, "taskId": "%s",
           "predictedLatency": 0.05, "measuredLatency": %s, "windowClosedAt": "%s"}}}}}
        """
        .formatted(cut, taskId, measured, closedAt);
  }

  @Test
  void eachTaskOnceAndOnlyThoseWhoseWindowClosedInTheRange() throws Exception {
    JsonNode history =
        new ObjectMapper()
            .readTree(
                "["
                    + event("0x01", "2026-12-03T10:00:00Z", 153, 0.02) // before: its result
                    + ","
                    + event("0x02", "2026-12-03T10:00:02Z", 0, 0.04) // still shown by a later
                    + ","
                    + event("0x02", "2026-12-03T10:00:02Z", 0, 0.04) // telemetry event
                    + ","
                    + "{\"type\": \"created\", \"twin\": {\"thingId\": \"bdt:cam-2\"}}"
                    + ","
                    + event("0x03", "2026-12-03T10:00:03Z", 32, 0.03)
                    + ","
                    + event("0x04", "2026-12-03T10:00:09Z", 0, 0.05) // after the range
                    + "]");
    var tasks =
        TaskHistory.tasks(
            "gw2",
            "mobilenetv2",
            "bdt:cam-2",
            history,
            Instant.parse("2026-12-03T10:00:01Z"),
            Instant.parse("2026-12-03T10:00:05Z"));
    assertThat(tasks.keySet()).containsExactly("0x02", "0x03");
    assertThat(tasks.get("0x03"))
        .isEqualTo(
            new TaskHistory.Task(
                "gw2",
                "mobilenetv2",
                "bdt:cam-2",
                7,
                "0x03",
                32,
                32,
                0.03,
                0.05,
                0,
                Double.NaN,
                Double.NaN));
  }

  @Test
  void aTaskThatRanLocallyAfterAFailedOffloadKeepsItsPlannedCut() throws Exception {
    JsonNode history =
        new ObjectMapper()
            .readTree(
                "["
                    + event("0x05", "2026-12-03T10:00:02Z", 153, 0.9)
                        .replace("\"cut\": 153,", "\"cut\": 153, \"plannedCut\": 32,")
                    + "]");
    TaskHistory.Task t =
        TaskHistory.tasks(
                "gw3",
                "mobilenetv2",
                "bdt:cam-3",
                history,
                Instant.parse("2026-12-03T10:00:01Z"),
                Instant.parse("2026-12-03T10:00:05Z"))
            .get("0x05");
    assertThat(t.plannedCut()).isEqualTo(32);
    assertThat(t.ranAsPlanned()).isFalse();
  }

  @Test
  void aTaskThatWaitedForATailLoadIsAColdStart() throws Exception {
    JsonNode history =
        new ObjectMapper()
            .readTree(
                "["
                    + event("0x06", "2026-12-03T10:00:02Z", 15, 0.4)
                        .replace("\"cut\": 15,", "\"cut\": 15, \"coldStartSeconds\": 0.31,")
                    + ","
                    + event("0x07", "2026-12-03T10:00:03Z", 15, 0.04)
                    + "]");
    var tasks =
        TaskHistory.tasks(
            "gw3",
            "mobilenetv2",
            "bdt:cam-3",
            history,
            Instant.parse("2026-12-03T10:00:01Z"),
            Instant.parse("2026-12-03T10:00:05Z"));
    assertThat(tasks.get("0x06").coldStartSeconds()).isEqualTo(0.31);
    assertThat(tasks.get("0x06").coldStart()).isTrue();
    // a gateway that does not write it: warm
    assertThat(tasks.get("0x07").coldStart()).isFalse();
  }
}

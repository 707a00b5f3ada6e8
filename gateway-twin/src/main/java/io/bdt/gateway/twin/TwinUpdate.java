package io.bdt.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/** A requested change to a twin; {@link TwinRules#apply} accepts it whole or not at all. */
public sealed interface TwinUpdate {

  /**
   * Replace attributes and features with those of {@code body} ({@code {"attributes": {...},
   * "features": {...}}}, both optional); creates the twin if it does not exist (HTTP PUT).
   */
  record Replace(JsonNode body) implements TwinUpdate {
    public Replace {
      Objects.requireNonNull(body, "body");
    }
  }

  /**
   * Merge {@code patch} into the twin's {@code {attributes, features}} by JSON Merge Patch (RFC
   * 7396): members set to {@code null} are removed (HTTP PATCH). The twin must exist.
   */
  record MergePatch(JsonNode patch) implements TwinUpdate {
    public MergePatch {
      Objects.requireNonNull(patch, "patch");
    }
  }

  /**
   * Merge reported values into one feature's {@code properties}, creating the twin and the feature
   * when missing (telemetry and inference results).
   */
  record ReportProperties(String featureId, ObjectNode properties) implements TwinUpdate {
    public ReportProperties {
      Objects.requireNonNull(featureId, "featureId");
      Objects.requireNonNull(properties, "properties");
    }
  }
}

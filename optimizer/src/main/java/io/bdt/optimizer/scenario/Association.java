package io.bdt.optimizer.scenario;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;

/** How a gateway picks its serving AP {@code m(n)}, or whether the controller decides it. */
public enum Association {
  /**
   * Gateway {@code n} (0-based) is served by AP {@code n mod M}, at a distance drawn uniformly from
   * the scenario's range: balanced load, the default.
   */
  ROUND_ROBIN("roundRobin"),
  /**
   * Each gateway draws a distance to every AP uniformly from the scenario's range (independent
   * drops, no shared geometry) and is served by the nearest; load may be uneven.
   */
  NEAREST("nearest"),
  /**
   * Gateways are placed as for {@link #NEAREST} (a distance to every AP), and every AP is in range:
   * DPRA chooses the serving AP of each task every slot ({@code docs/dpra.md}, association), each
   * link with its own fading; policies that do not choose keep the nearest AP.
   */
  DECIDED("decided");

  private final String json;

  Association(String json) {
    this.json = json;
  }

  /** The name in scenario files. */
  @JsonValue
  public String json() {
    return json;
  }

  /** The association named {@code json} in a scenario file. */
  public static Association fromJson(String json) {
    return Arrays.stream(values())
        .filter(a -> a.json.equals(json))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "must be one of " + String.join(", ", names()) + ", was \"" + json + "\""));
  }

  /** The names allowed in scenario files. */
  public static List<String> names() {
    return Arrays.stream(values()).map(Association::json).toList();
  }
}

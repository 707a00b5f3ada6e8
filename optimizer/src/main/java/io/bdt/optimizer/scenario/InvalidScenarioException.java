package io.bdt.optimizer.scenario;

import java.util.List;

/**
 * A scenario broke one or more rules; each problem reads {@code scenario.field: rule, was value}.
 */
public final class InvalidScenarioException extends IllegalArgumentException {

  private final List<String> problems;

  public InvalidScenarioException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each broken rule, in field order. */
  public List<String> problems() {
    return problems;
  }
}
